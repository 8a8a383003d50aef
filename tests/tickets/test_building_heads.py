"""Building heads (楼长): their grant sits at a building, below the grid a ticket is located to.
They report problems of their building (patrol), see the tickets of their building and those they
registered, and leave the handling to the grid worker. A neighbour's building is out of scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from quanyu.areas.models import AreaKind
from quanyu.core.roles import Role
from quanyu.notify.models import Notification
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from tests.factories import add_area, make_user
from tests.tickets.factories import GRID_111, GRID_211

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(city):
    """Building A (the head's) and its neighbour B in grid 1-1-1, and the heads of both."""
    grid = city.grids[0]
    a = city.buildings[0]
    b = add_area(grid, AreaKind.BUILDING, f"{grid.name}-2号楼", lon=GRID_111[0], lat=GRID_111[1])
    head = make_user("louzhang_a", Role.BUILDING_HEAD, a)
    neighbour = make_user("louzhang_b", Role.BUILDING_HEAD, b)
    return {"a": a, "b": b, "head": head, "neighbour": neighbour, "grid": grid}


def patrol(actor, *, text="楼道堆放杂物堵塞消防通道", point=GRID_111, **kw):
    kw.setdefault("channel", Channel.PATROL)
    if point is not None:
        kw.setdefault("lon", point[0])
        kw.setdefault("lat", point[1])
    return services.ticket_create(actor=actor, text=text, **kw)


def visible(actor) -> set[int]:
    return set(selectors.ticket_list_for(actor=actor).values_list("pk", flat=True))


def test_head_reports_on_patrol_and_the_ticket_records_their_building(city, block, cat):
    ticket = patrol(block["head"])
    assert ticket.building == block["a"] and ticket.building_path == block["a"].path
    # Located to the grid as always: the grid worker's scope and inbox are unchanged.
    assert ticket.grid == block["grid"] and ticket.area_path == block["grid"].path
    assert ticket.tier == "grid" and ticket.handling_area == block["grid"]
    assert ticket.created_by == block["head"] and ticket.requester is None
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.kind == EventKind.CREATED and event.payload["building"] == block["a"].pk
    # Handed over: the grid worker hears of it.
    assert Notification.objects.filter(recipient=city.users["grid_worker"], kind="ticket_created").exists()


def test_head_names_the_building_instead_of_a_point(city, block, cat):
    ticket = patrol(block["head"], point=None, building=block["a"])
    assert ticket.lon is None and ticket.building == block["a"]
    assert (ticket.grid, ticket.community, ticket.street) == (
        block["grid"],
        city.communities[0],
        city.streets[0],
    )
    assert ticket.area_path == block["grid"].path


@pytest.mark.parametrize(
    "how",
    [
        {"point": None, "building": "b"},  # the neighbour's building
        {"building": "b"},  # a point in the grid, the neighbour's building named
        {"point": GRID_211},  # a point in another grid: not their building
    ],
)
def test_head_cannot_report_for_another_building(city, block, cat, how):
    kwargs = dict(how)
    if kwargs.get("building"):
        kwargs["building"] = block[kwargs["building"]]
    with pytest.raises(PermissionDenied):
        patrol(block["head"], **kwargs)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_building_outside_the_located_grid_is_a_named_error(city, block, cat):
    with pytest.raises(ValidationError) as err:
        patrol(city.users["grid_worker"], point=GRID_211, building=block["a"])
    assert "building" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        patrol(city.users["grid_worker"], point=None, building=city.grids[0])
    assert "building" in err.value.message_dict
    assert not Ticket.objects.exists()


def test_grid_worker_may_name_a_building_of_the_grid(city, block, cat):
    ticket = patrol(city.users["grid_worker"], building=block["b"])
    assert ticket.building == block["b"]
    # A grid worker naming none records none (only building heads default to theirs).
    assert patrol(city.users["grid_worker"]).building is None


def test_head_sees_own_building_not_the_neighbours(city, block, cat):
    own = patrol(city.users["grid_worker"], text="1号楼电梯异响", building=block["a"])
    theirs = patrol(block["neighbour"], text="2号楼外墙脱落")
    grid_only = patrol(city.users["grid_worker"], text="路口井盖松动")
    resident = services.ticket_create(
        actor=city.users["resident"], text="楼下噪音", channel=Channel.WEB, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert visible(block["head"]) == {own.pk}
    assert visible(block["neighbour"]) == {theirs.pk}
    assert selectors.ticket_get_for(actor=block["head"], ticket_id=own.pk).pk == own.pk
    for other in (theirs, grid_only, resident):
        with pytest.raises(Http404):
            selectors.ticket_get_for(actor=block["head"], ticket_id=other.pk)
    # The grid worker and the community see all of them, as before.
    assert {own.pk, theirs.pk, grid_only.pk, resident.pk} <= visible(city.users["grid_worker"])
    assert {own.pk, theirs.pk, grid_only.pk, resident.pk} <= visible(city.users["community_x"])


def test_a_head_granted_above_a_building_sees_buildings_not_the_whole_area(city, block, cat):
    """A building-head grant at a community opens the tickets of its buildings and the head's own
    records, never every ticket located in the community."""
    wide = make_user("louzhang_wide", Role.BUILDING_HEAD, city.communities[0])
    in_building = patrol(city.users["grid_worker"], building=block["b"])
    no_building = patrol(city.users["grid_worker"], text="路面塌陷")
    own_record = patrol(wide, text="小区门口积水")  # permitted at the grid, names no building
    assert own_record.building is None
    assert visible(wide) == {in_building.pk, own_record.pk}
    assert no_building.pk not in visible(wide)
    mine = selectors.ticket_list_for(actor=wide, filters={"mine": True})
    assert list(mine.values_list("pk", flat=True)) == [own_record.pk]


def test_handling_stays_with_the_grid_worker(city, block, cat):
    ticket = patrol(block["head"])
    before = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    with pytest.raises(PermissionDenied):
        services.ticket_accept(actor=block["head"], ticket=ticket)
    with pytest.raises(PermissionDenied):
        services.ticket_escalate(actor=block["head"], ticket=ticket, reason="处理不了")
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == before
    accepted = services.ticket_accept(actor=city.users["grid_worker"], ticket=ticket)
    assert accepted.status == "in_progress"
    # The head follows it: the timeline is theirs to read.
    seen = selectors.ticket_get_for(actor=block["head"], ticket_id=ticket.pk)
    kinds = list(selectors.ticket_timeline(ticket=seen).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ACCEPTED]


def test_heads_see_no_department_inbox_or_board(city, block, cat):
    patrol(block["head"])
    assert not selectors.whistle_list_for(actor=block["head"]).exists()
    board = selectors.supervision_board_for(actor=block["head"])
    assert sum(r.open for r in board.by_street) == 1  # their own ticket only
    assert board.by_department == []


def test_building_choices_are_the_users_buildings(city, block):
    assert list(selectors.ticket_building_choices(actor=block["head"])) == [block["a"]]
    grid_buildings = set(selectors.ticket_building_choices(actor=city.users["grid_worker"]))
    assert grid_buildings == {block["a"], block["b"]}
    assert not selectors.ticket_building_choices(actor=city.users["community_x"]).exists()
