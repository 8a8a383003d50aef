"""Celery tasks of the loop: thin wrappers around services (STYLE: tasks call services)."""

from __future__ import annotations

from celery import shared_task

from quanyu.tickets.sweep import sweep_deadlines

SWEEP_TASK = "quanyu.tickets.sweep_deadlines"


@shared_task(name=SWEEP_TASK, ignore_result=False)
def sweep_deadlines_task() -> dict[str, int]:
    """One deadline sweep; scheduled by Celery beat (see quanyu.celery)."""
    return sweep_deadlines().as_dict()


@shared_task(name="quanyu.tickets.forget_contacts")
def forget_contacts_task() -> int:
    """Clear the contact of tickets past the retention period (tickets.erasure); daily on the beat."""
    from quanyu.tickets.erasure import forget_contacts

    return len(forget_contacts().tickets)
