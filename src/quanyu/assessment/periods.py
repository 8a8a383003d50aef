"""Assessment periods: a month (``2025-03``), a quarter (``2025-Q1``) or a year (``2025``), as
local (Asia/Shanghai) calendar dates. A whistle belongs to the period in which it was blown
(``whistled_at``, local time)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.clock import LOCAL_TZ, local_today
from quanyu.core.params import parse_year

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int  # month 1–12, quarter 1–4, 0 for a year
    start: dt.date
    end: dt.date  # exclusive

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)d年%(m)d月") % {"y": self.year, "m": self.number}
        if self.kind == "quarter":
            return _("%(y)d年第%(q)d季度") % {"y": self.year, "q": self.number}
        return _("%(y)d年度") % {"y": self.year}

    @property
    def start_at(self) -> dt.datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return local_midnight(self.end)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days)]

    def has_ended(self, today: dt.date | None = None) -> bool:
        return self.end <= (today or local_today())

    def __str__(self) -> str:
        return self.key


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    return Period("month", year, number, _month_start(year, number), _month_start(year, number + 1))


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period("quarter", year, number, _month_start(year, first), _month_start(year, first + 3))


def year(value: int) -> Period:
    return Period("year", value, 0, dt.date(value, 1, 1), dt.date(value + 1, 1, 1))


def preceding(period: Period) -> Period:
    """The period of the same kind immediately before ``period`` (January's is the December
    before, the first quarter's the fourth quarter before, a year's the year before)."""
    if period.kind == "month":
        return month(period.year - 1, 12) if period.number == 1 else month(period.year, period.number - 1)
    if period.kind == "quarter":
        return quarter(period.year - 1, 4) if period.number == 1 else quarter(period.year, period.number - 1)
    return year(period.year - 1)


def parse_period(text: str | None, *, field: str = "period") -> Period:
    """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; ValidationError naming ``field`` otherwise."""
    raw = (text or "").strip()
    bad = ValidationError(
        {
            field: _("考核期间格式应为 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY（年），收到“%(v)s”")
            % {"v": raw[:20]}
        }
    )
    m = _MONTH.match(raw) or _QUARTER.match(raw) or _YEAR.match(raw)
    if m is None:
        raise bad
    # The year is checked before any date is built: ``0000`` or ``9999`` would not be a date.
    y = parse_year(m.group(1), lo=MIN_YEAR, hi=MAX_YEAR)
    if y is None:
        raise ValidationError({field: _("考核年份须在 %(a)d–%(b)d 之间") % {"a": MIN_YEAR, "b": MAX_YEAR}})
    if m.re is _MONTH:
        n = int(m.group(2))
        if not 1 <= n <= 12:
            raise bad
        result = month(y, n)
    elif m.re is _QUARTER:
        result = quarter(y, int(m.group(2)))
    else:
        result = year(y)
    return result


def current_month(today: dt.date | None = None) -> Period:
    today = today or local_today()
    return month(today.year, today.month)


def previous_month(today: dt.date | None = None) -> Period:
    return recent_months(2, today)[1]


def recent_months(count: int = 12, today: dt.date | None = None) -> list[Period]:
    """The current month and the ``count - 1`` before it, newest first (for period pickers)."""
    today = today or local_today()
    out = []
    for i in range(count):
        y, m0 = divmod(today.year * 12 + today.month - 1 - i, 12)
        out.append(month(y, m0 + 1))
    return out
