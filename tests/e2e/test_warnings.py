"""The early-warning board in a real browser: the hot spot's card and its circle on the map, at
desktop and phone width, under the CSP, with no serious or critical axe-core finding."""

from __future__ import annotations

import pytest

from quanyu.analytics import services
from quanyu.core.roles import Role
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_user
from tests.tickets.factories import new_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hot(world):
    city, _catalog = world
    residents = [city.users["resident"]] + [
        make_user(f"neighbour{i}", Role.RESIDENT, city.communities[0]) for i in range(3)
    ]
    for i, resident in enumerate(residents):
        new_ticket(city, resident, text=f"楼下有人摆摊占道，第{i}次")
    services.alerts_raise()
    return city


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_board_shows_the_hot_spot_on_its_map(watched, hot, live_server, phone):
    page = watched.open("street_staff", phone=phone)
    page.goto(f"{live_server.url}/warnings/")
    page.locator("article.qy-card", has_text="社区1-1「占道经营」").wait_for()
    page.locator("#hotspot-map path.qy-hotspot").wait_for()
    assert "热点问题：社区1-1「占道经营」" in page.locator("#alert-title + ul").inner_text()
    if phone:
        no_sideways_scroll(page)
    shot(page, f"warnings-{'phone' if phone else 'desktop'}.png")
    assert axe_problems(page) == []
    watched.settle(page)
    assert watched.problems == []
