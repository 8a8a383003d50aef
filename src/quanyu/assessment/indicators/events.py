"""Append-only events of indicator-based assessment, one typed function per kind, written in the
transaction of the change (``IndicatorEvent``: the set, and the entry when there is one)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from quanyu.assessment.models import IndicatorEvent, IndicatorSet, ManualEntry
from quanyu.core.workflow.events import actor_fields


def _event(
    indicator_set: IndicatorSet, kind: str, actor: Any, entry: ManualEntry | None = None, **payload: Any
) -> IndicatorEvent:
    return IndicatorEvent.objects.create(
        indicator_set=indicator_set, entry=entry, kind=kind, payload=payload, **actor_fields(actor)
    )


def set_created_event(*, indicator_set: IndicatorSet, actor: Any) -> IndicatorEvent:
    return _event(indicator_set, "created", actor, year=indicator_set.year, level=indicator_set.level)


def indicator_added_event(
    *, indicator_set: IndicatorSet, actor: Any, name: str, weight: str
) -> IndicatorEvent:
    return _event(indicator_set, "indicator_added", actor, name=name, weight=weight)


def indicator_removed_event(*, indicator_set: IndicatorSet, actor: Any, name: str) -> IndicatorEvent:
    return _event(indicator_set, "indicator_removed", actor, name=name)


def set_lists_event(*, indicator_set: IndicatorSet, actor: Any, before: int, after: int) -> IndicatorEvent:
    return _event(indicator_set, "list_size_changed", actor, before=before, after=after)


def set_published_event(*, indicator_set: IndicatorSet, actor: Any, indicators: int) -> IndicatorEvent:
    return _event(indicator_set, "published", actor, indicators=indicators)


def period_computed_event(
    *, indicator_set: IndicatorSet, actor: Any, period: str, rows: int
) -> IndicatorEvent:
    return _event(indicator_set, "period_computed", actor, period=period, rows=rows)


def period_frozen_event(*, indicator_set: IndicatorSet, actor: Any, period: str) -> IndicatorEvent:
    return _event(indicator_set, "period_frozen", actor, period=period)


def entry_submitted_event(
    *, entry: ManualEntry, actor: Any, files: list[str] | None = None
) -> IndicatorEvent:
    return _event(
        entry.indicator.indicator_set, "entry_submitted", actor, entry, period=entry.period, files=files or []
    )


def evidence_removed_event(*, entry: ManualEntry, actor: Any, name: str) -> IndicatorEvent:
    return _event(
        entry.indicator.indicator_set, "evidence_removed", actor, entry, period=entry.period, name=name
    )


def deadline_set_event(
    *, indicator_set: IndicatorSet, actor: Any, period: str, due_on: str, before: str | None
) -> IndicatorEvent:
    return _event(indicator_set, "deadline_set", actor, period=period, due_on=due_on, before=before)


def deadline_passed_event(*, indicator_set: IndicatorSet, period: str, overdue: int) -> IndicatorEvent:
    return _event(indicator_set, "deadline_passed", None, period=period, overdue=overdue)


def entry_scored_event(*, entry: ManualEntry, actor: Any, score: Decimal, comment: str) -> IndicatorEvent:
    return _event(
        entry.indicator.indicator_set, "entry_scored", actor, entry, score=str(score), comment=comment
    )


def entry_returned_event(*, entry: ManualEntry, actor: Any, comment: str) -> IndicatorEvent:
    return _event(entry.indicator.indicator_set, "entry_returned", actor, entry, comment=comment)


def deduction_event(
    *,
    indicator_set: IndicatorSet,
    actor: Any,
    period: str,
    target: str,
    points: Decimal,
    veto: bool,
    reason: str,
) -> IndicatorEvent:
    return _event(
        indicator_set,
        "deduction",
        actor,
        period=period,
        target=target,
        points=str(points),
        veto=veto,
        reason=reason,
    )


def duty_submitted_event(*, report: Any, actor: Any) -> IndicatorEvent:
    return _event(report.indicator_set, "duty_submitted", actor, area=report.area_id, report=report.pk)


def duty_reviewed_event(*, report: Any, actor: Any, grade: str) -> IndicatorEvent:
    return _event(report.indicator_set, "duty_reviewed", actor, report=report.pk, grade=grade)


def entries_reminded_event(
    *, indicator_set: IndicatorSet, entries: list[int], overdue: int, told: int
) -> IndicatorEvent:
    """The scorers were reminded of ``entries`` (the sweep: no actor)."""
    return _event(indicator_set, "entries_reminded", None, entries=entries, overdue=overdue, told=told)
