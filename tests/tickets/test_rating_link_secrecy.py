"""The rating link works without an account, so it is a secret: only its keyed hash is stored, the
requester's account is pointed at the request's own page (in-app and e-mail), and the link itself
goes only by SMS to the contact number; the log backend never writes it. It works once."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from quanyu.notify.channels import sms
from quanyu.notify.models import Notification
from quanyu.notify.outbox import notify_drain
from quanyu.tickets import services
from quanyu.tickets.conf import rating_url
from quanyu.tickets.models import Rating, TicketEvent
from quanyu.tickets.services._base import token_hash
from tests.tickets.factories import new_ticket

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


class LoggedOutbox(sms.LogSmsBackend):
    """The log backend, keeping what it was asked to send in ``sms.outbox`` as well."""

    def send(self, phone: str, text: str) -> bool:
        sms.outbox.append(sms.SentSms(phone=phone, text=text))
        return super().send(phone, text)


@pytest.fixture
def outbox(settings):
    settings.QUANYU_SMS_BACKEND = f"{__name__}.LoggedOutbox"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def every_log(caplog):
    """All log records at every level, whatever an earlier test in this process did to logging (a
    Celery worker started in-process reconfigures it and disables the loggers it found)."""
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    disabled = [lg for lg in loggers if lg.disabled]
    for lg in disabled:
        lg.disabled = False
    with caplog.at_level(logging.DEBUG):
        yield caplog
    for lg in disabled:
        lg.disabled = True


def resolved(city, django_capture_on_commit_callbacks, **kw):
    u = city.users
    ticket = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city, **kw))
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_resolve(actor=u["grid_worker"], ticket=ticket, explanation="已劝离摊贩")
    notify_drain()
    ticket.refresh_from_db()
    return ticket


def test_the_link_goes_by_sms_only_and_is_stored_nowhere(
    city, cat, outbox, every_log, django_capture_on_commit_callbacks
):
    resident = city.users["resident"]
    resident.email = "resident@example.org"
    resident.save()
    ticket = resolved(city, django_capture_on_commit_callbacks, contact_phone=PHONE)
    [sent] = [m for m in outbox if m.phone == PHONE]
    link = sent.text.split()[-1]
    token = link.strip("/").rsplit("/", 1)[-1]
    assert link == rating_url(token) and len(token) > 20

    # The ticket keeps the keyed hash only.
    assert ticket.rating_token_hash == token_hash(token) and token not in ticket.rating_token_hash
    # The account's message leads to the request's page, in-app and by e-mail.
    note = Notification.objects.get(recipient=resident, kind="ticket_rate_request")
    assert note.link == f"/tickets/{ticket.pk}/"
    for row in Notification.objects.all():
        assert token not in f"{row.title} {row.body} {row.link}"
    assert mail.outbox and all(token not in m.body and "/rate/" not in m.body for m in mail.outbox)
    assert any(note.link in m.body for m in mail.outbox)
    for payload in TicketEvent.objects.filter(ticket=ticket).values_list("payload", flat=True):
        assert token not in str(payload)
    for entry in AuditEntry.objects.all():
        assert token not in f"{entry.detail} {entry.reason} {entry.target_repr}"
    logged = [r.getMessage() for r in every_log.records]
    assert any(m.startswith("SMS to 138****5678") for m in logged)
    assert not any(token in m or token.split(".", 1)[1] in m for m in logged)

    # The requester's page offers the rating to the signed-in requester.
    page = Client()
    page.force_login(User.objects.get(pk=resident.pk))
    assert 'data-action="rate"' in page.get(note.link).content.decode()

    # The link works once; a second use is a clear 400 and writes nothing.
    first = Client().post(link, {"level": "satisfied", "comment": "及时"})
    assert first.status_code == 200 and "感谢您的评价" in first.content.decode()
    again = Client().post(link, {"level": "dissatisfied", "comment": "再评一次"})
    assert again.status_code == 400 and "该评价链接已使用" in again.content.decode()
    assert "该评价链接已使用" in Client().get(link).content.decode()
    assert Rating.objects.filter(ticket=ticket).count() == 1


def test_without_a_contact_number_no_link_is_sent_at_all(
    city, cat, outbox, django_capture_on_commit_callbacks
):
    ticket = resolved(city, django_capture_on_commit_callbacks)
    assert not [m for m in outbox if "/rate/" in m.text]
    note = Notification.objects.get(recipient=city.users["resident"], kind="ticket_rate_request")
    assert note.link == f"/tickets/{ticket.pk}/"
    # The requester rates signed in.
    services.ticket_rate(actor=city.users["resident"], ticket=ticket, level="satisfied")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
