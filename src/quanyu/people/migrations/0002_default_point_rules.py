"""Default points rules (量化积分), after the Luoyang and Shangluo schemes; administrators adjust
them (and add their own) in the admin or through point_rule_save."""

from django.db import migrations

RULES = [
    # code, name, points, cap, period, approver role
    ("duty_logged", "岗位履职", 2, 40, "year", ""),
    ("meeting_attended", "参加三会一课", 1, 24, "year", ""),
    ("report_confirmed", "到居住社区报到", 5, 5, "year", ""),
    ("activity_attended", "参加社区活动", 2, 40, "year", ""),
    ("wish_fulfilled", "认领并完成微心愿", 3, 30, "year", ""),
    ("volunteer_hours", "志愿服务", 1, 50, "year", ""),
    ("commendation", "受到表彰", 10, 20, "year", "community_staff"),
    ("special_contribution", "急难险重任务", 5, 20, "quarter", "community_staff"),
    ("violation", "违反纪律或规定", -10, None, "year", "community_staff"),
]


def add_rules(apps, schema_editor):
    PointRule = apps.get_model("people", "PointRule")
    for code, name, points, cap, period, approver in RULES:
        PointRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "points": points,
                "cap": cap,
                "period": period,
                "approver_role": approver,
            },
        )


def remove_rules(apps, schema_editor):
    apps.get_model("people", "PointRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
