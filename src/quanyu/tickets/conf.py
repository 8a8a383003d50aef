"""The loop's tunable numbers, read from Django settings with these defaults (settings.py may set
any of them; nothing else in the app hard-codes them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

_DEFAULTS: dict[str, object] = {
    # How many times a 不满意 rating reopens a ticket before it goes to the re-handling ledger.
    "QUANYU_TICKET_REOPEN_LIMIT": 1,
    # Limits for a ticket without a category.
    "QUANYU_TICKET_DEFAULT_RESPONSE_HOURS": 24,
    "QUANYU_TICKET_DEFAULT_COMPLETION_DAYS": 5,
    # Remind this long before a response / completion limit.
    "QUANYU_REMIND_BEFORE_RESPONSE_HOURS": 2,
    "QUANYU_REMIND_BEFORE_COMPLETION_HOURS": 24,
    # Text and photos at intake.
    "QUANYU_TICKET_TEXT_MAX": 2000,
    "QUANYU_PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "QUANYU_PHOTO_MAX_PIXELS": 40_000_000,
    "QUANYU_PHOTO_MAX_SIDE": 2560,
    "QUANYU_PHOTOS_PER_UPLOAD": 9,
    # All the photos of one submission or step together.
    "QUANYU_PHOTOS_MAX_TOTAL_BYTES": 30 * 1024 * 1024,
    # Share of each department's closed tickets to call back per month (回访抽查).
    "QUANYU_CALLBACK_SAMPLE_RATE": 0.10,
    # A learned model's category suggestion at or above this confidence routes a new ticket to the
    # category's first tier; below it the ticket waits on the community's triage board.
    "QUANYU_ROUTING_THRESHOLD": 0.7,
    # Where the no-account rating link points; {token} is replaced.
    "QUANYU_RATING_URL": "/rate/{token}/",
    # Days after a ticket closed (or was cancelled, merged, transferred) that its submitter's
    # contact is kept; then the daily retention run clears it (tickets.erasure).
    "QUANYU_TICKET_CONTACT_DAYS": 180,
}


def setting(name: str) -> object:
    return getattr(settings, name, _DEFAULTS[name])


def reopen_limit() -> int:
    return int(setting("QUANYU_TICKET_REOPEN_LIMIT"))  # type: ignore[call-overload]


def remind_before_response() -> dt.timedelta:
    return dt.timedelta(hours=float(setting("QUANYU_REMIND_BEFORE_RESPONSE_HOURS")))  # type: ignore[arg-type]


def remind_before_completion() -> dt.timedelta:
    return dt.timedelta(hours=float(setting("QUANYU_REMIND_BEFORE_COMPLETION_HOURS")))  # type: ignore[arg-type]


def routing_threshold() -> float:
    return float(setting("QUANYU_ROUTING_THRESHOLD"))  # type: ignore[arg-type]


def int_setting(name: str) -> int:
    return int(setting(name))  # type: ignore[call-overload]


def rating_url(token: str) -> str:
    return str(setting("QUANYU_RATING_URL")).format(token=token)
