"""Celery tasks of volunteering: thin wrappers around services (STYLE: tasks call services)."""

from __future__ import annotations

from celery import shared_task

from quanyu.volunteering.services import sweep_attendance

SWEEP_TASK = "quanyu.volunteering.sweep_attendance"


@shared_task(name=SWEEP_TASK, ignore_result=False)
def sweep_attendance_task() -> dict[str, int]:
    """Close (and flag) check-ins left open, record no-shows; scheduled by Celery beat."""
    return sweep_attendance().as_dict()
