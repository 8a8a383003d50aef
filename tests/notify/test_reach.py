"""Outbox rows only for channels that reach someone; extra e-mail addresses; what a final row
keeps (no numbers, no addresses, no link)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from quanyu.notify.channels import Message, register, sms
from quanyu.notify.models import Notification, OutboxMessage, OutboxStatus
from quanyu.notify.outbox import notify_drain, retry_delay
from quanyu.notify.services import notify_send

pytestmark = pytest.mark.django_db

PHONE = "13900139000"
SECRET_LINK = "/rate/7.s3cr3t-t0ken-abcdefghijklmnop/"


@pytest.fixture
def texts(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the per-number SMS cap counts in the cache
    yield sms.outbox
    sms.outbox.clear()


def raw(row: OutboxMessage, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {OutboxMessage._meta.db_table} WHERE id = %s", [row.pk])
        return str(cursor.fetchone()[0])


def test_staff_without_address_or_number_get_in_app_only_and_no_row(city):
    u = city.users
    queued = notify_send(recipients=[u["street_staff"], u["grid_worker"]], kind="k", title="新诉求")
    assert queued.reached == {"inapp": 2} and queued.outbox is None
    assert Notification.objects.filter(title="新诉求").count() == 2
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("email", "phone", "extra", "channels"),
    [
        ("s@example.org", "", {}, ["email"]),
        ("", "13800138000", {}, ["sms"]),
        ("s@example.org", "13800138000", {}, ["email", "sms"]),
        ("", "", {"phones": [PHONE]}, ["sms"]),
        ("", "", {"emails": ["a@example.org"]}, ["email"]),
    ],
)
def test_the_row_names_only_the_channels_that_reach_someone(city, email, phone, extra, channels):
    user = city.users["street_staff"]
    user.email, user.phone = email, phone
    user.save()
    queued = notify_send(recipients=[user, city.users["grid_worker"]], kind="k", title="t", **extra)
    assert queued.outbox is not None and OutboxMessage.objects.get().channels == channels


def test_nobody_reached_by_any_later_channel_writes_nothing_to_the_outbox(city):
    # No users, and extra values that are blank or not addresses at all.
    queued = notify_send(recipients=[], kind="k", title="t", phones=[" "], emails=["", "不是邮箱", "a@"])
    assert queued.outbox is None and queued.reached == {"inapp": 0}
    assert not OutboxMessage.objects.exists()


def test_plugin_channels_without_reaches_get_a_row_and_their_own_reaches_is_asked(city, settings):
    delivered: list[str] = []

    class Plain:
        name = "plain-test"

        def deliver(self, message: Message) -> int:
            delivered.append(message.title)
            return len(message.recipients)

    class Picky:
        name = "picky-test"

        def reaches(self, message: Message) -> bool:
            return message.kind == "urgent"

        def deliver(self, message: Message) -> int:
            delivered.append(f"picky:{message.title}")
            return 1

    register(Plain())
    register(Picky())
    settings.QUANYU_NOTIFY_CHANNELS = ["inapp", "plain-test", "picky-test"]
    resident = city.users["resident"]
    assert notify_send(recipients=[resident], kind="plain", title="一").outbox.channels == ["plain-test"]
    urgent = notify_send(recipients=[resident], kind="urgent", title="二").outbox
    assert urgent.channels == ["plain-test", "picky-test"]
    assert notify_send(recipients=[], kind="urgent", title="三").outbox.channels == ["picky-test"]
    assert notify_drain().sent == 3
    assert sorted(delivered) == sorted(["一", "二", "picky:二", "picky:三"])


def test_extra_addresses_are_encrypted_sent_once_and_cleared(city):
    user = city.users["resident"]
    user.email = "Resident@Example.org"
    user.save()
    queued = notify_send(
        recipients=[user],
        kind="k",
        title="办结通知",
        body="您的诉求已办结",
        link="/tickets/9/",
        # The account's own address again (other case), a new one twice, a blank, a malformed one.
        emails=["resident@example.org", " contact@example.org ", "contact@example.org", "", "bad@"],
    )
    row = queued.outbox
    assert row is not None and row.channels == ["email"]
    # Repeats and malformed ones are dropped when recording; the accounts' addresses are looked up
    # at delivery, and an address is sent to once whoever named it.
    assert row.email_list == ["resident@example.org", "contact@example.org"]
    stored = raw(row, "emails")
    assert stored.startswith("enc1:") and "contact@example.org" not in stored

    assert notify_drain().as_dict() == {"sent": 1, "retried": 0, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["Resident@Example.org", "contact@example.org"]
    assert all(m.subject == "办结通知" and "/tickets/9/" in m.body for m in mail.outbox)
    row.refresh_from_db()
    assert (row.status, row.reached) == (OutboxStatus.SENT, {"email": 2})
    assert (row.emails, raw(row, "emails")) == ("", "")


def test_a_sent_row_keeps_no_link_numbers_or_addresses(city, texts):
    row = notify_send(
        recipients=[], kind="k", title="请评价", link=SECRET_LINK, phones=[PHONE], emails=["c@example.org"]
    ).outbox
    assert row is not None and row.channels == ["email", "sms"]
    assert raw(row, "link").startswith("enc1:") and row.link == SECRET_LINK
    assert notify_drain().sent == 1
    assert [(t.phone, t.text) for t in texts] == [(PHONE, f"请评价 {SECRET_LINK}")]
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert (row.link, row.phones, row.emails) == ("", "", "")
    assert (raw(row, "link"), raw(row, "phones"), raw(row, "emails")) == ("", "", "")


def test_a_failed_row_keeps_no_link_numbers_or_addresses(city, settings):
    class Down:
        name = "down-test"

        def deliver(self, message: Message) -> int:
            raise ConnectionError("gateway down")

    register(Down())
    settings.QUANYU_NOTIFY_CHANNELS = ["inapp", "down-test"]
    settings.QUANYU_NOTIFY_MAX_ATTEMPTS = 2
    row = notify_send(
        recipients=[], kind="k", title="请评价", link=SECRET_LINK, phones=[PHONE], emails=["c@example.org"]
    ).outbox
    assert row is not None
    t0 = timezone.now()
    assert notify_drain(now=t0).retried == 1
    row.refresh_from_db()  # still pending: everything kept for the retry
    assert (row.link, row.phone_list, row.email_list) == (SECRET_LINK, [PHONE], ["c@example.org"])
    assert notify_drain(now=t0 + retry_delay(1) + dt.timedelta(seconds=1)).failed == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.errors == {"down-test": "ConnectionError: gateway down"}
    assert (raw(row, "link"), raw(row, "phones"), raw(row, "emails")) == ("", "", "")


def test_the_sms_cap_is_counted_at_delivery_not_when_recording(city, texts, settings):
    """Recording asks only whether a number exists: rows for a capped number are still written and
    the cap holds when they are delivered."""
    settings.QUANYU_SMS_PER_PHONE = "2/1d"
    rows = [notify_send(recipients=[], kind="k", title=f"第{i}条", phones=[PHONE]).outbox for i in range(3)]
    assert all(r is not None and r.channels == ["sms"] for r in rows)
    assert texts == []  # nothing counted or sent yet
    assert notify_drain().sent == 3
    assert [t.text for t in texts] == ["第0条", "第1条"]
    assert [r.reached for r in OutboxMessage.objects.order_by("id")] == [{"sms": 1}, {"sms": 1}, {"sms": 0}]
