"""SMS channel behind an adapter interface.

The backend is named by ``settings.QUANYU_SMS_BACKEND`` (dotted path to a class with
``send(phone, text) -> bool``); the default ``LogSmsBackend`` writes each message to the log
(logger ``quanyu.notify.sms``), with the number masked. A provider adapter (Aliyun, Tencent Cloud …)
is one small class implementing ``SmsBackend``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from quanyu.core.pii import mask_phone
from quanyu.notify.channels import Message, register

logger = logging.getLogger("quanyu.notify.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> bool: ...


class LogSmsBackend:
    """Default backend: no gateway, the message goes to the log."""

    def send(self, phone: str, text: str) -> bool:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        return True


def sms_backend() -> SmsBackend:
    path = getattr(settings, "QUANYU_SMS_BACKEND", "quanyu.notify.channels.sms.LogSmsBackend")
    backend: SmsBackend = import_string(path)()
    return backend


class SmsChannel:
    name = "sms"

    def deliver(self, message: Message) -> int:
        phones = [getattr(u, "phone", "") for u in message.recipients] + list(message.phones)
        numbers = sorted({p for p in phones if p})
        if not numbers:
            return 0
        text = message.title + (f" {message.link}" if message.link else "")
        backend = sms_backend()
        return sum(1 for phone in numbers if backend.send(phone, text))


register(SmsChannel())
