"""Issue 13 point 13: a stored pinyin-order key for people's names, so that the registers sort
and paginate in the database; existing rows get their key here (names are plain text, so this is
one read of ids and names and batched updates, never a decryption)."""

from django.db import migrations, models

BATCH = 2000


def _key(name):
    # Frozen copy of people.models.name_sort_key (core.collation.pinyin_column_key, cut to 200).
    return (name or "").encode("gb18030", errors="replace").hex().upper()[:200]


def fill_keys(apps, schema_editor):
    for model_name in ("Resident", "PartyMember"):
        model = apps.get_model("people", model_name)
        batch = []
        for pk, name in model.objects.order_by("pk").values_list("pk", "name").iterator(chunk_size=BATCH):
            batch.append(model(pk=pk, name_key=_key(name)))
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, ["name_key"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_member_transfer"),
    ]

    operations = [
        migrations.AddField(
            model_name="partymember",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="resident",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
