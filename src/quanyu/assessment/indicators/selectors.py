"""Reads of indicator-based assessment, for an actor (docs/WORKFLOWS.md §6): the sets the actor
may see (another is a 404), a period's ranking with every indicator's figure and score and the
change against the previous period, and the records behind one figure (the drill-down, through the
owning app's scoped selector)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from quanyu.assessment.indicators import access, registry
from quanyu.assessment.indicators.registry import AREA, UNIT, Target
from quanyu.assessment.models import (
    EntryEvidence,
    Indicator,
    IndicatorSet,
    ManualEntry,
    PeriodStatus,
    Score,
    ScorePeriod,
)
from quanyu.assessment.periods import Period, parse_period, preceding


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def set_list_for(*, actor: Any, year: int | None = None) -> list[IndicatorSet]:
    qs = IndicatorSet.objects.select_related("area").order_by("-year", "level", "area__path")
    if year:
        qs = qs.filter(year=year)
    return [s for s in qs if access.can_view(actor, s)]


def set_get_for(*, actor: Any, set_id: Any) -> IndicatorSet:
    s = IndicatorSet.objects.select_related("area").filter(pk=_pk(set_id)).first()
    if s is None or not access.can_view(actor, s):
        raise Http404
    return s


def indicators_of(indicator_set: IndicatorSet) -> list[Indicator]:
    return list(indicator_set.indicators.order_by("position"))


def indicator_get_for(*, actor: Any, indicator_id: Any) -> Indicator:
    indicator = Indicator.objects.select_related("indicator_set__area").filter(pk=_pk(indicator_id)).first()
    if indicator is None or not access.can_view(actor, indicator.indicator_set):
        raise Http404
    return indicator


def periods_of(indicator_set: IndicatorSet) -> list[ScorePeriod]:
    return list(indicator_set.periods.order_by("-start", "-id"))


def period_of(indicator_set: IndicatorSet, period: Period) -> ScorePeriod | None:
    return indicator_set.periods.filter(period=period.key).first()


@dataclass
class Cell:
    value: Decimal | None
    score: Decimal
    numerator: Decimal | None
    denominator: Decimal | None


@dataclass
class RankRow:
    target_id: int
    target_kind: str
    name: str
    total: Decimal
    rank: int | None
    deducted: Decimal
    vetoed: bool
    change: Decimal | None  # total − the previous period's total
    cells: list[Cell] = field(default_factory=list)


@dataclass
class SetRanking:
    indicator_set: IndicatorSet
    score_period: ScorePeriod
    indicators: list[Indicator]
    rows: list[RankRow]
    previous: ScorePeriod | None  # the immediately preceding period, if it was computed
    previous_key: str = ""  # that period's key, computed or not (not: no comparison)

    @property
    def frozen(self) -> bool:
        return self.score_period.status == PeriodStatus.FROZEN


def _previous(score_period: ScorePeriod) -> tuple[str, ScorePeriod | None]:
    """The key of the period of the same kind immediately before this one (a month's month, a
    quarter's quarter, a year's year; across the new year, the same owner's set of the year
    before), and that period if it was computed. A preceding period never computed is no
    comparison: an older one is never used in its place."""
    before = preceding(parse_period(score_period.period))
    if score_period.status == PeriodStatus.FROZEN and "previous" in score_period.digest:
        # Frozen: the comparison it was published with, even if the preceding period is computed
        # only later.
        kept = score_period.digest["previous"]
        return before.key, None if kept is None else ScorePeriod.objects.filter(pk=kept).first()
    s = score_period.indicator_set
    if before.year == s.year:
        set_id: int | None = s.pk
    else:
        set_id = (
            IndicatorSet.objects.filter(year=before.year, level=s.level, area_id=s.area_id)
            .values_list("pk", flat=True)
            .first()
        )
    found = (
        ScorePeriod.objects.filter(
            indicator_set_id=set_id, period=before.key, computed_at__isnull=False
        ).first()
        if set_id is not None
        else None
    )
    return before.key, found


def previous_of(score_period: ScorePeriod) -> ScorePeriod | None:
    """The computed period ``score_period`` compares with (kept in the digest at freezing)."""
    return _previous(score_period)[1]


def ranking_of(score_period: ScorePeriod) -> SetRanking:
    """A computed period's ranking (no permission check: callers check the set)."""
    indicator_set = score_period.indicator_set
    indicators = indicators_of(indicator_set)
    position = {ind.pk: i for i, ind in enumerate(indicators)}
    rows: dict[int, RankRow] = {}
    cells: dict[int, list[Cell | None]] = {}
    kind = UNIT if any(s.target_unit_id for s in score_period.scores.all()[:1]) else AREA
    for s in score_period.scores.all().order_by("id"):
        key = (s.target_unit_id if s.target_unit_id else s.target_area_id) or 0
        if s.indicator_id is None:
            rows[key] = RankRow(key, kind, s.target_name, s.score, s.rank, s.deducted, s.vetoed, None)
        else:
            cells.setdefault(key, [None] * len(indicators))[position[s.indicator_id]] = Cell(
                s.value, s.score, s.numerator, s.denominator
            )
    previous_key, previous = _previous(score_period)
    if previous is not None:
        before = {
            (s.target_unit_id or s.target_area_id): s.score
            for s in Score.objects.filter(score_period=previous, indicator__isnull=True)
        }
        for key, row in rows.items():
            if key in before:
                row.change = row.total - before[key]
    for key, row in rows.items():
        row.cells = [c or Cell(None, Decimal(0), None, None) for c in cells.get(key, [])]
    ordered = sorted(rows.values(), key=lambda r: (r.rank or 10**6, r.name))
    return SetRanking(indicator_set, score_period, indicators, ordered, previous, previous_key)


def ranking_for(*, actor: Any, indicator_set: IndicatorSet, period: Period) -> SetRanking | None:
    if not access.can_view(actor, indicator_set):
        raise Http404
    sp = period_of(indicator_set, period)
    if sp is None or sp.computed_at is None:
        return None
    sp.indicator_set = indicator_set
    return ranking_of(sp)


def target_of(indicator_set: IndicatorSet, target_id: Any) -> Target:
    from quanyu.assessment.indicators.compute import targets_for

    pk = _pk(target_id)
    for t in targets_for(indicator_set):
        if t.pk == pk:
            return t
    raise Http404


def drilldown_for(
    *, actor: Any, indicator: Indicator, target_id: Any, period: Period
) -> tuple[Target, QuerySet[Any]]:
    """The records behind ``indicator``'s figure for one target, as the actor may see them (the
    provider reads through its app's scoped selector: out of scope, a record is simply not there)."""
    indicator_set = indicator.indicator_set
    if not access.can_view(actor, indicator_set):
        raise Http404
    target = target_of(indicator_set, target_id)
    provider = registry.get(indicator.provider)
    if provider is None or provider.rows is None:
        raise ValidationError({"indicator": _("该指标没有可查看的明细")})
    return target, provider.rows(actor, target, period)


def entry_list_for(*, actor: Any, indicator_set: IndicatorSet, period: str = "") -> QuerySet[ManualEntry]:
    if not access.can_view(actor, indicator_set):
        raise Http404
    qs = (
        ManualEntry.objects.filter(indicator__indicator_set=indicator_set)
        .select_related("indicator", "target_area", "target_unit", "submitted_by")
        .prefetch_related("files")
    )
    if period:
        qs = qs.filter(period=period)
    return qs


def evidence_get_for(*, actor: Any, evidence_id: Any) -> EntryEvidence:
    """One evidence file, if the actor may see its set (404 otherwise)."""
    found = (
        EntryEvidence.objects.select_related("entry__indicator__indicator_set__area")
        .filter(pk=_pk(evidence_id))
        .first()
    )
    if found is None or not access.can_view(actor, found.entry.indicator.indicator_set):
        raise Http404
    return found


def entry_get_for(*, actor: Any, entry_id: Any) -> ManualEntry:
    entry = (
        ManualEntry.objects.select_related("indicator__indicator_set__area", "target_area", "target_unit")
        .filter(pk=_pk(entry_id))
        .first()
    )
    if entry is None or not access.can_view(actor, entry.indicator.indicator_set):
        raise Http404
    return entry
