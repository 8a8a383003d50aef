"""The people app's point rule for approved volunteer service (data only: no people migration)."""

from django.db import migrations


def add_rule(apps, schema_editor):
    PointRule = apps.get_model("people", "PointRule")
    PointRule.objects.get_or_create(
        code="volunteer_service",
        defaults={"name": "参加志愿服务", "points": 2, "cap": 60, "period": "year", "approver_role": ""},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0001_initial"),
        ("people", "0004_events_extend_eventbase"),
    ]

    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
