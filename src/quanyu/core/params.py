"""Bounded integer parameters from query strings and forms.

``int("99999999999999999999")`` succeeds in Python but overflows a database integer column
(``OverflowError`` on SQLite, ``DataError`` on PostgreSQL), and ``?year=99999`` builds dates that
do not exist. Every integer that comes from a URL goes through one of these helpers first; a value
that is missing, not an integer or out of range answers ``None`` so the caller can ignore the
parameter (a filter) or answer 400/404 (:func:`require_int`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The largest primary key / bigint any supported database stores.
MAX_DB_INT = 2**63 - 1
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_int(value: Any, *, lo: int = 1, hi: int = MAX_DB_INT) -> int | None:
    """``value`` as an int in ``lo..hi`` (inclusive), or ``None`` when it is missing, not a
    plain integer (``"1.5"``, ``"1e3"``, ``"abc"``) or out of range."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # Python's int() accepts "1_000" and unbounded digit strings; refuse both early.
        if not text or "_" in text or len(text) > 20:
            return None
        try:
            number = int(text)
        except ValueError:
            return None
    return number if lo <= number <= hi else None


def parse_year(value: Any, *, lo: int = MIN_YEAR, hi: int = MAX_YEAR) -> int | None:
    """A calendar year in ``lo..hi`` (2000–2100 by default), or ``None``."""
    return parse_int(value, lo=lo, hi=hi)


def require_int(value: Any, *, field: str, lo: int = 1, hi: int = MAX_DB_INT) -> int | None:
    """Like :func:`parse_int`, but a value that is given and bad raises a ValidationError naming
    ``field`` (for APIs that answer 400). Missing (``None``/``""``) answers ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = parse_int(value, lo=lo, hi=hi)
    if number is None:
        raise ValidationError({field: _("必须是 %(lo)d 到 %(hi)d 之间的整数") % {"lo": lo, "hi": hi}})
    return number


def require_year(value: Any, *, field: str = "year") -> int | None:
    """A given year outside 2000–2100 raises a ValidationError naming ``field``."""
    return require_int(value, field=field, lo=MIN_YEAR, hi=MAX_YEAR)
