"""Who sees which tickets, derived overdue flags, the supervision board, pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from quanyu.tickets import services
from quanyu.tickets.models import Ticket
from quanyu.tickets.selectors import (
    TicketFilters,
    supervision_board_for,
    ticket_get_for,
    ticket_list_for,
    ticket_timeline,
    whistle_list_for,
)
from tests.tickets.factories import GRID_211, new_ticket, whistled

pytestmark = pytest.mark.django_db


def ids(qs) -> set[int]:
    return {t.pk for t in qs}


def test_visibility_by_role_and_place(city, cat):
    u = city.users
    mine = new_ticket(city)  # grid 1-1-1, street 1, by the resident
    other = new_ticket(city, u["outsider"], point=GRID_211, channel="api")  # street 2
    t, lead, _assist = whistled(city, cat)  # street 1, whistled to 住建局 (lead) and 城管局
    everything = {mine.pk, other.pk, t.pk}
    assert ids(ticket_list_for(actor=u["district_admin"])) == everything
    assert ids(ticket_list_for(actor=u["street_staff"])) == {mine.pk, t.pk}
    assert ids(ticket_list_for(actor=u["community_x"])) == {mine.pk, t.pk}
    assert ids(ticket_list_for(actor=u["community_y"])) == {other.pk}  # 社区2-1 holds grid 2-1-1
    assert ids(ticket_list_for(actor=u["grid_worker"])) == {mine.pk, t.pk}
    assert ids(ticket_list_for(actor=u["resident"])) == {mine.pk, t.pk}  # both submitted by the resident
    assert ids(ticket_list_for(actor=u["outsider"])) == {other.pk}
    assert ids(ticket_list_for(actor=u["housing_handler"])) == {t.pk}
    assert ids(ticket_list_for(actor=u["department_handler"])) == {t.pk}
    assert ids(ticket_list_for(actor=None)) == set()
    with pytest.raises(Http404):
        ticket_get_for(actor=u["community_y"], ticket_id=mine.pk)
    with pytest.raises(Http404):
        ticket_get_for(actor=u["housing_handler"], ticket_id=mine.pk)
    with pytest.raises(Http404):
        ticket_get_for(actor=u["street_staff"], ticket_id="abc")
    got = ticket_get_for(actor=u["housing_handler"], ticket_id=t.pk)
    assert [w.department.name for w in got.whistles.all()] == ["区住建局", "区城管局"]
    assert {w.pk for w in whistle_list_for(actor=u["housing_handler"])} == {lead.pk}


def test_filters_and_derived_overdue(city, cat):
    u = city.users
    a = new_ticket(city)
    b = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city))
    t, lead, _assist = whistled(city, cat)
    admin = u["district_admin"]
    assert ids(ticket_list_for(actor=admin, filters={"status": "new"})) == {a.pk}
    assert ids(ticket_list_for(actor=admin, filters={"department": cat["housing"].pk})) == {t.pk}
    assert ids(ticket_list_for(actor=admin, filters={"category": cat["env"].pk})) == set()  # only suggested
    services.ticket_categorise(actor=u["grid_worker"], ticket=b, category=cat["stalls"])
    assert ids(ticket_list_for(actor=admin, filters={"category": cat["env"].pk})) == {b.pk}
    assert ids(ticket_list_for(actor=admin, filters={"area": city.communities[2].pk})) == set()
    assert ids(ticket_list_for(actor=admin, filters=TicketFilters(q="电梯"))) == {t.pk}
    now = dt.datetime.now(dt.UTC)
    assert ids(ticket_list_for(actor=admin, filters={"overdue": True}, now=now)) == set()
    later = Ticket.objects.get(pk=a.pk).response_due + dt.timedelta(seconds=1)
    late = ticket_list_for(actor=admin, filters={"overdue": "true"}, now=later)
    assert a.pk in ids(late)
    flagged = {x.pk: x.is_overdue for x in ticket_list_for(actor=admin, now=later)}
    assert flagged[a.pk] is True
    just_before = Ticket.objects.get(pk=a.pk).response_due - dt.timedelta(seconds=1)
    soon = {x.pk: (x.is_overdue, x.is_due_soon) for x in ticket_list_for(actor=admin, now=just_before)}
    assert soon[a.pk] == (False, True)
    overdue_whistles = whistle_list_for(
        actor=admin, overdue=True, now=lead.response_due + dt.timedelta(seconds=1)
    )
    assert lead.pk in {w.pk for w in overdue_whistles}


def test_list_query_count_is_flat(city, cat, django_assert_max_num_queries):
    for i in range(3):
        new_ticket(city, text=f"摆摊占道 {i}")
    admin = city.users["street_staff"]
    admin.active_grants  # noqa: B018  (grants are read once per request)
    with django_assert_max_num_queries(1):
        small = [
            (t.category, t.handling_area.name, t.grid.name, t.is_overdue)
            for t in ticket_list_for(actor=admin)
        ]
    for i in range(12):
        new_ticket(city, text=f"摆摊占道 {i}")
    with django_assert_max_num_queries(1):
        big = [
            (t.category, t.handling_area.name, t.grid.name, t.is_overdue)
            for t in ticket_list_for(actor=admin)
        ]
    assert len(big) == len(small) + 12


def test_timeline_and_board(city, cat, django_assert_max_num_queries):
    u = city.users
    t, lead, _assist = whistled(city, cat)
    new_ticket(city)
    with django_assert_max_num_queries(1):
        events = [
            (e.kind, e.actor_name, e.whistle and e.whistle.department.name) for e in ticket_timeline(ticket=t)
        ]
    assert [e[0] for e in events] == ["created", "accepted", "whistled"]
    late = lead.response_due + dt.timedelta(seconds=1)
    with django_assert_max_num_queries(3):
        board = supervision_board_for(actor=u["district_admin"], now=late)
    assert [(r.name, r.open) for r in board.by_street] == [("街道1", 2)]
    by_dept = {r.name: (r.open, r.overdue) for r in board.by_department}
    assert by_dept == {"区住建局": (1, 1), "区城管局": (1, 1)}
    assert supervision_board_for(actor=u["community_y"]).by_street == []  # nothing open in 社区2-1
