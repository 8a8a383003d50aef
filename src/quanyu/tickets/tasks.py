"""Celery tasks of the loop: thin wrappers around services (STYLE: tasks call services)."""

from __future__ import annotations

from celery import shared_task

from quanyu.tickets.sweep import sweep_deadlines

SWEEP_TASK = "quanyu.tickets.sweep_deadlines"


@shared_task(name=SWEEP_TASK, ignore_result=False)
def sweep_deadlines_task() -> dict[str, int]:
    """One deadline sweep; scheduled by Celery beat (see quanyu.celery)."""
    return sweep_deadlines().as_dict()
