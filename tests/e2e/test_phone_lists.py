"""Lists on a phone (issue 13 point 6): below 600 px every list table reads as cards, each value
beside its column's heading, instead of six columns wrapping one character per line; the page is
never wider than the phone. Desktop keeps the table."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.tickets.factories import new_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("user", "path"), [("street_staff", "/tickets/"), ("district_admin", "/units/")])
def test_lists_are_cards_on_a_phone(world, open_as, live_server, user, path):
    city, _cat = world
    for text in ("小区门口有流动摊贩摆摊占道，影响通行", "楼道灯不亮已经一周", "电梯停运三天了"):
        new_ticket(city, text=text)
    page = open_as(user, phone=True)
    page.goto(f"{live_server.url}{path}")
    table = page.locator("table.qy-table").first
    table.wait_for()
    assert table.get_attribute("data-cards") == ""
    cell = table.locator("tbody tr td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "flex"
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == cell.get_attribute("data-label") != ""
    # No value is squeezed to a character per line: each cell is as wide as the card.
    width = cell.evaluate("td => td.getBoundingClientRect().width")
    assert width > 300
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, f"list-cards{path.replace('/', '-')}390.png")

    desk = open_as(user)
    desk.goto(f"{live_server.url}{path}")
    first = desk.locator("table.qy-table tbody tr td").first
    assert first.evaluate("td => getComputedStyle(td).display") == "table-cell"
