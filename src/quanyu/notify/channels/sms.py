"""SMS channel behind an adapter interface.

The backend is named by ``settings.QUANYU_SMS_BACKEND`` (dotted path to a class with
``send(phone, text) -> bool``); the default ``LogSmsBackend`` writes each message to the log
(logger ``quanyu.notify.sms``) with the number masked and secrets in the text hidden: a message
may carry a link that works without an account (the rating link), and logs are read by more
people than the message is meant for. ``OutboxSmsBackend`` keeps what was sent in
``sms.outbox`` (like Django's ``mail.outbox``) for tests and local runs. A provider adapter
(Aliyun, Tencent Cloud …) is one small class implementing ``SmsBackend``.

Numbers without an account (a requester's contact number, ``Message.phones``) get at most
``QUANYU_SMS_PER_PHONE`` messages (default ``10/1d``): anyone can type someone else's number
into a request, and the messages must not become a way to flood a phone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from quanyu.core import ratelimit
from quanyu.core.idnumber import normalize_phone
from quanyu.core.pii import mask_phone, redact_text
from quanyu.notify.channels import Message, register

logger = logging.getLogger("quanyu.notify.sms")

HIDDEN = "***"
# A secret in a link: a run of 16+ URL-safe characters (tokens, signed values). Chinese text,
# phone numbers (11 digits) and ordinary path words are shorter or not URL-safe ASCII.
_SECRET_RUN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{16,}")
_QUERY = re.compile(r"(https?://[^\s?#]+|/[^\s?#]*)\?[^\s#]*")


def mask_secrets(text: str) -> str:
    """``text`` fit for a log: ID and mobile numbers masked (``core.pii.redact_text``), query
    strings of links and token-like runs replaced by ``***``."""
    text = redact_text(text or "")
    text = _QUERY.sub(lambda m: f"{m.group(1)}?{HIDDEN}", text)
    return _SECRET_RUN.sub(HIDDEN, text)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> bool: ...


class LogSmsBackend:
    """Default backend: no gateway, the message goes to the log, number and secrets masked."""

    def send(self, phone: str, text: str) -> bool:
        logger.info("SMS to %s: %s", mask_phone(phone), mask_secrets(text))
        return True


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


outbox: list[SentSms] = []


class OutboxSmsBackend:
    """Keeps every message, unmasked, in ``quanyu.notify.channels.sms.outbox`` (tests, demos)."""

    def send(self, phone: str, text: str) -> bool:
        outbox.append(SentSms(phone=phone, text=text))
        return True


def sms_backend() -> SmsBackend:
    path = getattr(settings, "QUANYU_SMS_BACKEND", "quanyu.notify.channels.sms.LogSmsBackend")
    backend: SmsBackend = import_string(path)()
    return backend


def _within_cap(phone: str) -> bool:
    """Count one message to a number without an account; False when its cap is reached."""
    rate = ratelimit.rate_setting("QUANYU_SMS_PER_PHONE", "10/1d")
    try:
        ratelimit.hit(ratelimit.Check("sms-phone", phone, rate))
    except ratelimit.RateLimited:
        logger.warning("SMS to %s not sent: QUANYU_SMS_PER_PHONE reached", mask_phone(phone))
        return False
    return True


class SmsChannel:
    name = "sms"

    def reaches(self, message: Message) -> bool:
        """Anyone with a number. The per-number cap of extra numbers is counted at delivery, not
        here: a message recorded now may be delivered on another day."""
        return bool(message.phones) or any(getattr(u, "phone", "") for u in message.recipients)

    def deliver(self, message: Message) -> int:
        accounts = {p for p in (getattr(u, "phone", "") for u in message.recipients) if p}
        extra = {normalize_phone(p) for p in message.phones if p} - accounts
        numbers = sorted(accounts) + sorted(p for p in extra if _within_cap(p))
        if not numbers:
            return 0
        text = message.title + (f" {message.link}" if message.link else "")
        backend = sms_backend()
        return sum(1 for phone in numbers if backend.send(phone, text))


register(SmsChannel())
