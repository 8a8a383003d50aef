"""A resident finds their spot on a phone (issue 13 point 4): the map opens on their own community
over the registry's base map (street and community outlines and names), finds a building by its
name, puts the pin there and says where it lies; and the request can go without a pin too."""

from __future__ import annotations

import pytest

from quanyu.tickets.models import Ticket
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resident_finds_a_building_by_name_on_a_phone(world, open_as, live_server):
    city, _cat = world
    page = open_as("resident", phone=True)
    page.goto(f"{live_server.url}/tickets/new/")
    mapbox = page.locator("#pick-map")
    page.locator("#pick-map.qy-map-ready").wait_for()
    assert mapbox.get_attribute("data-focused") == "own"
    page.locator("#pick-map[data-base]").wait_for(state="attached")
    assert int(mapbox.get_attribute("data-base")) == len(city.streets) + len(city.communities)
    assert page.locator(".qy-base-label-community span", has_text=city.communities[0].name).count() == 1

    page.fill("#place-q", "网格1-1-2-1号楼")
    page.click("#place-go")
    result = page.locator("#place-results button.qy-place").first
    result.wait_for()
    assert "街道1 · 社区1-1" in result.inner_text()
    result.click()
    building = city.buildings[1]
    page.locator("#pick-map[data-picked]").wait_for(state="attached")
    lon, lat = (float(v) for v in mapbox.get_attribute("data-picked").split(","))
    assert abs(lon - building.lon) < 1e-5 and abs(lat - building.lat) < 1e-5
    page.locator("#located", has_text="网格1-1-2").wait_for()
    page.locator("#pick-map[data-buildings]").wait_for(state="attached")
    assert int(mapbox.get_attribute("data-buildings")) >= 1
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "resident-map-390.png")

    page.fill("textarea[name=text]", "楼道灯坏了一周了")
    with page.expect_navigation():
        page.click("#submit-ticket")
    ticket = Ticket.objects.get()
    assert ticket.grid_id == city.grids[1].pk


def test_grid_worker_is_shown_a_similar_open_request_while_writing(world, open_as, live_server):
    """FixMyStreet's "already reported?" on the patrol form: as the grid worker types, the open
    request with nearly the same text shows under the text, linking to it; axe-clean on a phone."""
    city, _cat = world
    from tests.tickets.factories import new_ticket

    earlier = new_ticket(city, text="小区东门有人占道摆摊卖菜")
    page = open_as("grid_worker", phone=True)
    page.goto(f"{live_server.url}/tickets/patrol/")
    page.fill("textarea[name=text]", "小区东门有人占道摆摊卖菜，影响通行")
    hint = page.locator(f"#draft-similar [data-similar='{earlier.pk}']")
    hint.wait_for()
    assert "小区东门有人占道" in hint.inner_text()
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "patrol-similar-390.png")
