"""The ticket page of a one-window application waiting for materials (一次性告知 recorded): no
受理/分派 offered, "待补正材料" with the desk's notice and materials pages for desk roles; the
building a ticket was reported in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.tickets import services
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from tests.tickets.factories import GRID_111, make_catalog, new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def cat(city):
    return make_catalog(city)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page(username: str, ticket: Ticket):
    return client_for(username).get(reverse("web:ticket_detail", args=[ticket.pk]))


def waiting(city, cat) -> Ticket:
    return services.ticket_create(
        actor=city.users["community_x"],
        text="【装修备案】厨房改造",
        channel=Channel.WINDOW,
        area=city.communities[0],
        category=cat["permit"],
        contact_name="张三",
        contact_phone="13912345678",
        materials=["身份证"],
        notice_missing=True,
    )


def test_a_waiting_application_offers_neither_accept_nor_assign(city, cat):
    ticket = waiting(city, cat)
    response = page("community_x", ticket)
    assert response.status_code == 200
    html = response.content.decode()
    assert "待补正材料" in html and "尚缺：房产证" in html
    assert 'data-action="accept"' not in html and 'data-action="assign"' not in html
    # The desk's pages for this application, where the notice is printed and the materials taken.
    assert f'href="{reverse("web:ticket_window_notice", args=[ticket.pk])}"' in html
    assert f'href="{reverse("web:ticket_window_materials", args=[ticket.pk])}"' in html
    # Other steps of the tier stay offered (escalating, cancelling).
    assert 'data-action="escalate"' in html and 'data-action="cancel"' in html


def test_once_the_materials_are_complete_accept_is_offered_again(city, cat):
    ticket = waiting(city, cat)
    services.window_materials_receive(actor=city.users["community_x"], ticket=ticket, materials=["房产证"])
    html = page("community_x", ticket).content.decode()
    assert "待补正材料" not in html
    assert 'data-action="accept"' in html and 'data-action="assign"' in html
    assert reverse("web:ticket_window_materials", args=[ticket.pk]) not in html


def test_posting_accept_anyway_is_refused_and_changes_nothing(city, cat):
    ticket = waiting(city, cat)
    url = reverse("web:ticket_action", args=[ticket.pk, "accept"])
    response = client_for("community_x").post(url, {"note": ""})
    assert response.status_code == 409  # not allowed in this state: 409, as the API answers
    assert "补正材料后才能受理" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.assignee_id is None
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ACCEPTED).exists()


def test_the_requester_sees_the_wait_without_the_desk_links(city, cat):
    """A resident's own request for a one-window item, given a notice by the community: they see
    that materials are awaited, but the desk's pages are not theirs."""
    ticket = new_ticket(city, text="申请装修备案", category=cat["permit"])
    services.window_notice_record(actor=city.users["community_x"], ticket=ticket, missing=["房产证"])
    html = page("resident", ticket).content.decode()
    assert "待补正材料" in html and "尚缺：身份证、房产证" in html
    assert reverse("web:ticket_window_notice", args=[ticket.pk]) not in html
    assert reverse("web:ticket_window_materials", args=[ticket.pk]) not in html


def test_the_page_names_the_building(city, cat):
    building = city.buildings[0]  # in grid 1-1-1
    ticket = new_ticket(city, text="楼道灯不亮", building=building)
    assert Ticket.objects.get(pk=ticket.pk).building_id == building.pk
    html = page("grid_worker", ticket).content.decode()
    assert "data-building" in html and building.name in html
    other = new_ticket(city, text="路边有人摆摊", point=GRID_111)
    assert "data-building" not in page("grid_worker", other).content.decode()
