"""Celery tasks of department scoring: thin wrappers around the rollup functions."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from quanyu.assessment.periods import current_month, previous_month
from quanyu.assessment.rollup import assessment_refresh, assessment_sync

SYNC_TASK = "quanyu.assessment.sync_rollup"
REFRESH_TASK = "quanyu.assessment.refresh_recent"


@shared_task(name=SYNC_TASK)
def sync_rollup_task(rescan_minutes: int = 15) -> int:
    """Catch the rollup up with the ticket history, re-reading the last ``rescan_minutes``."""
    return assessment_sync(rescan=dt.timedelta(minutes=rescan_minutes))


@shared_task(name=REFRESH_TASK)
def refresh_recent_task() -> dict[str, int]:
    """Recompute the current and the previous month from the whistles (e.g. nightly)."""
    return {p.key: assessment_refresh(p) for p in (previous_month(), current_month())}
