"""The home page's to-do list (quanyu.web.todo): each role's lines, counts equal to the records
behind them (the linked page's selector for the same user), and the registry's rules."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.core.roles import Role
from quanyu.people.models import Report
from quanyu.tickets import selectors
from quanyu.tickets.states import TicketStatus, WhistleStatus
from quanyu.web.todo import TodoItem, TodoProvider, todos_for
from tests.tickets.factories import make_catalog, new_ticket, to_street, whistled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def home_of(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def count_in(html: str, key: str) -> int:
    match = re.search(rf'data-todo="{key}">.*?class="qy-todo-count">([\d,]+)<', html, re.S)
    assert match, f"no to-do line {key}"
    return int(match.group(1).replace(",", ""))


def test_department_home_counts_pending_whistles(city):
    cat = make_catalog(city)
    _ticket, _lead, assist = whistled(city, cat)
    handler = city.users["department_handler"]
    assert assist.department_id == handler.active_grants[0].unit_id
    html = home_of("department_handler")
    pending = selectors.whistle_list_for(actor=handler, status=[WhistleStatus.PENDING]).count()
    assert pending == 1
    assert count_in(html, "whistles_pending") == pending
    assert count_in(html, "whistles_responded") == 0
    assert 'href="/tickets/department/?tab=pending"' in html


def test_grid_community_and_street_lines_equal_their_queues(city):
    make_catalog(city)
    new_ticket(city)  # at the grid, new
    to_street(city, new_ticket(city, text="路灯不亮"))
    grid = count_in(home_of("grid_worker"), "grid_new")
    assert (
        grid
        == selectors.ticket_list_for(actor=city.users["grid_worker"])
        .filter(tier="grid", status=TicketStatus.NEW)
        .count()
    )
    assert grid == 1
    assert count_in(home_of("community_x"), "triage_new") == 0
    street = home_of("street_staff")
    assert count_in(street, "dispatch") == 1
    assert 'data-todo="overdue"' in street
    assert 'data-todo="grid_new"' not in street


def test_resident_sees_requests_waiting_for_a_rating(city):
    make_catalog(city)
    ticket = new_ticket(city)
    html = home_of("resident")
    assert count_in(html, "to_rate") == 0
    assert count_in(html, "my_open") == 1
    assert 'data-todo="submit"' in html
    assert ticket.requester_id == city.users["resident"].pk


def test_community_confirmations_count_reports_waiting(city):
    html = home_of("community_x")
    assert (
        count_in(html, "reports_submitted")
        == Report.objects.filter(status="submitted", community=city.communities[0]).count()
    )


def test_outsider_has_no_to_do_lines(city):
    assert "qy-todo" not in home_of("outsider")


def test_registry_gates_by_role_and_skips_unknown_pages(city):
    calls = []

    def items(user):
        calls.append(user)
        return [
            TodoItem(key="b", label="b", url_name="web:home", count=2, order=2),
            TodoItem(key="a", label="a", url_name="web:home", count=1, order=1),
            TodoItem(key="gone", label="gone", url_name="web:no_such_page", count=1),
        ]

    provider = TodoProvider(key="t", roles=frozenset({Role.GRID_WORKER}), items=items)
    assert todos_for(city.users["resident"], providers=[provider]) == []
    assert calls == []
    got = todos_for(city.users["grid_worker"], providers=[provider, provider])
    assert [i.key for i in got] == ["a", "b"]
    assert got[0].url == "/"
