"""Several evidence files per hand-scored entry (the single ``evidence`` file of each entry moved
to an ``EntryEvidence`` row, then dropped), and the assessor's submission deadline per period."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_evidence(apps, schema_editor):
    ManualEntry = apps.get_model("assessment", "ManualEntry")
    EntryEvidence = apps.get_model("assessment", "EntryEvidence")
    rows = []
    for entry in ManualEntry.objects.exclude(evidence="").exclude(evidence=None).iterator():
        name = entry.evidence.name
        rows.append(
            EntryEvidence(
                entry_id=entry.pk,
                file=name,
                name=name.rsplit("/", 1)[-1][:200],
                uploaded_by_id=entry.submitted_by_id,
            )
        )
    EntryEvidence.objects.bulk_create(rows, batch_size=1000)


def move_back(apps, schema_editor):
    ManualEntry = apps.get_model("assessment", "ManualEntry")
    EntryEvidence = apps.get_model("assessment", "EntryEvidence")
    for ev in EntryEvidence.objects.order_by("entry_id", "-id").iterator():
        ManualEntry.objects.filter(pk=ev.entry_id, evidence="").update(evidence=ev.file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0009_duty_report_projects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EntryEvidence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to="assessment/evidence/%Y/%m/", verbose_name="佐证材料")),
                ("name", models.CharField(max_length=200, verbose_name="文件名")),
                ("size", models.PositiveIntegerField(default=0, verbose_name="大小（字节）")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="assessment.manualentry",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "佐证材料",
                "verbose_name_plural": "佐证材料",
                "ordering": ["entry_id", "id"],
            },
        ),
        migrations.CreateModel(
            name="SubmissionDeadline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=10, verbose_name="考核期间")),
                ("due_at", models.DateTimeField(verbose_name="提交截止时间")),
                ("set_at", models.DateTimeField(auto_now=True, verbose_name="设定时间")),
                ("overdue_told", models.BooleanField(default=False, verbose_name="已提醒逾期")),
                (
                    "indicator_set",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deadlines",
                        to="assessment.indicatorset",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "材料提交期限",
                "verbose_name_plural": "材料提交期限",
                "ordering": ["indicator_set_id", "due_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("indicator_set", "period"), name="submission_deadline_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(move_evidence, move_back),
        migrations.RemoveField(model_name="manualentry", name="evidence"),
    ]
