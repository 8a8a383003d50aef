"""The app's tunable numbers, read from Django settings with these defaults."""

from __future__ import annotations

from django.conf import settings

_DEFAULTS: dict[str, int] = {
    # A claim with no progress (claim, progress note, fulfilment) for this many days lapses back to
    # the wall at the next sweep.
    "QUANYU_WISH_LAPSE_DAYS": 14,
    # Photos per wish or per fulfilment, and the bytes of one photo.
    "QUANYU_WISH_PHOTOS": 3,
    "QUANYU_WISH_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    # Pixels and the longest side a photo is scaled to.
    "QUANYU_WISH_PHOTO_MAX_PIXELS": 40_000_000,
    "QUANYU_WISH_PHOTO_MAX_SIDE": 1920,
}


def int_setting(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))
