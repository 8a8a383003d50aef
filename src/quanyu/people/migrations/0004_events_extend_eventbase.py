"""People's event tables extend quanyu.core.workflow.events.EventBase: MemberEvent.detail becomes
payload (renamed, rows kept), each table gains actor_name (filled from the actor's name now) and
the fields it lacked; a report event's kind is the status it reached."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    """Existing rows: kind of a report event = its status; actor_name = the actor's name now."""
    ReportEvent = apps.get_model("people", "ReportEvent")
    ReportEvent.objects.filter(kind="").update(kind=models.F("status"))
    for name in ("MemberEvent", "ReportEvent", "FloatingEvent"):
        model = apps.get_model("people", name)
        rows = model.objects.filter(actor__isnull=False, actor_name="").select_related("actor")
        for event in rows.iterator(chunk_size=2000):
            event.actor_name = event.actor.display_name or event.actor.username
            event.save(update_fields=["actor_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_id_hash_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # detail → payload keeps every row's JSON (a rename, not a drop and add).
        migrations.RenameField(
            model_name="memberevent",
            old_name="detail",
            new_name="payload",
        ),
        migrations.AddField(
            model_name="floatingevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="操作人名称"),
        ),
        migrations.AddField(
            model_name="floatingevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="内容"),
        ),
        migrations.AddField(
            model_name="memberevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="操作人名称"),
        ),
        migrations.AlterField(
            model_name="memberevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="内容"),
        ),
        migrations.AddField(
            model_name="reportevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="操作人名称"),
        ),
        migrations.AddField(
            model_name="reportevent",
            name="kind",
            field=models.CharField(default="", max_length=32, verbose_name="事件"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict, verbose_name="内容"),
        ),
        migrations.AlterField(
            model_name="floatingevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="floatingevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AlterField(
            model_name="floatingevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opened", "登记"),
                    ("contact", "联系"),
                    ("reminder", "逾期提醒"),
                    ("ended", "结束"),
                ],
                max_length=32,
                verbose_name="事件",
            ),
        ),
        migrations.AlterField(
            model_name="memberevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="memberevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AlterField(
            model_name="reportevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="reportevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
