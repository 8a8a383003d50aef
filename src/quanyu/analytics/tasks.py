"""Celery task of early warning: a thin wrapper around ``services.alerts_raise``."""

from __future__ import annotations

from celery import shared_task

from quanyu.analytics.services import alerts_raise

ALERTS_TASK = "quanyu.analytics.raise_alerts"


@shared_task(name=ALERTS_TASK, ignore_result=False)
def raise_alerts_task() -> dict[str, int]:
    """One alert sweep (idempotent); scheduled by Celery beat (see quanyu.celery)."""
    return alerts_raise().as_dict()
