"""Issue 12 (等保 residual information): the tickets that still hold a contact, by the phone
number's keyed hash, for anonymising a person and for the retention run (tickets.erasure). Built CONCURRENTLY on PostgreSQL: the ticket
table may hold 100 M rows, and a plain CREATE INDEX would stop every intake for the build."""

from django.db import migrations, models

INDEX = models.Index(
    fields=["contact_phone_hash"],
    name="ticket_contact",
    condition=~models.Q(contact_name="", contact_phone="", contact_phone_hash="", contact_email=""),
)


def _options(schema_editor):
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def forwards(apps, schema_editor):
    schema_editor.add_index(apps.get_model("tickets", "Ticket"), INDEX, **_options(schema_editor))


def backwards(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("tickets", "Ticket"), INDEX, **_options(schema_editor))


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("tickets", "0007_claim_rounds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="ticket", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
