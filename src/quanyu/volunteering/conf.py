"""Settings of volunteering, each with a default (override in settings.py or the environment)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def qr_max_age() -> int:
    """Seconds a check-in QR token stays valid (the organiser's screen shows a fresh one)."""
    return int(getattr(settings, "VOLUNTEERING_QR_MAX_AGE", 15 * 60))


def no_show_limit() -> int:
    """After this many no-shows a volunteer's sign-ups wait for the organiser's approval."""
    return int(getattr(settings, "VOLUNTEERING_NO_SHOW_LIMIT", 3))


def late_grace() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "VOLUNTEERING_LATE_MINUTES", 10)))


def early_checkin() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "VOLUNTEERING_EARLY_MINUTES", 30)))


def auto_close_after() -> dt.timedelta:
    """How long after an activity ends an unclosed check-in is closed (and flagged) by the sweep."""
    return dt.timedelta(minutes=int(getattr(settings, "VOLUNTEERING_AUTO_CLOSE_MINUTES", 120)))


def reminder_before() -> dt.timedelta:
    """How long before the start confirmed volunteers are reminded (by the sweep)."""
    return dt.timedelta(hours=int(getattr(settings, "VOLUNTEERING_REMINDER_HOURS", 24)))


# The people register's own rule for volunteer service (people migration 0002: 志愿服务).
POINT_RULE = "volunteer_hours"
