"""The list shape of a ticket is written out by hand (``ticket_summary``) for speed; it must stay
exactly what the declared ``TicketSerializer`` fields give, for tickets in every kind of state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from quanyu.api.tickets.intake import ticket_summary
from quanyu.api.tickets.serializers import TicketDetailSerializer, TicketSerializer
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Channel, Ticket
from tests.tickets.factories import GRID_211, assist_finished, make_catalog, new_ticket, whistled

pytestmark = pytest.mark.django_db


def _variety(city):
    cat = make_catalog(city)
    u = city.users
    plain = new_ticket(city)
    with_contact = new_ticket(
        city,
        text="电梯停运三天了",
        point=GRID_211,
        category=cat["lift"],
        contact_name="张三",
        contact_phone="13812345678",
        contact_email="Zhang@Example.COM",
        address="幸福路 1 号",
    )
    gcj = services.ticket_create(
        actor=u["resident"], text="路灯不亮", lon=121.325, lat=37.525, crs="gcj02", channel=Channel.API
    )
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    assist_finished(city, assist)
    services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修好")
    original = new_ticket(city, text="路边摆摊")
    dup = new_ticket(city, text="路边又有摆摊")
    services.ticket_merge(actor=u["grid_worker"], ticket=dup, into=original)
    dated = services.ticket_create(
        actor=u["grid_worker"],
        text="夜间施工噪音扰民",
        lon=121.32,
        lat=37.52,
        channel=Channel.PATROL,
        received_at=timezone.now() - dt.timedelta(days=9),
    )
    return [plain.pk, with_contact.pk, gcj.pk, ticket.pk, original.pk, dup.pk, dated.pk]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_summary_equals_declared_fields(city, language):
    ids = _variety(city)
    # As the list reads them (annotated overdue flags), and as a bare row.
    annotated = selectors.ticket_queryset_for(actor=city.users["district_admin"])
    with translation.override(language):
        for pk in ids:
            for ticket in (annotated.get(pk=pk), Ticket.objects.get(pk=pk)):
                declared = TicketSerializer().declared_representation(ticket)
                assert ticket_summary(ticket) == dict(declared), pk
                assert TicketSerializer(ticket).data == dict(declared)


def test_many_and_detail_use_the_same_shape(city):
    ids = _variety(city)
    tickets = list(Ticket.objects.filter(pk__in=ids).order_by("pk"))
    listed = TicketSerializer(tickets, many=True).data
    assert [dict(x) for x in listed] == [TicketSerializer().declared_representation(t) for t in tickets]
    detail = TicketDetailSerializer(tickets[3]).data
    summary = ticket_summary(tickets[3])
    assert {k: detail[k] for k in summary} == summary
    assert "events" in detail and "whistles" in detail
