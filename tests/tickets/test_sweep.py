"""The deadline sweep: reminders before a limit, supervision orders after it, never twice."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from django.core.management import call_command

from quanyu.catalog.models import Category, Tier
from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import EventKind, Reminder, SupervisionOrder, TicketEvent, Whistle
from quanyu.tickets.sweep import sweep_deadlines
from tests.factories import make_city, make_personas
from tests.tickets.factories import make_catalog, new_ticket, whistled

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.django_db
def test_whistle_reminder_then_supervision_each_once(city, cat, django_capture_on_commit_callbacks):
    _t, lead, assist = whistled(city, cat)
    handler = city.users["housing_handler"]
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_deadlines(now=lead.response_due - dt.timedelta(minutes=30))
        again = sweep_deadlines(now=lead.response_due - dt.timedelta(minutes=20))
    # Both whistles (lead and assisting) are within their response reminder window.
    assert first.reminders == 2 and again.reminders == 0
    assert Reminder.objects.filter(whistle=lead, kind=Reminder.Kind.WHISTLE_RESPONSE).count() == 1
    assert Notification.objects.filter(recipient=handler, kind="deadline_reminder").count() == 1

    services.whistle_respond(actor=handler, whistle=lead)  # lead responds in time; assist does not
    late = assist.response_due + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        orders = sweep_deadlines(now=late)
        orders_again = sweep_deadlines(now=late + dt.timedelta(minutes=5))
    assert orders.supervisions == 1 and orders_again.supervisions == 0
    order = SupervisionOrder.objects.get()
    assert order.whistle_id == assist.pk and order.department_id == cat["cg"].pk
    assert order.kind == SupervisionOrder.Kind.WHISTLE_RESPONSE
    assert TicketEvent.objects.filter(kind=EventKind.SUPERVISED, payload__order=order.pk).count() == 1
    assert (
        Notification.objects.filter(
            recipient=city.users["department_handler"], kind="supervision_order"
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_ticket_completion_overdue_and_reopen_gets_a_new_key(city, cat):
    t = services.ticket_accept(actor=city.users["grid_worker"], ticket=new_ticket(city))
    past = t.completion_due + dt.timedelta(hours=1)
    assert sweep_deadlines(now=past).supervisions == 1
    assert sweep_deadlines(now=past).supervisions == 0
    t = services.ticket_resolve(actor=city.users["grid_worker"], ticket=t, explanation="ok")
    assert SupervisionOrder.objects.get().status == "closed"
    assert sweep_deadlines(now=past + dt.timedelta(days=30)).supervisions == 0  # resolved: nothing due
    t = services.ticket_reopen(actor=city.users["community_x"], ticket=t, reason="复发")
    assert sweep_deadlines(now=t.completion_due + dt.timedelta(minutes=1)).supervisions == 1
    assert SupervisionOrder.objects.count() == 2


@pytest.mark.django_db
def test_sweep_command(city, cat):
    """The command also drains the notification outbox (cron in the embedded default)."""
    from django.core import mail

    handler = city.users["housing_handler"]
    handler.email = "housing@example.org"
    handler.save()
    _t, lead, _assist = whistled(city, cat)
    Whistle.objects.filter(pk=lead.pk).update(response_due=lead.whistled_at)  # already passed
    call_command("sweep")
    assert SupervisionOrder.objects.filter(whistle=lead).count() == 1
    supervised = [m for m in mail.outbox if m.to == ["housing@example.org"] and "督办" in m.subject]
    assert len(supervised) == 1
    call_command("sweep")
    assert SupervisionOrder.objects.filter(whistle=lead).count() == 1
    assert [m for m in mail.outbox if "督办" in m.subject] == supervised


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_sends_reminders_exactly_once(settings, tmp_path):
    """…and delivers them from the outbox: the sweep's commit enqueues a drain on the worker,
    which sends the reminder's e-mail once."""
    if not _redis_up():
        if os.environ.get("QUANYU_REQUIRE_E2E"):
            pytest.fail("Redis on 127.0.0.1:6379 is required (QUANYU_REQUIRE_E2E is set)")
        pytest.skip("Redis on 127.0.0.1:6379 is not reachable")
    from celery.contrib.testing.worker import start_worker
    from django.core import mail

    from quanyu.celery import app
    from quanyu.notify.models import OutboxMessage
    from quanyu.notify.tasks import drain_outbox_task
    from quanyu.tickets.tasks import sweep_deadlines_task

    settings.MEDIA_ROOT = tmp_path
    city = make_city()
    make_personas(city)
    handler = city.users["department_handler"]
    handler.email = "cg@example.org"
    handler.save()
    cat = make_catalog(city)
    # Calendar hours, one hour to respond: the reminder window (2 h) is open from the start.
    quick = Category.objects.create(
        code="0999",
        name="路灯不亮",
        parent=cat["env"],
        first_tier=Tier.STREET,
        response_hours=1,
        working_days=False,
    )
    ticket = services.ticket_accept(
        actor=city.users["street_staff"], ticket=new_ticket(city, text="路灯不亮", category=quick)
    )
    services.ticket_whistle(
        actor=city.users["street_staff"], ticket=ticket, departments=[cat["cg"]], lead=cat["cg"]
    )

    # Results stay in the configured in-process memory cache, which every thread of this process
    # shares: a backend is made once per thread and kept, so switching result_backend here would
    # leave this thread waiting on whichever backend an earlier test made it build.
    app.backend  # noqa: B018 - the worst case: this thread's backend exists before the switch
    saved = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    queue = f"quanyu-test-{uuid.uuid4().hex[:8]}"
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
            first = sweep_deadlines_task.delay().get(timeout=60)
            second = sweep_deadlines_task.delay().get(timeout=60)
            # The worker takes its queue in order: the drain enqueued by the first sweep's commit
            # has run before this one, which finds nothing left.
            third = drain_outbox_task.delay().get(timeout=60)
    finally:
        app.conf.update(saved)
        app.pool.force_close_all()
    assert first["reminders"] == 1 and second["reminders"] == 0
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(recipient=handler, kind="deadline_reminder").count() == 1
    reminder = OutboxMessage.objects.get(kind="deadline_reminder")
    assert (reminder.status, reminder.attempts, reminder.reached["email"]) == ("sent", 1, 1)
    assert third == {"sent": 0, "retried": 0, "failed": 0}
    assert [m.to for m in mail.outbox if m.subject == reminder.title] == [["cg@example.org"]]


def test_claimed_deadlines_do_not_starve_newer_ones(city, monkeypatch):
    """Review finding: the oldest BATCH rows were selected before already-claimed ones were
    dropped, so once BATCH overdue items were supervised, newer overdue work never was."""
    from quanyu.tickets import sweep as sweep_module
    from quanyu.tickets.models import SupervisionOrder, Ticket
    from tests.tickets.factories import new_ticket

    monkeypatch.setattr(sweep_module, "BATCH", 2)
    tickets = [new_ticket(city, text=f"路灯不亮第{i}处") for i in range(5)]
    base = max(t.response_due for t in tickets)
    for i, t in enumerate(tickets):  # distinct, ascending deadlines, all passed at ``late``
        Ticket.objects.filter(pk=t.pk).update(response_due=base + dt.timedelta(minutes=i))
    late = base + dt.timedelta(hours=2)
    for _ in range(3):
        sweep_deadlines(now=late)
    supervised = set(
        SupervisionOrder.objects.filter(kind=SupervisionOrder.Kind.TICKET_RESPONSE).values_list(
            "ticket_id", flat=True
        )
    )
    assert supervised == {t.pk for t in tickets}
    sweep_deadlines(now=late)  # and nothing twice
    assert SupervisionOrder.objects.filter(kind=SupervisionOrder.Kind.TICKET_RESPONSE).count() == 5
