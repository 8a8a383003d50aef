from __future__ import annotations

import logging

import pytest
from django.core import mail

from quanyu.notify.channels import Message, get_channel, register
from quanyu.notify.models import Notification
from quanyu.notify.selectors import notification_list_for, notification_unread_count_for
from quanyu.notify.services import notification_mark_read, notify_send

pytestmark = pytest.mark.django_db


def test_send_over_every_channel(city, caplog, settings):
    u = city.users
    u["street_staff"].email = "street@example.org"
    u["street_staff"].phone = "13800138000"
    u["street_staff"].save()
    with caplog.at_level(logging.INFO, logger="quanyu.notify.sms"):
        reached = notify_send(
            recipients=[u["street_staff"], u["grid_worker"], u["street_staff"]],
            kind="test",
            title="新诉求待受理",
            body="正文",
            link="/tickets/1/",
            phones=["13900139000"],
        )
    assert reached == {"inapp": 2, "email": 1, "sms": 2}
    assert Notification.objects.filter(kind="test").count() == 2
    assert [m.to for m in mail.outbox] == [["street@example.org"]] and "/tickets/1/" in mail.outbox[0].body
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text


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
    assert notify_send(recipients=[city.users["resident"]], kind="k", title="t") == {
        "inapp": 1,
        "wecom-test": 1,
    }
    assert sent[0].title == "t"
    with pytest.raises(LookupError):
        get_channel("pigeon")


def test_a_failing_channel_does_not_stop_the_others(city, settings):
    class Broken:
        name = "broken-test"

        def deliver(self, message: Message) -> int:
            raise RuntimeError("gateway down")

    register(Broken())
    settings.QUANYU_NOTIFY_CHANNELS = ["broken-test", "inapp"]
    assert notify_send(recipients=[city.users["resident"]], kind="k", title="t") == {
        "broken-test": 0,
        "inapp": 1,
    }
