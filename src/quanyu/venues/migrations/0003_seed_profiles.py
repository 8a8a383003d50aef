"""The standards profiles seeded from the city reports (quanyu.venues.standards says where each
figure comes from): Lianyungang (the default) and Yangquan."""

from django.db import migrations


def seed(apps, schema_editor):
    from quanyu.venues.standards import SEEDED

    profile = apps.get_model("venues", "StandardProfile")
    for spec in SEEDED:
        profile.objects.get_or_create(code=spec["code"], defaults=dict(spec))


class Migration(migrations.Migration):
    dependencies = [("venues", "0002_booking_no_overlap")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
