"""The area rollup of ticket figures (``AreaDayStat``, ``AreaOpenStat``) that the cockpit and the
ticket indicators read instead of scanning the tickets.

What a row counts (one definition, shared with the tickets provider and the drill-down): the
tickets located to ``path`` (their ``area_path``) and received on the local (Asia/Shanghai)
``day``: ``counted`` not cancelled, merged or transferred; ``in_time`` of those, resolved by the
completion limit; ``rated`` / ``satisfied`` effective ratings (满意 or 基本满意); ``not_cancelled``
and ``repeats`` (merged into another ticket, or reopened). ``AreaOpenStat`` counts the open
tickets of each path by the local day of their completion limit, so "overdue now" is the rows due
before today plus the open tickets due earlier today (``overdue_today``, one indexed query).
``AreaMonthStat`` sums the day rows by month (recomputed with them): assessment periods are whole
months, so they and the cockpit's trend read twelve rows a path a year instead of 365.
``AreaMonthCategoryStat`` splits a month row's ``counted`` by the tickets' 大类 (the cockpit's
breakdown by category), recomputed from the tickets of the (path, month) under that row's lock;
``AreaYearCategoryStat`` sums those by year (kept by deltas, see its docstring) for year views.

It is kept by the department rollup's mechanism (``assessment.rollup``), not a second one: the
after-commit hook recomputes the (path, day) rows and the open rows of the changed tickets in the
same short transaction as their (department, day) rows; the catch-up from the ticket history does
the same for the tickets with new events (creation included); a period rebuild recomputes the
period's rows and the open rows from the tickets with one GROUP BY each. Every step is idempotent.
A ticket moved to another area leaves its old row counting it until that month's rebuild (the
nightly refresh of the current and previous month).

Concurrency (PostgreSQL): (path, day) rows are recomputed under their row locks, read after the
locks are held; a path's open rows are replaced under a transaction advisory lock of that path.
Rebuilds hold the rollup's exclusive advisory lock, recomputations share it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.utils import timezone

from quanyu.assessment.models import (
    AreaDayStat,
    AreaMonthCategoryStat,
    AreaMonthStat,
    AreaOpenStat,
    AreaOpenTotal,
    AreaYearCategoryStat,
)
from quanyu.assessment.models.areas import NO_DUE_DAY
from quanyu.assessment.periods import Period, local_midnight
from quanyu.catalog.models import Category
from quanyu.core.clock import LOCAL_TZ, local
from quanyu.core.replica import reading_connection
from quanyu.core.workflow import lock
from quanyu.tickets.models import SATISFIED_LEVELS, Ticket
from quanyu.tickets.states import OPEN_STATUSES, TicketStatus

NOT_COUNTED = [TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED]
COUNTED = ~Q(status__in=NOT_COUNTED)
RESOLVED_IN_TIME = (
    COUNTED
    & Q(resolved_at__isnull=False, completion_due__isnull=False)
    & Q(resolved_at__lte=F("completion_due"))
)
RATED = COUNTED & ~Q(rating_level="")
SATISFIED = COUNTED & Q(rating_level__in=list(SATISFIED_LEVELS))
NOT_CANCELLED = ~Q(status=TicketStatus.CANCELLED)
REPEAT = NOT_CANCELLED & (Q(merged_into__isnull=False) | Q(reopen_count__gt=0))
OPEN = Q(status__in=sorted(OPEN_STATUSES))

FIELDS = ("counted", "in_time", "rated", "satisfied", "not_cancelled", "repeats")
CONDITIONS = {
    "counted": COUNTED,
    "in_time": RESOLVED_IN_TIME,
    "rated": RATED,
    "satisfied": SATISFIED,
    "not_cancelled": NOT_CANCELLED,
    "repeats": REPEAT,
}
LOCK_KEY = 0x51AE55  # advisory lock id of the rollups (department and area)
_CHUNK = 200  # keys per statement: SQLite refuses expressions nested much deeper


def advisory_lock(*, exclusive: bool) -> None:
    """The rollups' advisory lock for this transaction: rebuilds exclusive, recomputations shared
    (PostgreSQL; SQLite serialises writers anyway)."""
    if connection.vendor != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fn}(%s)", [LOCK_KEY])


def _sums() -> dict[str, Any]:
    return {f: Count("id", filter=CONDITIONS[f]) for f in FIELDS}


def _day_q(pairs: Iterable[tuple[str, dt.date]], *, on: str) -> Q:
    q = Q()
    for path, day in pairs:
        if on == "day":
            q |= Q(path=path, day=day)
        else:
            start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
            q |= Q(area_path=path, created_at__gte=start, created_at__lt=end)
    return q


def keys_of(tickets: QuerySet[Ticket]) -> tuple[set[tuple[str, dt.date]], set[str]]:
    """The (path, local day) rows and the paths whose open rows hold ``tickets``."""
    pairs, paths = set(), set()
    for path, created in tickets.order_by().values_list("area_path", "created_at"):
        pairs.add((path, local(created).date()))
        paths.add(path)
    return pairs, paths


def recompute_days(pairs: Iterable[tuple[str, dt.date]]) -> int:
    """Recompute the (path, local day) rows from the tickets. Must run in a transaction holding
    the shared advisory lock. Per chunk: rows locked in key order, then figures read, then one
    bulk update."""
    ordered = sorted(set(pairs))
    if not ordered:
        return 0
    AreaDayStat.objects.bulk_create(
        [AreaDayStat(path=p, day=day) for p, day in ordered], ignore_conflicts=True
    )
    now = timezone.now()
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        rows = list(lock(AreaDayStat.objects.filter(_day_q(chunk, on="day"))).order_by("path", "day"))
        grouped = cast(
            Iterable[dict[str, Any]],
            Ticket.objects.filter(_day_q(chunk, on="created_at"))
            .order_by()
            .values("area_path", day=TruncDate("created_at", tzinfo=LOCAL_TZ))
            .annotate(**_sums()),
        )
        figures = {(r["area_path"], r["day"]): r for r in grouped}
        for row in rows:
            found = figures.get((row.path, row.day), {})
            for f in FIELDS:
                setattr(row, f, found.get(f) or 0)
            row.computed_at = now
        AreaDayStat.objects.bulk_update(rows, [*FIELDS, "computed_at"])
    recompute_months({(p, day.replace(day=1)) for p, day in ordered})
    return len(ordered)


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _month_q(months: Iterable[tuple[str, dt.date]], *, on: str) -> Q:
    q = Q()
    for path, first in months:
        if on == "month":
            q |= Q(path=path, month=first)
        else:
            q |= Q(path=path, day__gte=first, day__lt=_next_month(first))
    return q


def _month_sums(days: QuerySet[AreaDayStat]) -> Iterable[dict[str, Any]]:
    return cast(
        Iterable[dict[str, Any]],
        days.order_by().values("path", first=TruncMonth("day")).annotate(**{f: Sum(f) for f in FIELDS}),
    )


def recompute_months(months: Iterable[tuple[str, dt.date]]) -> int:
    """Recompute the (path, month) rows from their day rows. Must run in the transaction that
    recomputed those day rows: each month row is locked before its days are read, so of two
    transactions that changed days of one month, the later one sees the other's days."""
    ordered = sorted(set(months))
    if not ordered:
        return 0
    AreaMonthStat.objects.bulk_create(
        [AreaMonthStat(path=p, month=m) for p, m in ordered], ignore_conflicts=True
    )
    now = timezone.now()
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        rows = list(lock(AreaMonthStat.objects.filter(_month_q(chunk, on="month"))).order_by("path", "month"))
        sums = {
            (r["path"], r["first"]): r
            for r in _month_sums(AreaDayStat.objects.filter(_month_q(chunk, on="day")))
        }
        for row in rows:
            found = sums.get((row.path, row.month), {})
            for f in FIELDS:
                setattr(row, f, found.get(f) or 0)
            row.computed_at = now
        AreaMonthStat.objects.bulk_update(rows, [*FIELDS, "computed_at"])
        recompute_categories(chunk)
    return len(ordered)


def _category_rows(tickets: QuerySet[Ticket]) -> list[AreaMonthCategoryStat]:
    """The counted tickets grouped by (path, local month, 大类) as rollup rows."""
    grouped = list(
        cast(
            Iterable[dict[str, Any]],
            tickets.filter(COUNTED)
            .order_by()
            .values("area_path", "category_id", at=TruncMonth("created_at", tzinfo=LOCAL_TZ))
            .annotate(n=Count("id")),
        )
    )
    items = {r["category_id"] for r in grouped if r["category_id"]}
    major = {
        pk: parent or pk
        for pk, parent in Category.objects.filter(pk__in=items).values_list("pk", "parent_id")
    }
    sums: dict[tuple[str, dt.date, int], int] = {}
    for r in grouped:
        item = r["category_id"] or 0
        key = (r["area_path"], local(r["at"]).date(), major.get(item, item))
        sums[key] = sums.get(key, 0) + r["n"]
    return [
        AreaMonthCategoryStat(path=p, month=m, category=c, counted=n) for (p, m, c), n in sorted(sums.items())
    ]


def recompute_categories(months: list[tuple[str, dt.date]]) -> int:
    """Replace the category rows of these (path, month) keys with a count of their tickets. Must
    run in the transaction of ``recompute_months`` after it locked those month rows: the lock of
    the month row guards its category rows."""
    q = Q()
    for path, first in months:
        start, end = local_midnight(first), local_midnight(_next_month(first))
        q |= Q(area_path=path, created_at__gte=start, created_at__lt=end)
    rows = _category_rows(Ticket.objects.filter(q))
    old = AreaMonthCategoryStat.objects.filter(_month_q(months, on="month"))
    delta: dict[tuple[str, int, int], int] = defaultdict(int)
    for path, first, category, counted in old.values_list("path", "month", "category", "counted"):
        delta[(path, first.year, category)] -= counted
    for row in rows:
        delta[(row.path, row.month.year, row.category)] += row.counted
    old.delete()
    AreaMonthCategoryStat.objects.bulk_create(rows)
    _add_to_years({k: n for k, n in delta.items() if n})
    return len(rows)


def _add_to_years(delta: dict[tuple[str, int, int], int]) -> None:
    """Add ``delta`` to the year rows, creating the missing ones; in key order, so that two
    transactions touching the same rows take their row locks in the same order."""
    if not delta:
        return
    table = AreaYearCategoryStat._meta.db_table
    items = sorted(delta.items())
    with connection.cursor() as cursor:
        for i in range(0, len(items), _CHUNK):
            chunk = items[i : i + _CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (path, year, category, counted) VALUES {values} "  # noqa: S608
                "ON CONFLICT (path, year, category) DO UPDATE "
                f"SET counted = {table}.counted + excluded.counted",
                [v for (path, y, c), n in chunk for v in (path, y, c, n)],
            )


def rebuild_years(years: Iterable[int]) -> int:
    """Replace the year rows of ``years`` with the sum of their month rows. Must run in a
    transaction holding the exclusive advisory lock (no delta is applied meanwhile)."""
    written = 0
    for y in sorted(set(years)):
        grouped = (
            AreaMonthCategoryStat.objects.filter(month__gte=dt.date(y, 1, 1), month__lt=dt.date(y + 1, 1, 1))
            .order_by()
            .values("path", "category")
            .annotate(n=Sum("counted"))
        )
        rows = [
            AreaYearCategoryStat(path=r["path"], year=y, category=r["category"], counted=r["n"])
            for r in cast(Iterable[dict[str, Any]], grouped)
            if r["n"]
        ]
        AreaYearCategoryStat.objects.filter(year=y).delete()
        AreaYearCategoryStat.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    return written


def _open_rows(tickets: QuerySet[Ticket]) -> list[AreaOpenStat]:
    grouped = (
        tickets.filter(OPEN)
        .order_by()
        .values("area_path", due=TruncDate("completion_due", tzinfo=LOCAL_TZ))
        .annotate(n=Count("id"))
    )
    return [
        AreaOpenStat(path=r["area_path"], due_day=r["due"] or NO_DUE_DAY, open=r["n"])
        for r in cast(Iterable[dict[str, Any]], grouped)
    ]


def recompute_open(paths: Iterable[str]) -> int:
    """Replace the open rows of ``paths`` with a count of their open tickets now. Must run in a
    transaction holding the shared advisory lock."""
    ordered = sorted(set(paths))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for path in ordered:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_KEY, path])
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        rows = _open_rows(Ticket.objects.filter(area_path__in=chunk))
        AreaOpenStat.objects.filter(path__in=chunk).delete()
        AreaOpenStat.objects.bulk_create(rows)
        AreaOpenTotal.objects.filter(path__in=chunk).delete()
        AreaOpenTotal.objects.bulk_create(_totals(rows))
    return len(ordered)


def _totals(rows: Iterable[AreaOpenStat]) -> list[AreaOpenTotal]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.path] = totals.get(row.path, 0) + row.open
    return [AreaOpenTotal(path=p, open=n) for p, n in sorted(totals.items())]


def record_tickets(ticket_ids: Iterable[int]) -> int:
    """The area part of the after-commit hook: recompute the rows holding these tickets. Must run
    in a transaction."""
    pairs, paths = keys_of(Ticket.objects.filter(pk__in=sorted(set(ticket_ids))))
    if not pairs:
        return 0
    advisory_lock(exclusive=False)
    return recompute_days(pairs) + recompute_open(paths)


def rebuild_days(period: Period) -> int:
    """Recompute every (path, day) row of ``period`` from the tickets with one GROUP BY. Must run
    in a transaction holding the exclusive advisory lock."""
    grouped = cast(
        Iterable[dict[str, Any]],
        Ticket.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
        .order_by()
        .values("area_path", day=TruncDate("created_at", tzinfo=LOCAL_TZ))
        .annotate(**_sums()),
    )
    rows = [AreaDayStat(path=r["area_path"], day=r["day"], **{f: r[f] for f in FIELDS}) for r in grouped]
    AreaDayStat.objects.filter(day__gte=period.start, day__lt=period.end).delete()
    AreaDayStat.objects.bulk_create(rows, batch_size=5000)
    months = [
        AreaMonthStat(path=r["path"], month=r["first"], **{f: r[f] or 0 for f in FIELDS})
        for r in _month_sums(AreaDayStat.objects.filter(day__gte=period.start, day__lt=period.end))
    ]
    AreaMonthStat.objects.filter(month__gte=period.start, month__lt=period.end).delete()
    AreaMonthStat.objects.bulk_create(months, batch_size=5000)
    categories = _category_rows(
        Ticket.objects.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    )
    AreaMonthCategoryStat.objects.filter(month__gte=period.start, month__lt=period.end).delete()
    AreaMonthCategoryStat.objects.bulk_create(categories, batch_size=5000)
    rebuild_years(range(period.start.year, (period.end - dt.timedelta(days=1)).year + 1))
    return len(rows)


def rebuild_open() -> int:
    """Recompute every open row from the open tickets now. Must run in a transaction holding the
    exclusive advisory lock."""
    rows = _open_rows(Ticket.objects.all())
    AreaOpenStat.objects.all().delete()
    AreaOpenStat.objects.bulk_create(rows, batch_size=5000)
    AreaOpenTotal.objects.all().delete()
    AreaOpenTotal.objects.bulk_create(_totals(rows), batch_size=5000)
    return len(rows)


# Reads: plain SQL over the rollup (the cockpit's hot path), the same text on SQLite and PostgreSQL.


def _like(under: str) -> str:
    return under.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _grouped(width: int) -> str:
    """The path column as the rows are grouped: the whole path, or its first ``width``
    characters (the deepest target's depth: the database sums the grids of a street into the
    street instead of handing a thousand rows to Python)."""
    return f"SUBSTR(path, 1, {int(width)})" if width else "path"


def day_sums(
    start: dt.date, end: dt.date, under: str = "", width: int = 0
) -> list[tuple[str, dict[str, int]]]:
    """Per path under ``under`` (cut to its first ``width`` characters when given), the figures
    of the days in [start, end): from the month rows when both ends are first days of months
    (every assessment period), else from the day rows."""
    whole = start.day == 1 and end.day == 1
    table = (AreaMonthStat if whole else AreaDayStat)._meta.db_table
    column = "month" if whole else "day"
    sums = ", ".join(f"SUM({f})" for f in FIELDS)
    sql = (
        f"SELECT {_grouped(width)}, {sums} FROM {table} "  # noqa: S608 — names from model metadata
        f"WHERE {column} >= %s AND {column} < %s AND path LIKE %s ESCAPE '\\' GROUP BY 1"
    )
    with reading_connection(AreaMonthStat).cursor() as cursor:
        cursor.execute(sql, [start, end, _like(under)])
        rows = cursor.fetchall()
    return [(r[0], {f: int(v or 0) for f, v in zip(FIELDS, r[1:], strict=True)}) for r in rows]


def month_sums(year: int, under: str) -> dict[int, dict[str, int]]:
    """Per month of ``year``, the figures of every path under ``under`` (from the month rows)."""
    rows = (
        AreaMonthStat.objects.filter(
            month__gte=dt.date(year, 1, 1), month__lt=dt.date(year + 1, 1, 1), path__startswith=under
        )
        .order_by()
        .values("month")
        .annotate(**{f: Sum(f) for f in FIELDS})
    )
    return {
        r["month"].month: {f: int(r[f] or 0) for f in FIELDS} for r in cast(Iterable[dict[str, Any]], rows)
    }


def open_sums(under: str, today: dt.date, width: int = 0) -> list[tuple[str, int, int]]:
    """Per path under ``under`` (cut to its first ``width`` characters when given): (path, open
    tickets, open tickets due before ``today``) — the totals less the rows due from today on (a
    few days, through the due-day index; tickets without a limit sit in the last day), so the
    past due days are never read."""
    totals, table = AreaOpenTotal._meta.db_table, AreaOpenStat._meta.db_table
    like, grouped = _like(under), _grouped(width)
    with reading_connection(AreaMonthStat).cursor() as cursor:
        cursor.execute(
            f"SELECT {grouped}, SUM(open) FROM {totals} "  # noqa: S608 — names from model metadata
            "WHERE path LIKE %s ESCAPE '\\' GROUP BY 1",
            [like],
        )
        opened = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT {grouped}, SUM(open) FROM {table} "  # noqa: S608 — names from model metadata
            "WHERE due_day >= %s AND path LIKE %s ESCAPE '\\' GROUP BY 1",
            [today, like],
        )
        later = dict(cursor.fetchall())
    return [(p, int(n), int(n) - int(later.get(p) or 0)) for p, n in opened.items()]


def earliest_due_days(under: str, today: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """The local due days within which the ``count`` open tickets under ``under`` whose limits
    passed first fall: from the earliest due day to the ``count``-th row's day (every row counts
    at least one ticket, so the first ``count`` rows in due order hold them: an index walk however
    many open rows there are), or to ``today`` when fewer rows are due before today (tickets due
    earlier today are overdue too). Bounds the search for the most overdue tickets to a few days
    of the tickets table."""
    table = AreaOpenStat._meta.db_table
    sql = (
        f"SELECT due_day FROM {table} "  # noqa: S608 — names from model metadata
        "WHERE due_day < %s AND path LIKE %s ESCAPE '\\' ORDER BY due_day LIMIT %s"
    )
    with reading_connection(AreaMonthStat).cursor() as cursor:
        cursor.execute(sql, [today, _like(under), count])
        days = [r[0] for r in cursor.fetchall()]
    if len(days) == count:
        return days[0], days[-1]
    return (days[0] if days else today), today


def overdue_today(under: str, now: dt.datetime, width: int = 0) -> list[tuple[str, int]]:
    """Per path under ``under`` (cut to its first ``width`` characters when given): open tickets
    whose completion limit passed earlier today (the rows of today cannot tell before from after
    ``now``)."""
    start = local_midnight(local(now).date())
    rows = (
        Ticket.objects.filter(OPEN, completion_due__gte=start, completion_due__lt=now)
        .filter(area_path__startswith=under)
        .annotate(at=Substr("area_path", 1, width) if width else F("area_path"))
        .values("at")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(r["at"], r["n"]) for r in cast(Iterable[dict[str, Any]], rows)]


def category_sums(start: dt.date, end: dt.date, under: str, prefix: int) -> list[tuple[str, int, int]]:
    """The counted tickets of the months in [start, end) under ``under`` by (the first ``prefix``
    characters of the path — the child area holding it —, 大类): (path prefix, 大类, count). Whole
    years are read from the year rows (one row per path and 大类 instead of twelve)."""
    low: int | dt.date
    high: int | dt.date
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
        table, column, low, high = AreaYearCategoryStat._meta.db_table, "year", start.year, end.year
    else:
        table, column, low, high = AreaMonthCategoryStat._meta.db_table, "month", start, end
    sql = (
        f"SELECT SUBSTR(path, 1, %s), category, SUM(counted) FROM {table} "  # noqa: S608 — model metadata
        f"WHERE {column} >= %s AND {column} < %s AND path LIKE %s ESCAPE '\\' GROUP BY 1, 2"
    )
    with reading_connection(AreaMonthStat).cursor() as cursor:
        cursor.execute(sql, [prefix, low, high, _like(under)])
        rows = cursor.fetchall()
    return [(r[0], int(r[1]), int(r[2] or 0)) for r in rows]
