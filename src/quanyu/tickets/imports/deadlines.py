"""Deadlines of many imported tickets at once, with the answers of ``catalog.calendar``.

``WorkingDayTable`` is the working-day calendar over a span of days as arrays (is a day a working
day, the first working day from it, its rank among the working days, how many days of years without
a holiday table lie before it), built once per import from a ``WorkCalendar`` whose years were read
beforehand. A chunk's deadlines are then a few array lookups per (hours, days, working) limit
instead of a walk over the calendar per ticket, and building a chunk asks the database nothing.
``FastDeadlines`` is the per-ticket form (cached walks), used where the table does not apply.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from numpy.typing import NDArray

from quanyu.catalog.calendar import WorkCalendar
from quanyu.core.clock import LOCAL_TZ

_DAY = dt.timedelta(days=1)
US = dt.timedelta(microseconds=1)
DAY_US = 86_400_000_000
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

Micros = NDArray[np.int64]


class FastDeadlines:
    """``catalog.calendar.deadline_after`` for many tickets: the same answers (and the same
    ``estimated`` flag), with the walk over the holiday table cached per start day and per
    (day, n working days later), so a million deadlines cost a million small additions."""

    def __init__(self, calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or WorkCalendar()
        self._starts: dict[dt.date, tuple[dt.date, bool, bool]] = {}
        self._nth: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}

    def _start(self, day: dt.date) -> tuple[dt.date, bool, bool]:
        """(first working day from ``day``, whether it is ``day`` itself, unknown year touched)."""
        hit = self._starts.get(day)
        if hit is None:
            cal = self.calendar
            cal.touched_unknown = False
            if cal.is_working_day(day):
                hit = (day, True, cal.touched_unknown)
            else:
                hit = (cal.next_working_day(day), False, cal.touched_unknown)
            self._starts[day] = hit
        return hit

    def _after(self, day: dt.date, n: int) -> tuple[dt.date, bool]:
        hit = self._nth.get((day, n))
        if hit is None:
            cal = self.calendar
            cal.touched_unknown = False
            target = day
            for _i in range(n):
                target = cal.next_working_day(target)
            hit = (target, cal.touched_unknown)
            self._nth[(day, n)] = hit
        return hit

    def _cursor(self, start: dt.datetime) -> tuple[dt.datetime, bool]:
        local = start.astimezone(LOCAL_TZ)
        day, same, touched = self._start(local.date())
        if same:
            return local, touched
        return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ), touched

    def working_days(self, start: dt.datetime, n: int) -> tuple[dt.datetime, bool]:
        cursor, touched = self._cursor(start)
        target, touched_more = self._after(cursor.date(), n)
        at = dt.datetime.combine(target, cursor.timetz())
        return at.astimezone(dt.UTC), touched or touched_more

    def working_hours(self, start: dt.datetime, hours: float) -> tuple[dt.datetime, bool]:
        cursor, touched = self._cursor(start)
        remaining = dt.timedelta(hours=hours)
        available = dt.datetime.combine(cursor.date() + _DAY, dt.time(0), tzinfo=LOCAL_TZ) - cursor
        if remaining <= available:
            return (cursor + remaining).astimezone(dt.UTC), touched
        rest = remaining - available
        k = math.ceil(rest / _DAY)
        target, touched_more = self._after(cursor.date(), k)
        at = dt.datetime.combine(target, dt.time(0), tzinfo=LOCAL_TZ) + (rest - (k - 1) * _DAY)
        return at.astimezone(dt.UTC), touched or touched_more

    def deadline_after(
        self, start: dt.datetime, *, hours: float = 0, days: int = 0, working: bool = True
    ) -> tuple[dt.datetime, bool]:
        if not working:
            return start + dt.timedelta(days=days, hours=hours), False
        if days:
            return self.working_days(start, days)
        return self.working_hours(start, hours)


def fixed_offset(first: dt.date, last: dt.date) -> dt.timedelta | None:
    """``LOCAL_TZ``'s UTC offset if it is the same on every day from ``first`` to ``last`` (it is
    for Beijing time since 1991), else None."""
    offsets = {
        LOCAL_TZ.utcoffset(dt.datetime.combine(first + dt.timedelta(days=i), dt.time(h)))
        for i in range((last - first).days + 1)
        for h in (0, 12)
    }
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return offset


class WorkingDayTable:
    """The calendar of the days ``first`` … (at least ``steps`` working days after ``last_start``)
    as arrays; ``deadline`` answers like ``deadline_after`` for starts on ``first`` … ``last_start``.

    The calendar's years are all read here (``calendar.year_known``), so the lookups that follow
    run no query. ``offset`` is the local zone's fixed UTC offset over the span (see
    ``fixed_offset``); times go in and come out as microseconds since the epoch (UTC)."""

    def __init__(
        self, calendar: WorkCalendar, first: dt.date, last_start: dt.date, steps: int, offset: dt.timedelta
    ) -> None:
        self.first_day = first.toordinal() - EPOCH_ORDINAL  # epoch day of index 0
        self.last_start = last_start.toordinal() - EPOCH_ORDINAL
        self.offset_us = offset // US
        working: list[bool] = []
        unknown: list[bool] = []
        day, after = first, 0
        while day <= last_start or after <= steps:
            working.append(calendar.is_working_day(day))
            unknown.append(not calendar.year_known(day.year))
            if day > last_start and working[-1]:
                after += 1
            day += _DAY
        work = np.array(working, dtype=bool)
        self.size = len(working)
        # Working days in order, then for each day: its first working day (itself or later) as an
        # index into that list, and the number of unknown-year days before it.
        self.work_days = np.flatnonzero(work).astype(np.int64)
        self.next_rank = np.searchsorted(self.work_days, np.arange(self.size)).astype(np.int64)
        self.unknown_before = np.concatenate(([0], np.cumsum(np.array(unknown, dtype=np.int64))))

    def covers(self, utc_us: Micros) -> bool:
        """Whether every start lies on ``first`` … ``last_start`` (local days)."""
        if not utc_us.size:
            return True
        days = (utc_us + self.offset_us) // DAY_US
        return bool(days.min() >= self.first_day and days.max() <= self.last_start)

    def deadline(
        self, utc_us: Micros, *, hours: float = 0, days: int = 0, working: bool = True
    ) -> tuple[Micros, NDArray[np.bool_]]:
        """(deadline, estimated) for each start, as ``deadline_after`` would answer them."""
        if not working:
            step = dt.timedelta(days=days, hours=hours) // US
            return utc_us + step, np.zeros(utc_us.shape[0], dtype=bool)
        local = utc_us + self.offset_us
        index = local // DAY_US - self.first_day
        clock = local % DAY_US
        rank = self.next_rank[index]  # the first working day from the start
        cursor = self.work_days[rank]
        clock = np.where(cursor == index, clock, 0)  # a non-working start counts from 00:00
        if days:
            last = self.work_days[rank + days]
            due = last * DAY_US + clock
        else:
            remaining = dt.timedelta(hours=hours) // US
            available = DAY_US - clock
            fits = remaining <= available
            rest = remaining - available
            k = np.where(fits, 0, np.ceil(rest / DAY_US).astype(np.int64))
            last = np.where(fits, cursor, self.work_days[rank + k])
            due = np.where(fits, cursor * DAY_US + clock + remaining, last * DAY_US + rest - (k - 1) * DAY_US)
        estimated = self.unknown_before[last + 1] - self.unknown_before[index] > 0
        return due + self.first_day * DAY_US - self.offset_us, estimated


def chunk_deadlines(
    utc_us: Micros,
    limits: list[tuple[int, int, bool]],
    table: WorkingDayTable | None,
    fast: FastDeadlines,
) -> tuple[Micros, Micros, NDArray[np.bool_]]:
    """(response due, completion due, estimated) per ticket of a chunk, from its start
    (``utc_us``) and its limits (``intake_rules.limits_of`` of its category): one table lookup
    per distinct limit, or the per-ticket walk (``fast``) where the table does not apply."""
    n = len(limits)
    response, completion = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    estimated = np.zeros(n, dtype=bool)
    groups: dict[tuple[int, int, bool], list[int]] = {}
    for i, limit in enumerate(limits):
        groups.setdefault(limit, []).append(i)
    for (hours, days, working), positions in groups.items():
        at = np.array(positions, dtype=np.int64)
        starts = utc_us[at]
        if table is not None and table.covers(starts):
            r, e1 = table.deadline(starts, hours=hours, working=working)
            c, e2 = table.deadline(starts, days=days, working=working)
        else:  # a zone whose offset changes: the per-ticket walk
            pairs = [
                (
                    fast.deadline_after(aware(s), hours=hours, working=working),
                    fast.deadline_after(aware(s), days=days, working=working),
                )
                for s in starts.tolist()
            ]
            r = np.array([(a - EPOCH_UTC) // US for (a, _e), _c in pairs], dtype=np.int64)
            c = np.array([(b - EPOCH_UTC) // US for _r, (b, _e) in pairs], dtype=np.int64)
            e1 = np.array([e for (_a, e), _c in pairs], dtype=bool)
            e2 = np.array([e for _r, (_b, e) in pairs], dtype=bool)
        response[at], completion[at], estimated[at] = r, c, e1 | e2
    return response, completion, estimated


def aware(utc_us: int) -> dt.datetime:
    return EPOCH_UTC + dt.timedelta(microseconds=utc_us)
