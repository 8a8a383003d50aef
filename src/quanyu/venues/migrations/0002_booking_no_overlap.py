"""On PostgreSQL, no two holding bookings (requested, approved, used) of one room overlap: an
exclusion constraint over (room, [starts_at, ends_at)) — the last word behind the service's room
lock. SQLite has none; there the service's lock (BEGIN IMMEDIATE serialises writers) is the guarantee."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE venues_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status IN ('requested', 'approved', 'used'));
"""
DROP = "ALTER TABLE venues_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
