"""A leader drills from the district to a grid in the cockpit and opens the tickets behind a
figure; the big-screen view renders its charts (a screenshot whose chart areas are not blank)."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from quanyu.core.roles import Role
from tests.assessment.factories import DAY, community_ticket
from tests.factories import make_city, make_personas, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    city = make_city()
    make_personas(city)
    make_user("leader", Role.LEADER, city.district)
    now = timezone.now()
    tickets = [
        community_ticket(city, 0, at=now - DAY, text="楼道堆物需要清理", lon=121.32, lat=37.52),
        community_ticket(city, 0, at=now - DAY, resolved=DAY / 2, text="路灯不亮"),
        community_ticket(city, 2, at=now - DAY, text="另一条街道的诉求", lon=121.42, lat=37.52),
    ]
    return city, tickets


def test_leader_drills_from_district_to_grid_and_opens_the_tickets(watched, world, live_server):
    _city, tickets = world
    page = watched.open("leader")
    page.goto(f"{live_server.url}/cockpit/")
    assert "芝罘区" in page.locator("h1").inner_text()
    assert page.locator("#cockpit-kpis [data-figure=received] .qy-kpi-value").inner_text() == "3"
    for name in ("街道1", "社区1-1", "网格1-1-1"):
        page.locator("#cockpit-children").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(lambda url: "area=" in url)
        assert name in page.locator("h1").inner_text()
    assert page.locator("#cockpit-trail li").count() == 4  # district, street, community, grid
    received = page.locator("#cockpit-kpis [data-figure=received] a")
    assert received.inner_text() == "2"
    received.click()
    page.locator("#cockpit-tickets").wait_for()
    rows = page.locator("#cockpit-tickets tbody tr")
    assert rows.count() == 2
    assert "另一条街道" not in page.locator("#cockpit-tickets").inner_text()
    page.get_by_role("link", name=f"#{tickets[0].pk}").click()
    page.wait_for_url(f"{live_server.url}/tickets/{tickets[0].pk}/")
    assert "楼道堆物" in page.content()
    watched.settle(page)
    assert watched.problems == []


def _not_blank(png: bytes) -> bool:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    return colours is None or len(colours) > 8


def test_big_screen_renders_its_charts(watched, world, live_server):
    page = watched.open("leader")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/cockpit/?mode=screen")
    assert page.locator(".qy-cockpit-screen").count() == 1
    for chart in ("#cockpit-map", "#cockpit-trend"):
        page.locator(f"{chart} canvas").first.wait_for()
    watched.settle(page)
    for chart in ("#cockpit-map", "#cockpit-trend"):
        assert _not_blank(page.locator(chart).screenshot()), chart
    assert watched.problems == []


def test_phone_mode_fits_the_screen(watched, world, live_server):
    from tests.e2e.helpers import no_sideways_scroll

    page = watched.open("leader", phone=True)
    page.goto(f"{live_server.url}/cockpit/")
    page.locator("#cockpit-trend canvas").first.wait_for()
    no_sideways_scroll(page)
    watched.settle(page)
    assert watched.problems == []
