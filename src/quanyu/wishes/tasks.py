"""Celery tasks of the wishes app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from quanyu.wishes.services import wish_lapse_sweep

LAPSE_TASK = "quanyu.wishes.lapse_claims"


@shared_task(name=LAPSE_TASK, ignore_result=False)
def lapse_claims_task() -> int:
    """Claims without progress lapse back to the wall; scheduled by Celery beat (quanyu.celery)."""
    return wish_lapse_sweep()
