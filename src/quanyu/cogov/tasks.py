"""Celery tasks of co-governance: thin wrappers around services (STYLE: tasks call services)."""

from __future__ import annotations

from celery import shared_task

from quanyu.cogov.services import tasks_sweep_overdue

SWEEP_TASK = "quanyu.cogov.sweep_overdue_tasks"


@shared_task(name=SWEEP_TASK, ignore_result=False)
def sweep_overdue_tasks() -> int:
    """Flag joint-meeting tasks past their deadline; scheduled by Celery beat (see quanyu.celery)."""
    return tasks_sweep_overdue()
