"""Indicators from the e呼应 loop (app ``tickets``).

Areas (tickets located in the area, received in the period, local time):

* ``tickets.resolved_in_time`` — resolved by the completion limit / tickets counted (not
  cancelled, merged or transferred to emergency services);
* ``tickets.satisfaction`` — effective ratings 满意 or 基本满意 / effective ratings;
* ``tickets.repeat_requests`` — repeats (merged into another ticket as a duplicate, or reopened)
  / tickets not cancelled; lower is better.

Departments (units of kind department): ``resolved_in_time`` and ``satisfaction`` of the whistles
they received, from the department rollup (``assessment.rollup``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.indicators.registry import (
    AREA,
    UNIT,
    Figure,
    Provider,
    Target,
    common_path,
    register,
    rollup_by_path,
)
from quanyu.assessment.periods import Period
from quanyu.assessment.rollup import rollup_counts
from quanyu.tickets.models import SATISFIED_LEVELS, Ticket
from quanyu.tickets.selectors import ticket_list_for, whistle_list_for
from quanyu.tickets.states import TicketStatus

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


def in_period(period: Period) -> Q:
    return Q(created_at__gte=period.start_at, created_at__lt=period.end_at)


def area_counts(period: Period, shared: dict[str, Any], under: str = "") -> list[tuple[str, dict[str, int]]]:
    """Per located path (grid or building) under ``under``, the period's counts: one GROUP BY for
    all three indicators and every target of the run."""
    key = f"tickets.area_counts.{period.key}.{under}"
    if key not in shared:
        rows = (
            Ticket.objects.filter(in_period(period), area_path__startswith=under)
            .values("area_path")
            .annotate(
                counted=Count("id", filter=COUNTED),
                in_time=Count("id", filter=RESOLVED_IN_TIME),
                rated=Count("id", filter=RATED),
                satisfied=Count("id", filter=SATISFIED),
                all=Count("id", filter=NOT_CANCELLED),
                repeats=Count("id", filter=REPEAT),
            )
            .order_by()
        )
        shared[key] = [(str(r["area_path"]), dict(r)) for r in rows]
    return shared[key]


def _departments(period: Period, shared: dict[str, Any]) -> dict[int, dict[str, Any]]:
    key = f"tickets.departments.{period.key}"
    if key not in shared:
        shared[key] = rollup_counts(period)
    return shared[key]


def _split(targets: Sequence[Target]) -> tuple[list[Target], list[Target]]:
    return [t for t in targets if t.kind == AREA], [t for t in targets if t.kind == UNIT]


def _compute(num: str, den: str, dept_num: tuple[str, ...], dept_den: str):  # type: ignore[no-untyped-def]
    def compute(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
        areas, units = _split(targets)
        out: dict[int, Figure] = {}
        if areas:
            counts = area_counts(period, shared, common_path(areas))
            parts = ((path, Decimal(c[num]), Decimal(c[den])) for path, c in counts)
            out.update(rollup_by_path(parts, areas))
        if units:
            depts = _departments(period, shared)
            for t in units:
                d = depts.get(t.pk)
                if d is not None:
                    out[t.pk] = Figure(Decimal(sum(d[f] for f in dept_num)), Decimal(d[dept_den]))
        return out

    return compute


def _rows(condition: Q):  # type: ignore[no-untyped-def]
    def rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
        if target.kind == UNIT:
            return whistle_list_for(actor=actor, department=target.pk).filter(
                whistled_at__gte=period.start_at, whistled_at__lt=period.end_at
            )
        return ticket_list_for(actor=actor).filter(
            condition, in_period(period), area_path__startswith=target.path
        )

    return rows


def _describe(obj: Any) -> tuple[str, str, list[Any]]:
    ticket = getattr(obj, "ticket", obj)
    return f"#{ticket.pk} {ticket.text[:40]}", "web:ticket_detail", [ticket.pk]


register(
    Provider(
        key="tickets.resolved_in_time",
        label=_("诉求按时办结率"),
        unit="%",
        kinds=frozenset({AREA, UNIT}),
        compute=_compute("in_time", "counted", ("resolved_in_time",), "received"),
        rows=_rows(COUNTED),
        describe=_describe,
        percent=True,
    )
)
register(
    Provider(
        key="tickets.satisfaction",
        label=_("群众满意率"),
        unit="%",
        kinds=frozenset({AREA, UNIT}),
        compute=_compute("satisfied", "rated", ("rated_satisfied", "rated_basically"), "rated"),
        rows=_rows(RATED),
        describe=_describe,
        percent=True,
    )
)
register(
    Provider(
        key="tickets.repeat_requests",
        label=_("重复诉求率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_compute("repeats", "all", (), "received"),
        rows=_rows(REPEAT),
        describe=_describe,
        direction="lower",
        percent=True,
    )
)
