"""Building heads (楼长) through the pages: the grid work page shows their building's tickets and
their own records (not a neighbour's), quick entry records the building (with or without a point on
the map) and locates the ticket to its grid, other tickets are a 404, handling buttons are not
offered."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from quanyu.accounts.models import RoleGrant
from quanyu.areas.models import AreaKind
from quanyu.core.roles import Role
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, TicketEvent
from tests.factories import add_area, make_user
from tests.tickets.factories import GRID_111, GRID_211, make_catalog, new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cat(city):
    return make_catalog(city)


@pytest.fixture
def block(city):
    grid = city.grids[0]
    b = add_area(grid, AreaKind.BUILDING, f"{grid.name}-2号楼", lon=GRID_111[0], lat=GRID_111[1])
    head = make_user("louzhang_a", Role.BUILDING_HEAD, city.buildings[0])
    neighbour = make_user("louzhang_b", Role.BUILDING_HEAD, b)
    return {"a": city.buildings[0], "b": b, "head": head, "neighbour": neighbour}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> str:
    return response.content.decode()


def report(actor, building, text: str) -> Ticket:
    return services.ticket_create(actor=actor, text=text, channel=Channel.PATROL, building=building)


def test_grid_page_shows_own_building_not_the_neighbours(city, cat, block):
    own = report(city.users["grid_worker"], block["a"], "1号楼楼道灯不亮")
    theirs = report(block["neighbour"], block["b"], "2号楼外墙脱落")
    other = new_ticket(city, text="路口有人摆摊")
    head = client_for(block["head"])
    nav = {e.key for e in head.get("/").context["nav"]}
    assert "ticket_grid" in nav and "tickets" in nav
    page = body(head.get("/tickets/grid/"))
    assert "楼栋诉求" in page and "网格工作台" not in page
    assert f'data-ticket="{own.pk}"' in page and block["a"].name in page
    assert f'data-ticket="{theirs.pk}"' not in page and f'data-ticket="{other.pk}"' not in page
    listing = body(head.get("/tickets/"))
    assert f"#{own.pk}" in listing and f"#{theirs.pk}" not in listing
    # The grid worker's page is unchanged and shows both buildings' tickets.
    worker = body(client_for(city.users["grid_worker"]).get("/tickets/grid/"))
    assert "网格工作台" in worker
    assert f'data-ticket="{own.pk}"' in worker and f'data-ticket="{theirs.pk}"' in worker


def test_detail_is_scoped_and_offers_no_handling(city, cat, block):
    own = report(block["head"], block["a"], "楼道堆放杂物")
    theirs = report(block["neighbour"], block["b"], "2号楼水管漏水")
    head = client_for(block["head"])
    page = body(head.get(f"/tickets/{own.pk}/"))
    assert "楼道堆放杂物" in page and 'data-action="accept"' not in page
    assert 'data-action="escalate"' not in page
    assert head.get(f"/tickets/{theirs.pk}/").status_code == 404
    before = list(TicketEvent.objects.filter(ticket=own).values_list("kind", flat=True))
    assert head.post(f"/tickets/{own.pk}/act/accept/").status_code == 403
    assert head.post(f"/tickets/{theirs.pk}/act/accept/").status_code == 404
    assert list(TicketEvent.objects.filter(ticket=own).values_list("kind", flat=True)) == before
    worker_page = body(client_for(city.users["grid_worker"]).get(f"/tickets/{own.pk}/"))
    assert 'data-action="accept"' in worker_page


def test_quick_entry_offers_the_heads_building_preselected(city, cat, block):
    page = body(client_for(block["head"]).get("/tickets/patrol/"))
    assert 'name="building"' in page
    assert f'<option value="{block["a"].pk}" selected>' in page
    assert f'value="{block["b"].pk}"' not in page
    # A community's staff has no building list: the field is left out.
    assert 'name="building"' not in body(client_for(city.users["community_x"]).get("/tickets/patrol/"))


def test_quick_entry_by_building_without_a_point(city, cat, block):
    response = client_for(block["head"]).post(
        "/tickets/patrol/", {"text": "单元门禁损坏", "building": block["a"].pk}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.channel == Channel.PATROL and ticket.building == block["a"]
    assert ticket.grid == city.grids[0] and ticket.area_path == city.grids[0].path
    assert ticket.tier == "grid" and ticket.created_by == block["head"]


def test_quick_entry_with_a_point_records_the_heads_building(city, cat, block):
    response = client_for(block["head"]).post(
        "/tickets/patrol/", {"text": "楼顶漏水", "lon": GRID_111[0], "lat": GRID_111[1], "building": ""}
    )
    assert response.status_code == 302
    assert Ticket.objects.get().building == block["a"]


def test_quick_entry_refuses_other_buildings_and_places(city, cat, block):
    head = client_for(block["head"])
    response = head.post("/tickets/patrol/", {"text": "外墙脱落", "building": block["b"].pk})
    assert response.status_code == 400 and "请选择您负责的楼栋" in body(response)
    response = head.post("/tickets/patrol/", {"text": "外墙脱落", "lon": GRID_211[0], "lat": GRID_211[1]})
    assert response.status_code == 403 and "您没有执行此操作的权限" in body(response)
    response = head.post("/tickets/patrol/", {"text": "外墙脱落", "building": ""})
    assert response.status_code == 400 and "请在地图上点选问题位置" in body(response)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_grid_worker_may_pick_any_building_of_the_grid(city, cat, block):
    worker = client_for(city.users["grid_worker"])
    page = body(worker.get("/tickets/patrol/"))
    assert f'value="{block["a"].pk}"' in page and f'value="{block["b"].pk}"' in page
    select = page.split('name="building"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'value="\d+" selected', select) is None  # a grid worker picks, if at all
    response = worker.post("/tickets/patrol/", {"text": "2号楼外墙脱落", "building": block["b"].pk})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.building == block["b"]
    # The neighbour's head sees it; the first head does not.
    assert client_for(block["neighbour"]).get(f"/tickets/{ticket.pk}/").status_code == 200
    assert client_for(block["head"]).get(f"/tickets/{ticket.pk}/").status_code == 404


def test_grid_page_query_count_is_flat(city, cat, block, django_assert_max_num_queries):
    head = client_for(block["head"])
    report(block["head"], block["a"], "第一件")
    head.get("/tickets/grid/")
    with django_assert_max_num_queries(20) as few:
        assert head.get("/tickets/grid/").status_code == 200
    for i in range(5):
        report(block["head"], block["a"], f"第{i}件")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert head.get("/tickets/grid/").status_code == 200


def test_a_head_of_several_buildings_picks_one(city, cat, block):
    both = make_user("louzhang_ab", Role.BUILDING_HEAD, block["a"])
    RoleGrant.objects.create(user=both, role=Role.BUILDING_HEAD, area=block["b"])
    make_user("unrelated", Role.BUILDING_HEAD, city.buildings[2])
    page = body(client_for(both).get("/tickets/patrol/"))
    select = page.split('name="building"', 1)[1].split("</select>", 1)[0]
    assert f'value="{block["a"].pk}"' in select and f'value="{block["b"].pk}"' in select
    assert f'value="{city.buildings[2].pk}"' not in select
    assert re.search(r'value="\d+" selected', select) is None
