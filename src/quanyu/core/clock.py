"""Time helpers: store UTC, show Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)


def local_today() -> dt.date:
    return local(now()).date()
