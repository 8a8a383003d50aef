"""The 述职评议 indicator (app ``assessment`` itself): how the reviewers graded the secretary's
annual report of each assessed area.

Areas: ``assessment.duty_review`` — the points of the grades given to the report of exactly that
area in a set of the period's year (好 1, 较好 0.8, 一般 0.6, 差 0; ``GRADE_POINTS``) / the grades
given: the average grade, from 0 to 1. A report is one person's and counts for its own area only
(a street's figure is its secretary's, not its communities')."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.indicators.registry import AREA, Figure, Provider, Target, register
from quanyu.assessment.models import GRADE_POINTS, DutyReport, DutyReview
from quanyu.assessment.periods import Period
from quanyu.core.scoping import scope


def _grades(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t.pk for t in targets if t.kind == AREA]
    points: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    reviews = DutyReview.objects.filter(
        report__indicator_set__year=period.year, report__area_id__in=areas
    ).values_list("report__area_id", "grade")
    for area_id, grade in reviews:
        points[area_id] += GRADE_POINTS[grade]
        counts[area_id] += 1
    return {pk: Figure(points[pk], Decimal(counts[pk])) for pk in areas}


def _rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return scope(
        DutyReport.objects.filter(area_id=target.pk, indicator_set__year=period.year).select_related(
            "area", "secretary"
        ),
        actor=actor,
    )


def _describe(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.area.name} {obj.statement[:40]}", "", []


register(
    Provider(
        key="assessment.duty_review",
        label=_("述职评议（平均等次）"),
        unit="分",
        kinds=frozenset({AREA}),
        compute=_grades,
        rows=_rows,
        describe=_describe,
    )
)
