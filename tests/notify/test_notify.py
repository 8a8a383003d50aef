from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import connection

from quanyu.notify.channels import Message, get_channel, register
from quanyu.notify.models import Notification, OutboxMessage, OutboxStatus
from quanyu.notify.outbox import notify_drain
from quanyu.notify.selectors import notification_list_for, notification_unread_count_for
from quanyu.notify.services import notification_mark_read, notify_send

pytestmark = pytest.mark.django_db


def test_send_over_every_channel(city, caplog):
    u = city.users
    u["street_staff"].email = "street@example.org"
    u["street_staff"].phone = "13800138000"
    u["street_staff"].save()
    queued = notify_send(
        recipients=[u["street_staff"], u["grid_worker"], u["street_staff"]],
        kind="test",
        title="新诉求待受理",
        body="正文",
        link="/tickets/1/",
        phones=["13900139000"],
    )
    # In-app at once; e-mail and SMS wait in the outbox, nothing sent in the caller's thread.
    assert queued.reached == {"inapp": 2}
    assert Notification.objects.filter(kind="test").count() == 2
    assert mail.outbox == []
    row = OutboxMessage.objects.get()
    assert queued.outbox == row
    assert (row.status, row.channels, row.recipient_ids) == (
        "pending",
        ["email", "sms"],
        sorted([u["street_staff"].pk, u["grid_worker"].pk]),
    )
    with connection.cursor() as cursor:  # the extra number and the link are ciphertext at rest
        cursor.execute(f"SELECT phones, link FROM {OutboxMessage._meta.db_table} WHERE id = %s", [row.pk])
        phones, link = cursor.fetchone()
    assert "13900139000" not in phones and phones.startswith("enc1:") and link.startswith("enc1:")
    assert row.phone_list == ["13900139000"] and row.link == "/tickets/1/"

    with caplog.at_level(logging.INFO, logger="quanyu.notify.sms"):
        result = notify_drain()
    assert result.as_dict() == {"sent": 1, "retried": 0, "failed": 0}
    assert [m.to for m in mail.outbox] == [["street@example.org"]] and "/tickets/1/" in mail.outbox[0].body
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
    row.refresh_from_db()
    assert (row.status, row.channels, row.reached, row.attempts) == ("sent", [], {"email": 1, "sms": 2}, 1)
    assert row.phones == "" and row.sent_at is not None  # the numbers are not kept once sent
    assert notify_drain().sent == 0 and len(mail.outbox) == 1  # never twice


def test_nobody_to_reach_writes_no_outbox_row(city):
    assert notify_send(recipients=[], kind="k", title="t").outbox is None
    assert notify_send(recipients=[None], kind="k", title="t", phones=["", " "]).outbox is None
    assert not OutboxMessage.objects.exists()


def test_read_unread_is_per_user(city):
    u = city.users
    notify_send(recipients=[u["street_staff"], u["grid_worker"]], kind="k", title="t")
    theirs = Notification.objects.get(recipient=u["grid_worker"])
    assert notification_unread_count_for(actor=u["street_staff"]) == 1
    assert notification_mark_read(actor=u["street_staff"], notification_ids=[theirs.pk]) == 0
    assert notification_mark_read(actor=u["street_staff"]) == 1
    assert notification_unread_count_for(actor=u["street_staff"]) == 0
    assert notification_unread_count_for(actor=u["grid_worker"]) == 1
    assert list(notification_list_for(actor=None)) == []


def test_channels_are_plugins(city, settings):
    sent: list[Message] = []

    class Wecom:
        name = "wecom-test"

        def deliver(self, message: Message) -> int:
            sent.append(message)
            return len(message.recipients)

    register(Wecom())
    settings.QUANYU_NOTIFY_CHANNELS = ["inapp", "wecom-test"]
    queued = notify_send(recipients=[city.users["resident"]], kind="k", title="t")
    assert queued.reached == {"inapp": 1} and queued.outbox is not None
    assert sent == []  # a plug-in channel is delivered from the outbox
    assert notify_drain().sent == 1
    assert [m.title for m in sent] == ["t"] and [u.pk for u in sent[0].recipients] == [
        city.users["resident"].pk
    ]
    assert OutboxMessage.objects.get().reached == {"wecom-test": 1}
    with pytest.raises(LookupError):
        get_channel("pigeon")


def test_a_failing_channel_does_not_stop_the_others(city, settings):
    class Broken:
        name = "broken-test"

        def deliver(self, message: Message) -> int:
            raise RuntimeError("gateway down")

    register(Broken())
    settings.QUANYU_NOTIFY_CHANNELS = ["broken-test", "inapp", "email"]
    resident = city.users["resident"]
    resident.email = "resident@example.org"
    resident.save()
    assert notify_send(recipients=[resident], kind="k", title="t").reached == {"inapp": 1}
    assert notify_drain().as_dict() == {"sent": 0, "retried": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]
    row = OutboxMessage.objects.get()
    assert (row.status, row.channels) == (OutboxStatus.PENDING, ["broken-test"])
    assert row.errors == {"broken-test": "RuntimeError: gateway down"}
