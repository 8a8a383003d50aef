"""Scoring a period of an indicator set: the targets, every indicator's figures (from its
provider, or the assessor's score of a manual entry), the points by each rule, deductions and
vetoes, the totals and their ranks. Reads only; the service writes the rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment.indicators import registry, rules
from quanyu.assessment.indicators.registry import AREA, UNIT, Figure, Target
from quanyu.assessment.models import (
    Deduction,
    Direction,
    EntryStatus,
    Indicator,
    IndicatorSet,
    Level,
    ManualEntry,
    Score,
    ScorePeriod,
    Source,
)
from quanyu.assessment.periods import Period, parse_period
from quanyu.orgs.models import Unit, UnitKind

UNIT_KINDS = [UnitKind.DEPARTMENT, UnitKind.RESIDENT_UNIT]


def targets_for(indicator_set: IndicatorSet) -> list[Target]:
    """Whom the set ranks: the streets of a district, the communities of a street, the departments
    and resident units of the organisation department's area."""
    path = indicator_set.area.path
    if indicator_set.level == Level.UNIT:
        units = Unit.objects.filter(kind__in=UNIT_KINDS, area__path__startswith=path).values_list(
            "pk", "name", "area__path"
        )
        return [Target(UNIT, pk, name, p) for pk, name, p in units.order_by("name", "pk")]
    kind = AreaKind.STREET if indicator_set.level == Level.STREET else AreaKind.COMMUNITY
    areas = Area.objects.filter(kind=kind, path__startswith=path).values_list("pk", "name", "path")
    return [Target(AREA, pk, name, p) for pk, name, p in areas.order_by("path")]


def target_key(kind: str, area_id: int | None, unit_id: int | None) -> int:
    return (unit_id if kind == UNIT else area_id) or 0


def figures_for(
    indicator: Indicator, targets: Sequence[Target], period: Period, shared: dict[str, Any]
) -> dict[int, Figure]:
    provider = registry.get(indicator.provider)
    if provider is None:
        return {}
    kinds = {t.kind for t in targets}
    wanted = [t for t in targets if t.kind in provider.kinds]
    return provider.compute(wanted, period, shared) if wanted and kinds else {}


def _manual(indicator: Indicator, period: Period, targets: Sequence[Target]) -> dict[int, Figure]:
    entries = ManualEntry.objects.filter(indicator=indicator, period=period.key, status=EntryStatus.SCORED)
    out: dict[int, Figure] = {}
    for e in entries:
        key = e.target_unit_id if e.target_unit_id else e.target_area_id
        if key is not None and e.score is not None:
            out[key] = Figure(e.score)
    return out


def compute_scores(score_period: ScorePeriod) -> list[Score]:
    """The rows of ``score_period`` (unsaved): one per indicator and target, and one total per
    target with its rank."""
    indicator_set = score_period.indicator_set
    period = parse_period(score_period.period)
    targets = targets_for(indicator_set)
    kind = targets[0].kind if targets else AREA
    shared: dict[str, Any] = {}
    out: list[Score] = []
    parts: dict[int, list[Decimal]] = defaultdict(list)

    def score_row(t: Target, **fields: Any) -> Score:
        return Score(
            score_period=score_period,
            target_area_id=t.pk if t.kind == AREA else None,
            target_unit_id=t.pk if t.kind == UNIT else None,
            target_name=t.name,
            **fields,
        )

    for indicator in indicator_set.indicators.order_by("position"):
        if indicator.source == Source.MANUAL:
            figures = _manual(indicator, period, targets)
            got = {t.pk: figures[t.pk].numerator if t.pk in figures else None for t in targets}
            pts = {k: (v if v is not None else rules.ZERO) for k, v in got.items()}
        else:
            figures = figures_for(indicator, targets, period, shared)
            got = {t.pk: (figures[t.pk].value if t.pk in figures else None) for t in targets}
            pts = rules.indicator_points(
                got,
                weight=indicator.weight,
                rule=indicator.rule,
                higher=indicator.direction == Direction.HIGHER,
                floor=indicator.floor,
                target=indicator.target,
                thresholds=indicator.thresholds,
            )
        for t in targets:
            fig = figures.get(t.pk)
            value = got[t.pk]
            parts[t.pk].append(pts[t.pk])
            out.append(
                score_row(
                    t,
                    indicator=indicator,
                    numerator=None if fig is None else fig.numerator,
                    denominator=None if fig is None else fig.denominator,
                    value=None if value is None else value.quantize(rules.VALUE),
                    score=rules.points(pts[t.pk]),
                )
            )
    deducted: dict[int, Decimal] = defaultdict(Decimal)
    vetoed: set[int] = set()
    for d in Deduction.objects.filter(score_period=score_period):
        key = target_key(kind, d.target_area_id, d.target_unit_id)
        deducted[key] += d.points
        if d.veto:
            vetoed.add(key)
    totals = {
        t.pk: rules.points(rules.total_points(parts[t.pk], deducted=deducted[t.pk], vetoed=t.pk in vetoed))
        for t in targets
    }
    ranks = rules.competition_ranks(dict(totals.items()), higher=True)
    for t in targets:
        out.append(
            score_row(
                t,
                indicator=None,
                score=totals[t.pk],
                rank=ranks.get(t.pk),
                vetoed=t.pk in vetoed,
                deducted=rules.points(deducted[t.pk]),
            )
        )
    return out
