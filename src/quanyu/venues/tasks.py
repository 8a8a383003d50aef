"""Celery tasks of the venues app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from quanyu.venues.services.bookings import bookings_sweep
from quanyu.venues.services.plans import plans_remind
from quanyu.venues.services.projects import projects_supervise

RELEASE_TASK = "quanyu.venues.release_no_shows"
SUPERVISE_TASK = "quanyu.venues.supervise_projects"
REMIND_PLANS_TASK = "quanyu.venues.remind_plans"


@shared_task(name=RELEASE_TASK, ignore_result=False)
def release_no_shows_task() -> int:
    """Confirmed bookings nobody checked in to by the grace time are released (no-show). On the
    beat schedule (quanyu.celery), which the demo server's in-process scheduler also runs."""
    return bookings_sweep()


@shared_task(name=SUPERVISE_TASK, ignore_result=False)
def supervise_projects_task() -> int:
    """One supervision order per late build-and-handover step."""
    return projects_supervise()


@shared_task(name=REMIND_PLANS_TASK, ignore_result=False)
def remind_plans_task() -> int:
    """Centres whose month's activity plan is late: their keepers are told once a month."""
    return plans_remind()
