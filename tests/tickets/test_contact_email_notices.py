"""A ticket's contact e-mail address hears what the requester hears — the one-time notice of
missing materials and the resolution — but never the single-use rating link, which goes by SMS to
the contact number only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from quanyu.notify.channels import sms
from quanyu.notify.models import OutboxMessage
from quanyu.notify.outbox import notify_drain
from quanyu.tickets import services
from quanyu.tickets.conf import rating_url
from quanyu.tickets.models import Channel, EventKind, TicketEvent
from tests.tickets.factories import new_ticket

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
EMAIL = "zhangsan@example.org"


@pytest.fixture
def texts(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the per-number SMS cap counts in the cache
    yield sms.outbox
    sms.outbox.clear()


def resolve(city, ticket, django_capture_on_commit_callbacks):
    worker = city.users["grid_worker"]
    ticket = services.ticket_accept(actor=worker, ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_resolve(actor=worker, ticket=ticket, explanation="已劝离摊贩")
    notify_drain()


def test_resolution_mails_the_contact_address_without_the_rating_link(
    city, cat, texts, django_capture_on_commit_callbacks
):
    ticket = new_ticket(city, contact_phone=PHONE, contact_email=EMAIL)
    resolve(city, ticket, django_capture_on_commit_callbacks)

    [link_sms] = [t for t in texts if t.phone == PHONE]
    token = link_sms.text.split()[-1].strip("/").rsplit("/", 1)[-1]
    assert link_sms.text.endswith(rating_url(token)) and len(token) > 20

    [to_contact] = [m for m in mail.outbox if m.to == [EMAIL]]
    # The notice names the request (number and the start of its text).
    assert to_contact.subject == f"您的诉求 #{ticket.pk} 已办结，请评价：{ticket.text[:40]}"
    # How to rate: by the SMS link or on the request's page; the link itself is not in it.
    assert "短信中的评价链接" in to_contact.body and "登录后在诉求页面评价" in to_contact.body
    assert f"/tickets/{ticket.pk}/" in to_contact.body
    for message in mail.outbox:
        assert token not in message.body and "/rate/" not in message.body
        assert token.split(".", 1)[1] not in message.subject + message.body
    # Every row is final, and none keeps an address, a number or a link.
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert all((r.link, r.phones, r.emails) == ("", "", "") for r in OutboxMessage.objects.all())


def test_resolution_without_a_contact_number_mails_how_to_rate_on_the_page(
    city, cat, texts, django_capture_on_commit_callbacks
):
    """A hotline record: no account, an address and no number. No link is sent anywhere."""
    ticket = services.ticket_create(
        actor=city.users["grid_worker"],
        text="路边有人摆摊",
        channel=Channel.PATROL,
        area=city.grids[0],
        contact_email=EMAIL,
    )
    resolve(city, ticket, django_capture_on_commit_callbacks)
    [to_contact] = [m for m in mail.outbox if m.to == [EMAIL]]
    assert "诉求页面" in to_contact.body and "短信" not in to_contact.body
    assert texts == [] and not any("/rate/" in m.body for m in mail.outbox)


def test_resolution_without_contact_email_mails_nobody(city, cat, texts, django_capture_on_commit_callbacks):
    resolve(city, new_ticket(city, contact_phone=PHONE), django_capture_on_commit_callbacks)
    assert mail.outbox == []  # neither the resident nor the staff have an address
    assert [t.phone for t in texts] == [PHONE]
    # The link SMS's row names only SMS: no e-mail channel reaches anyone there.
    assert list(OutboxMessage.objects.values_list("channels", "reached")) == [([], {"sms": 1})]


def test_the_one_time_notice_is_mailed_to_the_contact_address(city, cat, texts):
    ticket = services.ticket_create(
        actor=city.users["community_x"],
        text="【装修备案】厨房改造",
        channel=Channel.WINDOW,
        area=city.communities[0],
        category=cat["permit"],
        contact_name="张三",
        contact_phone=PHONE,
        contact_email=EMAIL,
        materials=["身份证"],
        notice_missing=True,
    )
    notice = TicketEvent.objects.get(ticket=ticket, kind=EventKind.WINDOW_NOTICE)
    assert notice.payload["notified"] == ["sms", "email"]
    row = OutboxMessage.objects.get(kind="ticket_window_notice")
    assert row.channels == ["email", "sms"] and row.email_list == [EMAIL]
    assert notify_drain().sent == 1
    [message] = mail.outbox
    assert message.to == [EMAIL] and "房产证" in message.subject and "房产证" in message.body
    assert [t.phone for t in texts] == [PHONE]
    row.refresh_from_db()
    assert (row.status, row.emails, row.phones) == ("sent", "", "")


def test_the_notice_without_contact_email_names_no_email(city, cat, texts):
    ticket = services.ticket_create(
        actor=city.users["community_x"],
        text="【装修备案】厨房改造",
        channel=Channel.WINDOW,
        area=city.communities[0],
        category=cat["permit"],
        contact_phone=PHONE,
        materials=["身份证"],
        notice_missing=True,
    )
    notice = TicketEvent.objects.get(ticket=ticket, kind=EventKind.WINDOW_NOTICE)
    assert notice.payload["notified"] == ["sms"]
    assert OutboxMessage.objects.get(kind="ticket_window_notice").channels == ["sms"]
