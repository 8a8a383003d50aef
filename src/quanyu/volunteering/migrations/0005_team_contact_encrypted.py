"""Issue 12: a team's contact phone (usually a leader's own mobile) and the one printed on its
certificates become personal data like the rest: encrypted at rest (``core.pii``), the team's with
its keyed hash beside it, and a flag for organisers who choose to publish the number. Existing
rows are encrypted in place; the column type changes from varchar(30) to text first."""

import re

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Cast

import quanyu.core.pii
from quanyu.core.pii import decrypt


def _raw(model):
    """(pk, the column as stored) of each row with a contact phone: cast to plain text, so the
    encrypted field's decryption does not run on values still in plaintext."""
    stored = Cast("contact_phone", output_field=models.TextField())
    return model.objects.exclude(contact_phone="").annotate(stored=stored).values_list("pk", "stored")


def forwards(apps, schema_editor):
    from quanyu.core.pii import pii_hash

    for name in ("Team", "Certificate"):
        model = apps.get_model("volunteering", name)
        for pk, phone in _raw(model):
            if phone.startswith("enc1:"):
                continue
            new = {"contact_phone": phone}  # the field encrypts it on the way in
            if name == "Team":
                new["contact_phone_hash"] = pii_hash("phone", re.sub(r"\D", "", phone))
            model.objects.filter(pk=pk).update(**new)


def backwards(apps, schema_editor):
    for name in ("Team", "Certificate"):
        model = apps.get_model("volunteering", name)
        for pk, phone in _raw(model):
            if phone.startswith("enc1:"):
                # varchar(30) again: written as stored text, not through the encrypting field
                plain = Value(decrypt(phone)[:30], output_field=models.TextField())
                model.objects.filter(pk=pk).update(contact_phone=plain)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0004_activity_room"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="contact_phone",
            field=quanyu.core.pii.EncryptedCharField(blank=True, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="contact_phone",
            field=quanyu.core.pii.EncryptedCharField(blank=True, verbose_name="联系电话"),
        ),
        migrations.AddField(
            model_name="team",
            name="contact_phone_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="team",
            name="publish_contact",
            field=models.BooleanField(
                default=False,
                help_text="勾选后，志愿服务记录证明上印出完整的联系电话；否则打码",
                verbose_name="公开联系电话",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
