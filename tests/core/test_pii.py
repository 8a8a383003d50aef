"""Personal data at rest: only ciphertext in the database, exact lookup by keyed hash, masking."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection
from django.test import override_settings

from quanyu.accounts.models import User
from quanyu.core import pii
from quanyu.orgs.models import Unit, UnitKind

PHONE = "13812345678"
OTHER_KEY = base64.urlsafe_b64encode(b"another-32-byte-key-for-tests!!!").decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_user_phone_is_ciphertext_in_the_row():
    user = User.objects.create_user(
        username="p1", password="x-long-password-1", phone=PHONE, phone_hash=pii.pii_hash("phone", PHONE)
    )
    stored = raw(User._meta.db_table, "phone", user.pk)
    assert stored.startswith("enc1:")
    assert PHONE not in stored and "5678" not in stored
    assert User.objects.get(pk=user.pk).phone == PHONE


@pytest.mark.django_db
def test_unit_contact_phone_is_ciphertext_in_the_row(city):
    unit = Unit.objects.create(
        kind=UnitKind.RESIDENT_UNIT, name="加密单位", area=city.communities[0], contact_phone=PHONE
    )
    stored = raw(Unit._meta.db_table, "contact_phone", unit.pk)
    assert stored.startswith("enc1:") and PHONE not in stored
    assert Unit.objects.get(pk=unit.pk).contact_phone == PHONE


@pytest.mark.django_db
def test_same_value_encrypts_differently_each_time():
    a = User.objects.create_user(username="p2", password="x-long-password-1", phone=PHONE)
    b = User.objects.create_user(username="p3", password="x-long-password-1", phone=PHONE)
    assert raw(User._meta.db_table, "phone", a.pk) != raw(User._meta.db_table, "phone", b.pk)


@pytest.mark.django_db
def test_lookup_by_keyed_hash():
    user = User.objects.create_user(
        username="p4", password="x-long-password-1", phone=PHONE, phone_hash=pii.pii_hash("phone", PHONE)
    )
    User.objects.create_user(
        username="p5",
        password="x-long-password-1",
        phone="13900000000",
        phone_hash=pii.pii_hash("phone", "13900000000"),
    )
    assert list(User.objects.filter(phone_hash=pii.pii_hash("phone", PHONE))) == [user]
    # The hash is keyed and kind-separated: not a bare SHA-256 of the number.
    import hashlib

    assert pii.pii_hash("phone", PHONE) != hashlib.sha256(PHONE.encode()).hexdigest()
    assert pii.pii_hash("phone", PHONE) != pii.pii_hash("id", PHONE)
    # The ciphertext column cannot be searched for the plaintext.
    assert not User.objects.filter(phone=PHONE).exists()


@pytest.mark.django_db
def test_empty_stays_empty():
    user = User.objects.create_user(username="p6", password="x-long-password-1", phone="")
    assert raw(User._meta.db_table, "phone", user.pk) == ""
    assert User.objects.get(pk=user.pk).phone == ""
    assert pii.encrypt("") == "" and pii.decrypt("") == ""
    assert pii.pii_hash("phone", "") == ""
    assert pii.mask_phone("") == "" and pii.mask_id_number("") == ""


def test_masking():
    assert pii.mask_id_number("110105199001011234") == "110***********1234"
    assert pii.mask_phone(PHONE) == "138****5678"
    assert pii.mask_phone("12345") == "*****"
    assert pii.mask_name("张三") == "张*"
    assert pii.mask_name("欧阳小明") == "欧**明"


def test_round_trip_and_tamper_detection():
    token = pii.encrypt("110105199001011234")
    assert pii.decrypt(token) == "110105199001011234"
    raw_bytes = bytearray(base64.urlsafe_b64decode(token[len("enc1:") :]))
    raw_bytes[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.decrypt("enc1:" + base64.urlsafe_b64encode(bytes(raw_bytes)).decode())


def test_decrypt_with_the_wrong_key_fails():
    token = pii.encrypt(PHONE)
    with override_settings(QUANYU_PII_KEY=OTHER_KEY), pytest.raises(InvalidTag):
        pii.decrypt(token)
    assert pii.decrypt(token) == PHONE


def test_hash_depends_on_the_key():
    ours = pii.pii_hash("phone", PHONE)
    with override_settings(QUANYU_PII_KEY=OTHER_KEY):
        assert pii.pii_hash("phone", PHONE) != ours


def test_plaintext_is_not_accepted_as_ciphertext():
    with pytest.raises(ValueError):
        pii.decrypt(PHONE)


def test_redact_text_masks_ids_and_mobiles_in_free_text():
    from quanyu.core.pii import redact_text

    text = "张三 13912345678 身份证370602198001010039，住幸福小区；订单号20240601123456789012不动"
    out = redact_text(text)
    assert "13912345678" not in out and "139****5678" in out
    assert "370602198001010039" not in out and "370***********0039" in out
    assert "20240601123456789012" in out  # a longer number is not an ID
    assert redact_text("") == ""


def test_bulk_encrypt_and_hash_equal_the_single_ones():
    values = ["13800000000", "", "王先生", "a\tb\\c", "13800000000"]
    sealed = pii.encrypt_many(values)
    assert [pii.decrypt(s) for s in sealed] == values
    assert sealed[1] == "" and sealed[0] != sealed[4]  # a fresh nonce per value
    assert all(s.startswith("enc1:") for s in sealed if s)
    assert pii.pii_hash_many("phone", values) == [pii.pii_hash("phone", v) for v in values]
