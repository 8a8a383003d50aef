"""The outbox: written in the caller's transaction, delivered after it, once, with retries."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from quanyu.celery import app
from quanyu.notify.channels import Message, register
from quanyu.notify.models import Notification, OutboxMessage, OutboxStatus
from quanyu.notify.outbox import LEASE, enqueue_drain, notify_drain, retry_delay
from quanyu.notify.services import notify_send
from quanyu.notify.tasks import drain_outbox_task
from tests.factories import make_city, make_personas


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_recorded_in_the_transaction_and_nothing_if_it_rolls_back(city):
    user = city.users["street_staff"]
    with pytest.raises(Rollback), transaction.atomic():
        notify_send(recipients=[user], kind="k", title="回滚", phones=["13900139000"])
        # Inside the transaction both are written (so a commit cannot lose them) …
        assert OutboxMessage.objects.filter(title="回滚").count() == 1
        assert Notification.objects.filter(title="回滚").count() == 1
        raise Rollback
    # … and a rollback leaves nothing to send.
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()
    assert notify_drain().sent == 0 and mail.outbox == []


@pytest.mark.django_db
def test_eager_celery_sends_nothing_in_the_request_a_broker_gets_one_drain(
    city, django_capture_on_commit_callbacks
):
    user = city.users["street_staff"]
    user.email = "s@example.org"
    user.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_send(recipients=[user], kind="k", title="eager")
    assert callbacks == [] and mail.outbox == []  # the embedded default: the scheduler drains
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify_send(recipients=[user], kind="k", title="broker")
    finally:
        app.conf.task_always_eager = saved
    assert callbacks == [enqueue_drain]  # enqueued after commit, not run here
    assert drain_outbox_task() == {"sent": 2, "retried": 0, "failed": 0}  # the task, run here
    assert sorted(m.subject for m in mail.outbox) == ["broker", "eager"]


@pytest.mark.django_db
def test_a_failing_channel_is_retried_then_marked_failed(city, settings):
    calls: list[int] = []

    class Flaky:
        """Fails twice, then delivers."""

        name = "flaky-test"

        def deliver(self, message: Message) -> int:
            calls.append(1)
            if len(calls) <= 2:
                raise ConnectionError("SMTP 421 try later")
            return 1

    class Dead:
        name = "dead-test"

        def deliver(self, message: Message) -> int:
            raise ConnectionError(f"gateway unreachable for {message.phones[0]}")

    register(Flaky())
    register(Dead())
    settings.QUANYU_NOTIFY_MAX_ATTEMPTS = 3
    settings.QUANYU_NOTIFY_CHANNELS = ["inapp", "flaky-test"]
    flaky = notify_send(recipients=[city.users["resident"]], kind="k", title="flaky").outbox
    settings.QUANYU_NOTIFY_CHANNELS = ["inapp", "email", "dead-test"]
    user = city.users["street_staff"]
    user.email = "s@example.org"
    user.save()
    dead = notify_send(recipients=[user], kind="k", title="dead", phones=["13900139000"]).outbox
    assert flaky is not None and dead is not None

    t0 = timezone.now()
    assert notify_drain(now=t0).as_dict() == {"sent": 0, "retried": 2, "failed": 0}
    assert notify_drain(now=t0).as_dict() == {"sent": 0, "retried": 0, "failed": 0}  # not due yet
    dead.refresh_from_db()
    assert (dead.attempts, dead.channels, dead.next_attempt_at) == (1, ["dead-test"], t0 + retry_delay(1))
    # The error is kept for the back office, the number in it masked.
    assert dead.errors == {"dead-test": "ConnectionError: gateway unreachable for 139****9000"}
    assert len(mail.outbox) == 1  # the e-mail went out on the first attempt and is not retried

    t1 = t0 + retry_delay(1)
    assert notify_drain(now=t1).as_dict() == {"sent": 0, "retried": 2, "failed": 0}
    t2 = t1 + retry_delay(2)
    assert notify_drain(now=t2).as_dict() == {"sent": 1, "retried": 0, "failed": 1}
    flaky.refresh_from_db()
    dead.refresh_from_db()
    assert (flaky.status, flaky.attempts, flaky.errors, flaky.reached) == ("sent", 3, {}, {"flaky-test": 1})
    assert (dead.status, dead.attempts, dead.channels) == (OutboxStatus.FAILED, 3, ["dead-test"])
    assert dead.errors["dead-test"].startswith("ConnectionError") and dead.reached["email"] == 1
    assert dead.phones == ""  # personal data dropped once the row is final
    assert notify_drain(now=t2 + dt.timedelta(days=1)).as_dict() == {"sent": 0, "retried": 0, "failed": 0}
    assert len(calls) == 3 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_claimed_row_waits_for_its_lease(city, settings):
    """A drain that died after claiming: the row is sent again once the lease has passed."""
    notify_send(recipients=[city.users["resident"]], kind="k", title="t", phones=["13900139000"])
    now = timezone.now()
    OutboxMessage.objects.update(next_attempt_at=now + LEASE)  # what a claim does
    assert notify_drain(now=now).sent == 0
    assert notify_drain(now=now + LEASE).sent == 1


@pytest.mark.django_db
def test_notify_drain_command(city):
    user = city.users["street_staff"]
    user.email = "s@example.org"
    user.save()
    notify_send(recipients=[user], kind="k", title="命令")
    call_command("notify_drain")
    assert [m.subject for m in mail.outbox] == ["命令"]
    call_command("notify_drain")
    assert len(mail.outbox) == 1


ROWS = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_drains_deliver_each_row_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED needs PostgreSQL; SQLite serialises whole writes")
    city = make_city()
    make_personas(city)
    delivered: list[str] = []
    lock = threading.Lock()
    both_claimed = threading.Barrier(2, timeout=30)
    first_call = threading.local()

    class Counting:
        name = "counting-test"

        def deliver(self, message: Message) -> int:
            if not getattr(first_call, "done", False):
                first_call.done = True
                both_claimed.wait()  # each drain holds a claimed batch while the other claims its own
            with lock:
                delivered.append(message.title)
            return 1

    register(Counting())
    settings.QUANYU_NOTIFY_CHANNELS = ["counting-test"]
    user = city.users["resident"]
    with transaction.atomic():
        for i in range(ROWS):
            notify_send(recipients=[user], kind="k", title=f"m{i}")
    results = []

    def drain() -> None:
        try:
            results.append(notify_drain())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and all(r.sent > 0 for r in results)  # both drains did part of the work
    assert sum(r.sent for r in results) == ROWS
    assert sorted(delivered) == sorted(f"m{i}" for i in range(ROWS))  # each exactly once
    assert OutboxMessage.objects.filter(status="sent", attempts=1).count() == ROWS
