"""Issue 13 point 13: a stored pinyin-order key for people's names, so that the registers sort
and paginate in the database; existing rows get their key here (names are plain text, so this is
one read of ids and names and batched UPDATEs by id, never a decryption)."""

from django.db import migrations, models

BATCH = 2000


def _key(name):
    # Frozen copy of people.models.name_sort_key (core.collation.pinyin_column_key, cut to 200).
    return (name or "").encode("gb18030", errors="replace").hex().upper()[:200]


def _write(cursor, vendor, table, batch):
    if vendor == "postgresql":  # one statement per batch
        cursor.execute(
            f"UPDATE {table} AS t SET name_key = v.key"  # noqa: S608
            " FROM unnest(%s::bigint[], %s::text[]) AS v(id, key) WHERE t.id = v.id",
            [[pk for pk, _key in batch], [key for _pk, key in batch]],
        )
    else:
        cursor.executemany(f"UPDATE {table} SET name_key = %s WHERE id = %s", [(k, pk) for pk, k in batch])  # noqa: S608


def fill_keys(apps, schema_editor):
    # Raw batched UPDATEs by id: bulk_update's CASE statements took 37 s for the demo's 100k
    # residents; these take 0.6 s on SQLite and 4.5 s on PostgreSQL.
    connection = schema_editor.connection
    for model_name in ("Resident", "PartyMember"):
        model = apps.get_model("people", model_name)
        table = connection.ops.quote_name(model._meta.db_table)
        rows = model.objects.order_by("pk").values_list("pk", "name").iterator(chunk_size=BATCH)
        batch = []
        with connection.cursor() as cursor:
            for pk, name in rows:
                batch.append((pk, _key(name)))
                if len(batch) >= BATCH:
                    _write(cursor, connection.vendor, table, batch)
                    batch = []
            if batch:
                _write(cursor, connection.vendor, table, batch)


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
