"""Reads of department scoring, for an actor: the ranking of a period (live from the rollup, or
frozen in its bulletin), the tickets behind a figure, bulletins and the scoring rules.

Reads never write: the ticket services' hook brings the rollup up to date after each commit, and
the periodic catch-up (``assessment_sync``: Celery beat, the demo scheduler, ``quanyu
assessment_refresh --sync``) covers what the hook missed or failed. A live ranking and the
drill-down say when that catch-up last ran (``Ranking.data_as_of``, ``rollup_synced_at``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.assessment.access import can_drill_into, require_ranking_viewer
from quanyu.assessment.models import Bulletin, ScoringConfig
from quanyu.assessment.periods import Period
from quanyu.assessment.rollup import (
    RATED,
    RESOLVED_IN_TIME,
    RESPONDED_IN_TIME,
    counted_q,
    eligible_q,
    rollup_counts,
    rollup_synced_at,
)
from quanyu.assessment.scoring import Counts, Row, Rules, make_row, rank_rows
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets.models import RatingLevel, Whistle
from quanyu.tickets.selectors import whistle_list_for
from quanyu.tickets.states import WhistleStatus

FIGURES = {
    "received": gettext_lazy("收到的呼叫"),
    "response": gettext_lazy("响应"),
    "completion": gettext_lazy("办结"),
    "satisfaction": gettext_lazy("满意度评价"),
    "returned": gettext_lazy("退回的呼叫"),
}
OUTCOMES = {"": gettext_lazy("全部"), "met": gettext_lazy("达标"), "missed": gettext_lazy("未达标")}


def scoring_rules() -> Rules:
    """The current rules (the defaults until an administrator saves the settings)."""
    config = ScoringConfig.objects.filter(pk=1).first()
    if config is None:
        return Rules()
    return Rules(
        weight_response=config.weight_response,
        weight_completion=config.weight_completion,
        weight_satisfaction=config.weight_satisfaction,
        basically_counts=config.basically_counts,
        no_rating_policy=config.no_rating_policy,
    )


def department_ranking(*, period: Period, rules: Rules | None = None) -> list[Row]:
    """Every department's figures, score and rank for ``period``, read from the rollup as it is
    (read-only). No permission check: callers are the selectors below, services and benchmarks."""
    rules = rules or scoring_rules()
    rows = [
        make_row(dept_id, values.pop("name"), Counts(**values), rules)
        for dept_id, values in rollup_counts(period).items()
    ]
    return rank_rows(rows)


@dataclass(frozen=True)
class Ranking:
    period: Period
    rules: Rules
    rows: list[Row]
    bulletin: Bulletin | None
    computed_at: dt.datetime
    # When the figures were last brought up to date: the bulletin's publication, or the rollup's
    # last catch-up with the ticket history (None: never; the hooks may still have kept it current).
    data_as_of: dt.datetime | None

    @property
    def frozen(self) -> bool:
        return self.bulletin is not None


def _bulletin_rows(bulletin: Bulletin) -> list[Row]:
    rows = []
    for r in bulletin.rows.all():
        rows.append(
            Row(
                department_id=r.department_id or 0,
                department_name=r.department_name,
                counts=Counts(
                    received=r.received,
                    responded_in_time=r.responded_in_time,
                    resolved_in_time=r.resolved_in_time,
                    rated=r.rated,
                    rated_satisfied=r.satisfied,
                    returned=r.returned,
                ),
                satisfied=r.satisfied,
                response_rate=r.response_rate,
                completion_rate=r.completion_rate,
                satisfaction_rate=r.satisfaction_rate,
                score=r.score,
                rank=r.rank,
            )
        )
    return rows


def ranking_for(*, actor: Any, period: Period, live: bool = False) -> Ranking:
    """The ranking of ``period`` as the actor may see it: the published bulletin's frozen rows
    when the period has one (unless ``live``), else computed now from the rollup. Read-only."""
    require_ranking_viewer(actor)
    bulletin = None if live else bulletin_for_period(period)
    if bulletin is not None:
        return Ranking(
            period=period,
            rules=Rules.from_dict(bulletin.settings),
            rows=_bulletin_rows(bulletin),
            bulletin=bulletin,
            computed_at=bulletin.published_at,
            data_as_of=bulletin.published_at,
        )
    rules = scoring_rules()
    return Ranking(
        period=period,
        rules=rules,
        rows=department_ranking(period=period, rules=rules),
        bulletin=None,
        computed_at=timezone.now(),
        data_as_of=rollup_synced_at(),
    )


def bulletin_for_period(period: Period) -> Bulletin | None:
    return (
        Bulletin.objects.select_related("published_by")
        .prefetch_related("rows")
        .filter(period=period.key)
        .first()
    )


def bulletin_list_for(*, actor: Any) -> QuerySet[Bulletin]:
    require_ranking_viewer(actor)
    return Bulletin.objects.select_related("published_by").order_by("-period_start", "-id")


def bulletin_get_for(*, actor: Any, bulletin_id: int | str) -> Bulletin:
    require_ranking_viewer(actor)
    try:
        pk = int(bulletin_id)
    except (TypeError, ValueError):
        raise Http404 from None
    bulletin = Bulletin.objects.select_related("published_by").prefetch_related("rows").filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def bulletin_rows(bulletin: Bulletin) -> list[Row]:
    return _bulletin_rows(bulletin)


def department_for_drilldown(*, actor: Any, department_id: int | str) -> Unit:
    """The department whose tickets the actor may open; Http404 when it is not a department or
    the actor may not look into it."""
    require_ranking_viewer(actor)
    try:
        pk = int(department_id)
    except (TypeError, ValueError):
        raise Http404 from None
    department = Unit.objects.filter(pk=pk, kind=UnitKind.DEPARTMENT).first()
    if department is None or not can_drill_into(actor, department.pk):
        raise Http404
    return department


def figure_q(figure: str, outcome: str, rules: Rules) -> Q:
    """The whistles behind one figure of the table; ``outcome`` met/missed splits its numerator
    from the rest of its denominator."""
    if figure not in FIGURES:
        raise ValidationError({"figure": _("figure 须为 %(v)s 之一") % {"v": "、".join(FIGURES)}})
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("outcome 须为 met（达标）或 missed（未达标）")})
    if figure in ("received", "returned") and outcome:
        raise ValidationError({"outcome": _("“%(f)s”没有达标之分") % {"f": FIGURES[figure]}})
    if figure == "returned":
        return eligible_q() & Q(status=WhistleStatus.RETURNED)
    base = counted_q()
    if figure == "received":
        return base
    levels = [RatingLevel.SATISFIED] + ([RatingLevel.BASICALLY] if rules.basically_counts else [])
    met = {
        "response": RESPONDED_IN_TIME,
        "completion": RESOLVED_IN_TIME,
        "satisfaction": Q(ticket__rating_level__in=levels),
    }[figure]
    if figure == "satisfaction":
        base &= RATED
    if outcome == "met":
        return base & met
    if outcome == "missed":
        return base & ~met
    return base


def drilldown_for(
    *, actor: Any, department: Unit, period: Period, figure: str, outcome: str = ""
) -> QuerySet[Whistle]:
    """The whistles (with their tickets) behind one figure of ``department`` in ``period``, in the
    actor's part of the city (through the ticket selectors' scoping), oldest first. The live
    tickets: for a published period they may have changed since."""
    condition = figure_q(figure, outcome, scoring_rules())
    return (
        whistle_list_for(actor=actor, department=department.pk)
        .filter(condition, whistled_at__gte=period.start_at, whistled_at__lt=period.end_at)
        .select_related("ticket__category", "ticket__street")
        .order_by("whistled_at", "id")
    )
