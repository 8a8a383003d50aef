"""Celery task of notifications: a thin wrapper around the outbox drain."""

from __future__ import annotations

from celery import shared_task

from quanyu.notify.outbox import DRAIN_TASK, notify_drain


@shared_task(name=DRAIN_TASK, ignore_result=False)
def drain_outbox_task() -> dict[str, int]:
    """Deliver the due outbox rows; enqueued after each commit that wrote one (with a broker) and
    run periodically by beat (retries, and anything whose enqueue was lost)."""
    return notify_drain().as_dict()
