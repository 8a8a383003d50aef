"""The embedded default's in-process beat (quanyu/scheduler.py): it runs the Celery beat schedule
of quanyu.celery at its intervals, so the demo server sweeps, syncs the ranking and sends the
notification outbox without a broker."""

from __future__ import annotations

import logging

import pytest
from celery import Celery
from celery.schedules import crontab
from django.core import mail

from quanyu.assessment.models import RollupState
from quanyu.notify.models import OutboxMessage
from quanyu.notify.services import notify_send
from quanyu.scheduler import Scheduler


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_runs_the_beat_schedule_at_its_intervals(city, settings):
    user = city.users["street_staff"]
    user.email = "s@example.org"
    user.save()
    notify_send(recipients=[user], kind="k", title="待发")
    clock = Clock()
    scheduler = Scheduler(first_delay=5, clock=clock)
    names = [e.name for e in scheduler.entries]
    assert names == sorted(
        [
            "tickets-sweep-deadlines",
            "assessment-sync-rollup",
            "assessment-refresh-recent",
            "assessment-remind-scoring",
            "notify-drain-outbox",
            "core-audit-seal",
            "core-media-orphans",
            "core-clear-sessions",
            "core-retention",
            "core-partitions-extend",
            "analytics-raise-alerts",
            "wishes-lapse-claims",
            "venues-release-no-shows",
            "venues-supervise-projects",
            "venues-remind-plans",
            "volunteering-sweep",
            "cogov-sweep-overdue-tasks",
        ]
    )
    assert scheduler.run_pending() == [] and scheduler.seconds_to_next() == 5
    clock.now += 5
    assert scheduler.run_pending() == names  # the first round runs everything
    assert [m.subject for m in mail.outbox] == ["待发"]
    assert OutboxMessage.objects.get().status == "sent"
    assert RollupState.objects.get(pk=1).synced_at is not None
    clock.now += 1
    assert scheduler.run_pending() == []
    drain = next(e for e in scheduler.entries if e.name == "notify-drain-outbox")
    clock.now += drain.every
    assert scheduler.run_pending() == ["notify-drain-outbox"]  # the shortest interval comes round first
    assert len(mail.outbox) == 1


@pytest.mark.django_db  # the scheduler tidies the thread's database connection after each task
def test_a_failing_task_is_logged_and_the_others_still_run(caplog):
    app = Celery("scheduler-test", set_as_current=False)
    ran: list[str] = []

    @app.task(name="t.boom")
    def boom() -> None:
        raise RuntimeError("boom")

    @app.task(name="t.ok")
    def ok(word: str) -> None:
        ran.append(word)

    app.conf.beat_schedule = {
        "a-boom": {"task": "t.boom", "schedule": 10.0},
        "b-ok": {"task": "t.ok", "schedule": 20.0, "args": ("hi",)},
    }
    clock = Clock()
    scheduler = Scheduler(app, first_delay=0, clock=clock)
    # Celery's Django fix-up configures logging again when the scheduler loads the tasks modules,
    # which drops pytest's handler from the root logger: listen on the scheduler's own logger.
    logger = logging.getLogger("quanyu.scheduler")
    logger.addHandler(caplog.handler)
    try:
        assert scheduler.run_pending() == ["a-boom", "b-ok"]
    finally:
        logger.removeHandler(caplog.handler)
    assert ran == ["hi"] and "a-boom" in caplog.text
    clock.now += 10
    assert scheduler.run_pending() == ["a-boom"]


def test_only_interval_schedules():
    app = Celery("scheduler-test-cron", set_as_current=False)
    app.conf.beat_schedule = {"nightly": {"task": "t.x", "schedule": crontab(hour=2)}}
    with pytest.raises(ValueError, match="interval"):
        Scheduler(app)
