"""The registry pages in a real browser: the area map, the language switch, the phone menu and the
unit search. Set QUANYU_E2E_SHOTS to a folder to keep screenshots of the pages."""

from __future__ import annotations

import os
import re

import pytest

from tests.e2e.helpers import login, nav_link
from tests.factories import PASSWORD, make_city, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("QUANYU_E2E_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.fixture
def city_with_people():
    c = make_city()
    make_personas(c)
    return c


def test_area_map_draws_grids_and_opens_one(page, live_server, city_with_people):
    c = city_with_people
    login(page, live_server, "community_x", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    nav_link(page, "areas").click()
    page.wait_for_url(f"{live_server.url}/areas/{c.communities[0].pk}/")
    polygons = page.locator(".leaflet-overlay-pane path.qy-area")
    polygons.first.wait_for()
    assert polygons.count() == 2  # the two grids of 社区1-1
    assert page.locator("#area-map").get_attribute("data-features") == "2"
    assert page.locator(".qy-map-label").count() == 2
    page.locator("#area-map.qy-map-ready").wait_for()
    shot(page, "area.png")
    page.locator(".leaflet-overlay-pane path.qy-area").first.click()
    page.wait_for_url(re.compile(r"/areas/\d+/$"))
    assert page.locator("h1").inner_text() in {"网格1-1-1", "网格1-1-2"}
    page.locator(".leaflet-overlay-pane path.qy-point").first.wait_for()
    assert page.locator(".leaflet-overlay-pane path.qy-point").count() == 1  # the grid's building


def test_language_switch_to_english_and_back(page, live_server, city_with_people):
    c = city_with_people
    login(page, live_server, "community_x", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/areas/{c.communities[0].pk}/")
    page.click("form.qy-lang button[value=en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.url.endswith(f"/areas/{c.communities[0].pk}/")
    assert page.locator("th", has_text="Population").count() == 1
    assert page.locator("nav#qy-nav a[data-nav=areas]").text_content() == "Areas & grids"
    assert page.locator("button", has_text="Log out").count() == 1
    page.locator(".leaflet-overlay-pane path.qy-area").first.wait_for()
    shot(page, "area-en.png")
    page.click("form.qy-lang button[value=zh-hans]")
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.locator("nav#qy-nav a[data-nav=areas]").text_content() == "区域网格"


def test_phone_menu_opens_and_navigates(phone_page, live_server, city_with_people):
    page = phone_page
    login(page, live_server, "street_staff", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    orgs_link = page.locator("nav#qy-nav a[data-nav=orgs]")
    toggle = page.locator("button.qy-nav-toggle")
    assert toggle.is_visible()
    assert not orgs_link.is_visible()  # collapsed on a phone
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav_link(page, "orgs")
    orgs_link.wait_for(state="visible")
    shot(page, "phone-menu.png")
    orgs_link.click()
    page.wait_for_url(f"{live_server.url}/orgs/")
    assert page.locator("h1").inner_text() == "党组织体系"
    # No horizontal scrolling on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/areas/")
    page.locator(".leaflet-overlay-pane path.qy-area").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-area.png")


def test_org_tree_expands_with_htmx(page, live_server, city_with_people):
    login(page, live_server, "district_admin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/orgs/")
    assert page.locator(".qy-tree-name", has_text="街道1党工委").is_visible()
    assert page.locator(".qy-tree-name", has_text="社区1-1党委").count() == 0
    page.locator("summary", has_text="街道1党工委").click()
    page.locator(".qy-tree-name", has_text="社区1-1党委").wait_for()
    shot(page, "orgs.png")


def test_unit_search_as_you_type(page, live_server, city_with_people):
    login(page, live_server, "district_admin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/units/")
    assert page.locator("#unit-table tbody tr").count() == 5
    page.fill("#unit-q", "城管")
    page.wait_for_function("() => document.querySelectorAll('#unit-table tbody tr').length === 1")
    assert "q=" in page.url  # the search is in the address, so it can be shared and reloaded
    assert page.locator("#unit-table tbody").inner_text().startswith("区城管局")
    page.fill("#unit-q", "")
    page.select_option("#unit-kind", "resident_unit")
    page.wait_for_function("() => document.querySelectorAll('#unit-table tbody tr').length === 4")
    shot(page, "units.png")
