"""The venues app's settings, each with its default (override in the Django settings).

Walking distances default to GB 50180-2018 (城市居住区规划设计标准) life circles: the 5-, 10- and
15-minute circles' walking distances of 300, 500 and 1,000 m (table 1.0.3 / §2.0.2–2.0.4 give
800–1,000 m for 15 minutes; the upper end is used). Straight-line distance is multiplied by the
detour factor when no street network is imported.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "VENUES_CIRCLES_M": {"5": 300, "10": 500, "15": 1000},
    "VENUES_DETOUR_FACTOR": 1.3,
    # A confirmed booking not checked in this many minutes after its start is released (no-show).
    "VENUES_CHECK_IN_GRACE_MINUTES": 30,
    # A booker holds at most this many future requested/approved bookings.
    "VENUES_MAX_OPEN_BOOKINGS": 20,
    "VENUES_MAX_BOOKING_HOURS": 12,
    "VENUES_MAX_SERIES_WEEKS": 26,
    # The "重管轻用" (cold venue) warning: fewer used hours than this per week for N weeks.
    "VENUES_COLD_HOURS_PER_WEEK": 4,
    "VENUES_COLD_WEEKS": 4,
    # Each month's activity plan is due by this day of the month (posted at the start of the month).
    "VENUES_PLAN_DUE_DAY": 3,
    # Venue photos: at most this many per venue, each upload at most this many bytes and pixels;
    # stored re-encoded with the longer side at most VENUES_PHOTO_MAX_SIDE.
    "VENUES_PHOTOS": 12,
    "VENUES_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    "VENUES_PHOTO_MAX_PIXELS": 40_000_000,
    "VENUES_PHOTO_MAX_SIDE": 1600,
    # Days each build-and-handover step may take before it is supervised (services/projects.py).
    "VENUES_PROJECT_STEP_DAYS": {},
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
