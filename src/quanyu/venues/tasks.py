"""Celery tasks of the venues app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from quanyu.venues.services.bookings import bookings_sweep

RELEASE_TASK = "quanyu.venues.release_no_shows"


@shared_task(name=RELEASE_TASK, ignore_result=False)
def release_no_shows_task() -> int:
    """Confirmed bookings nobody checked in to by the grace time are released (no-show). On the
    beat schedule (quanyu.celery), which the demo server's in-process scheduler also runs."""
    return bookings_sweep()
