"""Personal data at rest: AES-GCM encryption, a keyed hash for exact lookup, and masking.

Usage in a model::

    id_number = EncryptedCharField(_("身份证号"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

Services set both through ``pii_hash(kind, value)``; lookups use
``Model.objects.filter(id_number_hash=pii_hash("id", value))``. The key comes from the
environment (``QUANYU_PII_KEY``): a 32-byte key, urlsafe-base64. Encryption and hashing use
separate keys derived from it, so a leaked hash column does not weaken the ciphertext.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import re
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "enc1:"


@functools.cache
def _keys(master_b64: str) -> tuple[bytes, bytes]:
    try:
        master = base64.urlsafe_b64decode(master_b64.encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("QUANYU_PII_KEY must be urlsafe base64") from exc
    if len(master) != 32:
        raise ImproperlyConfigured("QUANYU_PII_KEY must decode to 32 bytes")
    enc = hmac.new(master, b"quanyu/pii/encrypt", hashlib.sha256).digest()
    mac = hmac.new(master, b"quanyu/pii/lookup-hash", hashlib.sha256).digest()
    return enc, mac


@functools.cache
def _ciphers(master_b64: str) -> tuple[AESGCM, Any]:
    """The AES-GCM cipher and a keyed HMAC to copy, built once per key: an import of 100,000 rows
    encrypts and hashes 200,000 values, and setting up the key each time was a fifth of it."""
    enc, mac = _keys(master_b64)
    return AESGCM(enc), hmac.new(mac, digestmod=hashlib.sha256)


def encrypt(plaintext: str) -> str:
    """``enc1:`` + base64(nonce ‖ AES-GCM of ``plaintext``); empty stays empty."""
    return encrypt_many([plaintext])[0]


def encrypt_many(plaintexts: list[str]) -> list[str]:
    """``encrypt`` of each value (a fresh nonce each), for bulk writers: the nonces come from one
    ``os.urandom`` call and the cipher is looked up once, about half the time of one call each."""
    seal = _ciphers(settings.QUANYU_PII_KEY)[0].encrypt
    nonces = os.urandom(12 * len(plaintexts))
    b64 = base64.urlsafe_b64encode
    out: list[str] = []
    append = out.append
    for i, plaintext in enumerate(plaintexts):
        if plaintext == "":
            append("")
            continue
        nonce = nonces[12 * i : 12 * i + 12]
        append(_PREFIX + b64(nonce + seal(nonce, plaintext.encode(), None)).decode())
    return out


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.urlsafe_b64decode(token[len(_PREFIX) :].encode())
    return _ciphers(settings.QUANYU_PII_KEY)[0].decrypt(raw[:12], raw[12:], None).decode()


def pii_hash(kind: str, value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised value, for exact-match lookup. Empty stays empty."""
    if not value:
        return ""
    keyed = _ciphers(settings.QUANYU_PII_KEY)[1].copy()
    keyed.update(f"{kind}:{value}".encode())
    return str(keyed.hexdigest())


@functools.cache
def _hmac_pads(master_b64: str) -> tuple[Any, Any]:
    """SHA-256 states after the lookup key's inner and outer pads (RFC 2104), to copy per value."""
    key = _keys(master_b64)[1].ljust(64, b"\0")
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in key)),
        hashlib.sha256(bytes(b ^ 0x5C for b in key)),
    )


def pii_hash_many(kind: str, values: list[str]) -> list[str]:
    """``pii_hash(kind, v)`` of each value: the same HMAC-SHA256, computed from the two pad states
    (a third less time per value than copying an ``hmac`` object)."""
    inner, outer = _hmac_pads(settings.QUANYU_PII_KEY)
    out: list[str] = []
    append = out.append
    for value in values:
        if not value:
            append("")
            continue
        h = inner.copy()
        h.update(f"{kind}:{value}".encode())
        o = outer.copy()
        o.update(h.digest())
        append(o.hexdigest())
    return out


class EncryptedCharField(models.TextField):
    """A text column that holds only ciphertext; Python sees plaintext."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value is None:
            return ""
        return decrypt(value)

    def to_python(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str) and value.startswith(_PREFIX):
            return decrypt(value)
        return str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        return encrypt(str(value))


def mask_id_number(value: str) -> str:
    """110***********1234: first three and last four characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678: first three and last four digits."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*明 / 李*: keep the surname (and the last character of names of three or more)."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def redact_text(value: str) -> str:
    """Free text with ID and mobile numbers masked, for anything shown to the public."""
    if not value:
        return ""
    value = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), value)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), value)
