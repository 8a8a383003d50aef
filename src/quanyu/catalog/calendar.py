"""Working-day arithmetic over the ``Holiday`` table (statutory holidays and 调休 workdays).

A day is a working day when it is an adjusted workday (调休), or a Monday–Friday that is not a
statutory holiday. A year is *known* when the table has at least one row in it; in a year that is
not known yet, only weekends are skipped and the answer carries ``estimated=True`` so that a page
can say "按周末估算（该年度节假日尚未录入）". Nothing here raises on a missing year.

Deadlines are counted in local time (Asia/Shanghai):

* ``add_working_days(start, n)``: the same local clock time ``n`` working days later. A start on a
  non-working day counts from 00:00 of the next working day (so Saturday + 1 working day is the end
  of Monday).
* ``add_working_hours(start, h)``: ``h`` hours counted only on working days (24 h each).

Pass one ``WorkCalendar`` to many calls (imports, sweeps) to read each year's rows once. A fresh
``WorkCalendar()`` takes each year from a per-process cache (``shared_year``) that is trusted for
``QUANYU_REVISION_RECHECK_SECONDS`` (default 2 s) and then re-validated with one aggregate over the
holiday table, so a holiday edited by another process is used within that window (``years``, a
``core.memo.RevisedMemo``); an edit saved in this process is seen at once, and bulk writes (holiday
seeding) call ``years.forget()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from quanyu.core.clock import LOCAL_TZ
from quanyu.core.memo import RevisedMemo


@dataclass(frozen=True)
class Deadline:
    """A computed deadline. ``estimated`` is True when a year on the way is not in the holiday
    table, so only weekends were skipped there."""

    at: dt.datetime
    estimated: bool = False


@dataclass
class WorkCalendar:
    """The holiday table, read one year at a time and remembered for the life of the object."""

    _years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]] | None] = field(default_factory=dict)
    touched_unknown: bool = False

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]] | None:
        if year not in self._years:
            self._years[year] = shared_year(year)
        return self._years[year]

    def year_known(self, year: int) -> bool:
        return self._year(year) is not None

    def is_working_day(self, day: dt.date) -> bool:
        table = self._year(day.year)
        if table is None:
            self.touched_unknown = True
            return day.weekday() < 5
        holidays, workdays = table
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def _start(self, start: dt.datetime) -> dt.datetime:
        """``start`` in local time, moved to 00:00 of the next working day if it is not one."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        local = start.astimezone(LOCAL_TZ)
        if self.is_working_day(local.date()):
            return local
        day = self.next_working_day(local.date())
        return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)

    def add_working_days(self, start: dt.datetime, n: int) -> Deadline:
        if n < 0:
            raise ValueError("n must not be negative")
        self.touched_unknown = False
        cursor = self._start(start)
        day = cursor.date()
        for _ in range(n):
            day = self.next_working_day(day)
        at = dt.datetime.combine(day, cursor.timetz())
        return Deadline(at=at.astimezone(dt.UTC), estimated=self.touched_unknown)

    def add_working_hours(self, start: dt.datetime, hours: float) -> Deadline:
        if hours < 0:
            raise ValueError("hours must not be negative")
        self.touched_unknown = False
        cursor = self._start(start)
        remaining = dt.timedelta(hours=hours)
        while True:
            midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL_TZ)
            available = midnight - cursor
            if remaining <= available:
                at = cursor + remaining
                return Deadline(at=at.astimezone(dt.UTC), estimated=self.touched_unknown)
            remaining -= available
            day = self.next_working_day(cursor.date())
            cursor = dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days d with start < d <= end (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def add_working_days(start: dt.datetime, n: int, *, calendar: WorkCalendar | None = None) -> Deadline:
    """``start`` plus ``n`` working days (same local clock time); see the module docstring."""
    return (calendar or WorkCalendar()).add_working_days(start, n)


def add_working_hours(start: dt.datetime, hours: float, *, calendar: WorkCalendar | None = None) -> Deadline:
    """``start`` plus ``hours`` counted on working days only; see the module docstring."""
    return (calendar or WorkCalendar()).add_working_hours(start, hours)


def is_working_day(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or WorkCalendar()).is_working_day(day)


def deadline_after(
    start: dt.datetime,
    *,
    hours: float = 0,
    days: int = 0,
    working: bool = True,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """A deadline ``hours`` or ``days`` after ``start``: on the working-day calendar when
    ``working`` (the category's ``working_days``), else in plain calendar time."""
    if not working:
        return Deadline(at=start + dt.timedelta(days=days, hours=hours), estimated=False)
    cal = calendar or WorkCalendar()
    if days:
        return cal.add_working_days(start, days)
    return cal.add_working_hours(start, hours)


def year_known(year: int) -> bool:
    """True when the holiday table has the year's schedule."""
    return WorkCalendar().year_known(year)


# -- the per-process year cache -------------------------------------------------------------------

YearTable = tuple[frozenset[dt.date], frozenset[dt.date]] | None


def _read_year(year: int) -> YearTable:
    from quanyu.catalog.models import Holiday

    rows = list(Holiday.objects.filter(date__year=year).values_list("date", "kind"))
    if not rows:
        return None
    holidays = frozenset(d for d, k in rows if k == Holiday.Kind.HOLIDAY)
    workdays = frozenset(d for d, k in rows if k == Holiday.Kind.WORKDAY)
    return (holidays, workdays)


def _holiday_revision() -> tuple[object, ...]:
    from django.db.models import Count, Max, Min, Q

    from quanyu.catalog.models import Holiday

    agg = Holiday.objects.aggregate(
        n=Count("id"),
        top=Max("id"),
        first=Min("date"),
        last=Max("date"),
        holidays=Count("id", filter=Q(kind=Holiday.Kind.HOLIDAY)),
    )
    return tuple(agg[k] for k in ("n", "top", "first", "last", "holidays"))


# The holiday table's years, per process (key: the year).
years: RevisedMemo[YearTable] = RevisedMemo("catalog.holiday_years", _holiday_revision, limit=200)
years.forget_when_changed("catalog.Holiday")


def shared_year(year: int) -> YearTable:
    """(statutory holidays, adjusted workdays) of ``year`` from the per-process cache, or None
    when the year is not in the table."""
    return years.value(year, lambda: _read_year(year))
