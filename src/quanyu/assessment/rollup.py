"""The daily rollup (``DepartmentDayStat``) that the ranking reads, and how it is kept true.

What enters a department's figures (one definition, used by the rollup, the direct computation and
the drill-down): a whistle to the department that was not withdrawn or returned and is not taken
out of the statistics, on a ticket that was not cancelled, merged or transferred as an emergency
(``counted_q``). It belongs to the local (Asia/Shanghai) day on which it was blown.

Three ways keep the rollup equal to a direct computation over the whistles:

* ``assessment_record_ticket_changes(ticket_ids=…)`` — the hook. Called once the ticket services'
  transaction has committed (``quanyu.tickets.hooks``: one call per transaction with every ticket
  whose whistles, status, exclusion or effective rating changed), it recomputes the (department,
  day) rows of those tickets' whistles in its own short transaction. Idempotent. It runs outside
  the resident's step: no lock of a busy department's row is held by the step, and a failure is
  logged, never rolls the step back — the catch-up below repairs it.
* ``assessment_sync()`` — catch-up from the ticket history: recomputes the rows touched by ticket
  events newer than the last one seen, and stamps ``RollupState.synced_at`` (the "data as of" the
  ranking shows). Cheap when nothing happened. Run periodically (Celery beat, the demo scheduler,
  ``quanyu assessment_refresh --sync``), never by a read: the ranking only reads. With ``rescan``
  it also re-reads the events of the last minutes (a transaction that committed late).
* ``assessment_rebuild(period)`` / ``assessment_refresh(period)`` — recompute a whole period from
  the whistles with one GROUP BY (the periodic task, and before a bulletin is published).

The same three keep the area rollup of ticket figures (``assessment.area_rollup``: per located
path and day, and the open tickets by due day) that the cockpit and the ticket indicators read.

Concurrency (PostgreSQL): a row is recomputed under its row lock, and its aggregate is read after the
lock is held, so the last writer always saw every change committed before it; rebuilds take an
exclusive advisory lock that the recomputations share, so neither overwrites the other with older
figures. SQLite serialises writers anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from quanyu.assessment import area_rollup
from quanyu.assessment.area_rollup import advisory_lock
from quanyu.assessment.models import DepartmentDayStat, RollupState
from quanyu.assessment.periods import Period, local_midnight, month
from quanyu.core.clock import LOCAL_TZ, local
from quanyu.core.replica import reading_connection
from quanyu.core.workflow import lock, lock_one
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets.models import RatingLevel, Ticket, TicketEvent, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus

# Tickets whose whistles leave the statistics, and whistles that never count.
EXCLUDED_TICKET_STATUSES = (TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED)
FIELDS = (
    "received",
    "responded_in_time",
    "resolved_in_time",
    "rated",
    "rated_satisfied",
    "rated_basically",
    "returned",
)
# Above this many (department, day) rows to recompute, a catch-up rebuilds whole months instead.
MAX_PAIRS = 2000


def eligible_q() -> Q:
    """Whistles that count or are shown as returned: not withdrawn, not taken out of the
    statistics, ticket not cancelled/merged/transferred."""
    return (
        Q(excluded_from_stats=False, ticket__excluded_from_stats=False)
        & ~Q(status=WhistleStatus.CANCELLED)
        & ~Q(ticket__status__in=EXCLUDED_TICKET_STATUSES)
    )


def counted_q() -> Q:
    """Whistles that enter a department's figures (the denominator of the response and completion
    rates)."""
    return eligible_q() & ~Q(status=WhistleStatus.RETURNED)


RESPONDED_IN_TIME = Q(responded_at__isnull=False, responded_at__lte=F("response_due"))
RESOLVED_IN_TIME = Q(resolved_at__isnull=False, resolved_at__lte=F("completion_due"))
RATED = ~Q(ticket__rating_level="")


def _sums() -> dict[str, Any]:
    counted = ~Q(status=WhistleStatus.RETURNED)
    return {
        "received": Count("id", filter=counted),
        "responded_in_time": Count("id", filter=counted & RESPONDED_IN_TIME),
        "resolved_in_time": Count("id", filter=counted & RESOLVED_IN_TIME),
        "rated": Count("id", filter=counted & RATED),
        "rated_satisfied": Count("id", filter=counted & Q(ticket__rating_level=RatingLevel.SATISFIED)),
        "rated_basically": Count("id", filter=counted & Q(ticket__rating_level=RatingLevel.BASICALLY)),
        "returned": Count("id", filter=Q(status=WhistleStatus.RETURNED)),
    }


def _whistles_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Whistle]:
    return Whistle.objects.filter(eligible_q(), whistled_at__gte=start, whistled_at__lt=end)


def direct_counts(period: Period, *, by_day: bool = False) -> dict[Any, dict[str, int]]:
    """The figures computed straight from the whistles (one GROUP BY): by department id, or by
    (department id, local day) with ``by_day``. The reference the rollup must equal."""
    qs = _whistles_between(period.start_at, period.end_at).order_by()
    if by_day:
        rows = cast(
            Iterable[dict[str, Any]],
            qs.values("department_id", day=TruncDate("whistled_at", tzinfo=LOCAL_TZ)).annotate(**_sums()),
        )
        return {(r["department_id"], r["day"]): {f: r[f] for f in FIELDS} for r in rows}
    grouped = cast(Iterable[dict[str, Any]], qs.values("department_id").annotate(**_sums()))
    return {r["department_id"]: {f: r[f] for f in FIELDS} for r in grouped}


def rollup_counts(period: Period) -> dict[int, dict[str, Any]]:
    """The period's figures per department (with its name) summed from the rollup: one query that
    joins every department to its rollup rows of the period through the (department, day) key —
    at most 64 departments × 366 days, whatever the number of tickets. Plain SQL: this is the
    ranking's hot path and the same text runs on SQLite and PostgreSQL."""
    stat, unit = DepartmentDayStat._meta.db_table, Unit._meta.db_table
    sums = ", ".join(f"COALESCE(SUM(d.{f}), 0)" for f in FIELDS)
    sql = (
        f"SELECT u.id, u.name, {sums} FROM {unit} u "  # noqa: S608 — names from model metadata
        f"LEFT JOIN {stat} d ON d.department_id = u.id AND d.day >= %s AND d.day < %s "
        "WHERE u.kind = %s GROUP BY u.id, u.name"
    )
    with reading_connection(DepartmentDayStat).cursor() as cursor:
        cursor.execute(sql, [period.start, period.end, UnitKind.DEPARTMENT.value])
        rows = cursor.fetchall()
    return {r[0]: {"name": r[1], **{f: int(v) for f, v in zip(FIELDS, r[2:], strict=True)}} for r in rows}


def _pairs_q(pairs: Iterable[tuple[int, dt.date]], *, on: str) -> Q:
    """Rows of the given (department id, local day) pairs: ``on="day"`` for the rollup's rows,
    ``on="whistled_at"`` for the whistles behind them."""
    q = Q()
    for department_id, day in pairs:
        if on == "day":
            q |= Q(department_id=department_id, day=day)
        else:
            start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
            q |= Q(department_id=department_id, whistled_at__gte=start, whistled_at__lt=end)
    return q


# Pairs per statement: SQLite refuses expressions nested much deeper than a few hundred ORs.
_CHUNK = 200


def _recompute(pairs: Iterable[tuple[int, dt.date]]) -> int:
    """Recompute the rows of (department id, local day) pairs from the whistles. Must run in a
    transaction. Per chunk of pairs: the rows locked in key order, then the chunk's figures read
    (one GROUP BY, after the locks are held) and written back (one UPDATE)."""
    ordered = sorted(set(pairs))
    if not ordered:
        return 0
    advisory_lock(exclusive=False)
    DepartmentDayStat.objects.bulk_create(
        [DepartmentDayStat(department_id=d, day=day) for d, day in ordered], ignore_conflicts=True
    )
    now = timezone.now()
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        locked = lock(DepartmentDayStat.objects.filter(_pairs_q(chunk, on="day")))
        rows = list(locked.order_by("department_id", "day"))
        grouped = cast(
            Iterable[dict[str, Any]],
            Whistle.objects.filter(eligible_q(), _pairs_q(chunk, on="whistled_at"))
            .order_by()
            .values("department_id", day=TruncDate("whistled_at", tzinfo=LOCAL_TZ))
            .annotate(**_sums()),
        )
        figures = {(r["department_id"], r["day"]): r for r in grouped}
        for row in rows:
            found = figures.get((row.department_id, row.day), {})
            for f in FIELDS:
                setattr(row, f, found.get(f) or 0)
            row.computed_at = now
        DepartmentDayStat.objects.bulk_update(rows, [*FIELDS, "computed_at"])
    return len(ordered)


def _pairs_of(whistles: QuerySet[Whistle]) -> set[tuple[int, dt.date]]:
    return {
        (d, local(at).date()) for d, at in whistles.order_by().values_list("department_id", "whistled_at")
    }


def assessment_record_ticket_changes(*, ticket_ids: Iterable[int]) -> int:
    """The hook for the ticket services, run after their transaction committed, for tickets whose
    whistles (blown, responded, resolved, returned, withdrawn), status (cancelled, merged,
    transferred, reopened) or effective rating (rated, called back, appeal decided) changed.
    Recomputes the (department, day) rows of every whistle of those tickets, and the area rows
    (``area_rollup``) of those tickets, in one short transaction; idempotent, so calling it too
    often is harmless. Returns the number of (department, day) rows recomputed."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    with transaction.atomic():
        done = _recompute(_pairs_of(Whistle.objects.filter(ticket_id__in=ids)))
        area_rollup.record_tickets(ids)
        return done


def _state_for_update() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return lock_one(RollupState, pk=1)


def _has_new_events() -> bool:
    """One round trip: is there a ticket event the rollup has not seen?"""
    events, state = TicketEvent._meta.db_table, RollupState._meta.db_table
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {events} WHERE id > "  # noqa: S608 — names from model metadata
        f"COALESCE((SELECT last_event_id FROM {state} WHERE id = 1), 0))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return bool(cursor.fetchone()[0])


def assessment_sync(*, rescan: dt.timedelta | None = None, now: dt.datetime | None = None) -> int:
    """Bring the rollup up to date with the ticket history: recompute the rows of the tickets that
    have events newer than the last one seen (and, with ``rescan``, of the events of that last
    stretch of time, for transactions that committed after a later one). Returns the number of
    rows recomputed."""
    # The stamp is the time before the history is read: what was committed later is not claimed.
    started = now or timezone.now()
    if rescan is None and not _has_new_events():
        _stamp(started)
        return 0
    with transaction.atomic():
        state = _state_for_update()
        newest = TicketEvent.objects.aggregate(m=Max("id"))["m"] or state.last_event_id
        window = Q(id__gt=state.last_event_id)
        if rescan is not None:
            window |= Q(at__gte=started - rescan)
        events = TicketEvent.objects.filter(window, id__lte=newest)
        touched = Whistle.objects.filter(ticket_id__in=events.values("ticket_id"))
        pairs = _pairs_of(touched)
        area_pairs, paths = area_rollup.keys_of(Ticket.objects.filter(pk__in=events.values("ticket_id")))
        if len(pairs) > MAX_PAIRS or len(area_pairs) > MAX_PAIRS:
            # Whole months (both rollups, and every open row) rather than thousands of keys.
            days = {day for _d, day in pairs} | {day for _p, day in area_pairs}
            months = sorted({(day.year, day.month) for day in days})
            done = sum(_rebuild_locked(month(y, m)) for y, m in months)
        else:
            done = _recompute(pairs)
            if area_pairs:
                advisory_lock(exclusive=False)
                area_rollup.recompute_days(area_pairs)
                area_rollup.recompute_open(paths)
        state.last_event_id = max(newest, state.last_event_id)
        state.synced_at = started
        state.save(update_fields=["last_event_id", "synced_at"])
    return done


def _stamp(at: dt.datetime) -> None:
    """Record that the rollup was found up to date with the history at ``at``."""
    if not RollupState.objects.filter(pk=1).update(synced_at=at):
        RollupState.objects.get_or_create(pk=1, defaults={"synced_at": at})


def rollup_synced_at() -> dt.datetime | None:
    """When ``assessment_sync`` last brought the rollup up to date with the ticket history (None:
    never). Read-only."""
    return RollupState.objects.filter(pk=1).values_list("synced_at", flat=True).first()


def _rebuild_locked(period: Period) -> int:
    """Rebuild the period's department rows, area rows and the open rows (both rollups); returns
    the number of department rows."""
    advisory_lock(exclusive=True)
    area_rollup.rebuild_days(period)
    area_rollup.rebuild_open()
    figures = direct_counts(period, by_day=True)
    DepartmentDayStat.objects.filter(day__gte=period.start, day__lt=period.end).delete()
    DepartmentDayStat.objects.bulk_create(
        [
            DepartmentDayStat(department_id=d, day=day, **values)
            for (d, day), values in sorted(figures.items())
        ],
        batch_size=2000,
    )
    return len(figures)


def assessment_rebuild(period: Period) -> int:
    """Recompute every rollup row of ``period`` from the whistles with one GROUP BY (rows of days
    without whistles disappear). Idempotent. Returns the number of rows written."""
    with transaction.atomic():
        return _rebuild_locked(period)


def assessment_refresh(period: Period) -> int:
    """Make ``period``'s figures exact: catch up with the history, then recompute the period from
    source. Used by the periodic task and before a bulletin is published. Idempotent."""
    assessment_sync()
    return assessment_rebuild(period)


def record_ticket_changes_listener(ticket_ids: frozenset[int]) -> int:
    """``assessment_record_ticket_changes`` as a ``quanyu.tickets.hooks`` listener (registered by
    ``AssessmentConfig.ready``; called after commit)."""
    return assessment_record_ticket_changes(ticket_ids=ticket_ids)
