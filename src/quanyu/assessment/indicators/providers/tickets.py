"""Indicators from the e呼应 loop (app ``tickets``).

Areas (tickets located in the area, received in the period, local time; summed from the area
rollup, ``assessment.area_rollup``, which holds the definitions):

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

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.area_rollup import (
    COUNTED,
    NOT_CANCELLED,
    RATED,
    REPEAT,
    RESOLVED_IN_TIME,
    SATISFIED,
    day_sums,
)
from quanyu.assessment.indicators.registry import (
    AREA,
    UNIT,
    Figure,
    Provider,
    Target,
    common_path,
    deepest,
    register,
    rollup_by_path,
)
from quanyu.assessment.periods import Period
from quanyu.assessment.rollup import rollup_counts
from quanyu.tickets.selectors import ticket_list_for, whistle_list_for

__all__ = ["COUNTED", "NOT_CANCELLED", "RATED", "REPEAT", "RESOLVED_IN_TIME", "SATISFIED", "in_period"]


def in_period(period: Period) -> Q:
    return Q(created_at__gte=period.start_at, created_at__lt=period.end_at)


def area_counts(
    period: Period, shared: dict[str, Any], under: str = "", width: int = 0
) -> list[tuple[str, dict[str, int]]]:
    """Per located path (grid or building) under ``under``, cut to its first ``width``
    characters when given (the deepest target's), the period's counts summed from the area
    rollup (``assessment.area_rollup``): one GROUP BY for all three indicators and every target
    of the run, whatever the number of tickets."""
    key = f"tickets.area_counts.{period.key}.{under}.{width}"
    if key not in shared:
        shared[key] = day_sums(period.start, period.end, under, width)
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
            counts = area_counts(period, shared, common_path(areas), deepest(areas))
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
        compute=_compute("repeats", "not_cancelled", (), "received"),
        rows=_rows(REPEAT),
        describe=_describe,
        direction="lower",
        percent=True,
    )
)
