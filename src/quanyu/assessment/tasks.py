"""Celery tasks of assessment: thin wrappers around the rollup functions and the scoring reminders."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from quanyu.assessment.indicators.reminders import entries_remind
from quanyu.assessment.periods import current_month, previous_month
from quanyu.assessment.rollup import assessment_refresh, assessment_sync

SYNC_TASK = "quanyu.assessment.sync_rollup"
REFRESH_TASK = "quanyu.assessment.refresh_recent"
REMIND_TASK = "quanyu.assessment.remind_scoring"


@shared_task(name=SYNC_TASK)
def sync_rollup_task(rescan_minutes: int = 15) -> int:
    """Catch the rollup up with the ticket history, re-reading the last ``rescan_minutes``."""
    return assessment_sync(rescan=dt.timedelta(minutes=rescan_minutes))


@shared_task(name=REFRESH_TASK)
def refresh_recent_task() -> dict[str, int]:
    """Recompute the current and the previous month from the whistles (e.g. nightly)."""
    return {p.key: assessment_refresh(p) for p in (previous_month(), current_month())}


@shared_task(name=REMIND_TASK)
def remind_scoring_task() -> dict[str, int]:
    """Tell the scorers of hand-scored entries near or past their deadline (idempotent)."""
    return entries_remind().as_dict()
