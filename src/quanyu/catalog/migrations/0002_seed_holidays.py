"""Seed the holiday table from chinese_calendar (2004–2026). Administrators add later years."""

from django.db import migrations


def seed(apps, schema_editor):
    from quanyu.catalog.holidays import package_rows

    Holiday = apps.get_model("catalog", "Holiday")
    existing = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create(
        [Holiday(date=d, kind=k, name=n) for d, k, n in package_rows() if d not in existing]
    )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "Holiday").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
