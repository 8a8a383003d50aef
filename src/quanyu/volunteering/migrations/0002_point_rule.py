"""The people register's point rule for volunteer service, ``volunteer_hours`` (seeded by people
0002), made sure of: a site that deleted it gets it back, as approved hours award points by it.
(Data only: no people migration.)"""

from django.db import migrations


def add_rule(apps, schema_editor):
    PointRule = apps.get_model("people", "PointRule")
    PointRule.objects.get_or_create(
        code="volunteer_hours",
        defaults={"name": "志愿服务", "points": 1, "cap": 50, "period": "year", "approver_role": ""},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0001_initial"),
        ("people", "0004_events_extend_eventbase"),
    ]

    operations = [migrations.RunPython(add_rule, migrations.RunPython.noop)]
