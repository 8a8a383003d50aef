"""Every main page in a real browser under the strict Content-Security-Policy (script-src 'self'):
no console error, no uncaught exception, no Alpine expression error and no CSP violation, while
each page's interactive parts are used: the resident's map and suggestion, the phone menu (Alpine),
the triage board's phone tabs (Alpine), the dispatch console's whistle form (htmx), the ranking
chart (ECharts), the member search (htmx), the area map (Leaflet) and the report filter."""

from __future__ import annotations

import pytest

from quanyu.people import services as people_services
from quanyu.tickets import services
from tests.factories import make_city, make_personas
from tests.people.helpers import add_member, make_branches
from tests.tickets.factories import make_catalog, new_ticket, to_street, whistled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings, tmp_path):
    """The test city with its personas and catalogue; a ticket new at the community, one the
    community handles, one at the street waiting for its whistle, one whistled; party members and
    a 双报到."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    make_personas(city)
    catalog = make_catalog(city)
    u = city.users
    fresh = services.ticket_escalate(actor=u["grid_worker"], ticket=new_ticket(city), reason="网格处理不了")
    handled = services.ticket_escalate(
        actor=u["grid_worker"], ticket=new_ticket(city, text="路灯不亮"), reason="网格处理不了"
    )
    handled = services.ticket_accept(actor=u["community_x"], ticket=handled)
    street = to_street(city, new_ticket(city, text="小区门口井盖缺失"))
    whistled(city, catalog)  # two departments called this month: the ranking has scores and a chart
    branches = make_branches(city)
    members = [add_member(city, branches, seq, name=name) for seq, name in [(1, "张三丰"), (2, "李四光")]]
    commuter = add_member(city, branches, 3, name="王在职", branch=branches[city.communities[2].name])
    people_services.report_submit_member(
        actor=u["district_admin"], member=commuter, community=city.communities[0]
    )
    return {
        "city": city,
        "catalog": catalog,
        "fresh": fresh,
        "handled": handled,
        "street": street,
        "members": members,
    }


def test_the_watch_sees_a_violation(watched, world, live_server):
    """The check below can fail: an inline script on a page is refused and reported."""
    page = watched.open(None)
    page.goto(f"{live_server.url}/login/")
    page.evaluate("document.body.appendChild(document.createElement('script')).textContent = 'window.x = 1'")
    page.wait_for_function("() => true")
    watched.settle(page)
    assert any(p.startswith("CSP violation: script-src") for p in watched.problems), watched.problems


def test_resident_submit_page_and_the_phone_menu(watched, world, live_server):
    city = world["city"]
    page = watched.open("resident", phone=True)
    page.goto(f"{live_server.url}/tickets/new/")
    # The top bar's phone menu is an Alpine component: opens, says so, and closes on Escape.
    toggle, nav = page.locator("button.qy-nav-toggle"), page.locator("nav#qy-nav")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    toggle.click()
    nav.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "is-open" in (nav.get_attribute("class") or "")
    page.keyboard.press("Escape")
    nav.wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"
    # The map (Leaflet) and the category suggestion (htmx).
    page.fill("textarea[name=text]", "楼下有人摆摊占道，堵住了消防通道")
    page.locator("#suggestion [data-category='0101']").wait_for()
    page.locator("#pick-map.qy-map-ready").wait_for()
    page.locator(f"path.qy-grid-{city.grids[0].pk}").click()
    page.locator(".qy-located-ok", has_text="网格1-1-1").wait_for()
    watched.settle(page)
    assert watched.problems == []


def test_triage_board_tabs_on_a_phone(watched, world, live_server):
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/tickets/triage/")
    new_col, accepted_col = page.locator("section[data-col=new]"), page.locator("section[data-col=accepted]")
    new_tab, accepted_tab = page.locator("button[data-tab=new]"), page.locator("button[data-tab=accepted]")
    new_col.locator(f"article[data-ticket='{world['fresh'].pk}']").wait_for()
    assert new_tab.get_attribute("aria-selected") == "true"
    assert accepted_tab.get_attribute("aria-selected") == "false"
    assert not accepted_col.is_visible()
    accepted_tab.click()
    accepted_col.locator(f"article[data-ticket='{world['handled'].pk}']").wait_for(state="visible")
    assert not new_col.is_visible()
    assert "is-active" in (accepted_col.get_attribute("class") or "")
    assert (new_tab.get_attribute("aria-selected"), accepted_tab.get_attribute("aria-selected")) == (
        "false",
        "true",
    )
    watched.settle(page)
    # On a desktop all three columns show, the tabs do not.
    desk = watched.open("community_x")
    desk.goto(f"{live_server.url}/tickets/triage/")
    assert (
        desk.locator("section[data-col=accepted]").is_visible()
        and desk.locator("section[data-col=new]").is_visible()
    )
    assert not desk.locator("button[data-tab=new]").is_visible()
    watched.settle(desk)
    assert watched.problems == []


def test_dispatch_console_whistle_form(watched, world, live_server):
    page = watched.open("street_staff")
    page.goto(f"{live_server.url}/tickets/dispatch/")
    pk = world["street"].pk
    page.locator(f"article[data-ticket='{pk}'] button[data-quick=whistle]").click()
    page.locator(f"#act-{pk} form").wait_for()
    watched.settle(page)
    assert watched.problems == []


def test_ranking_page_with_its_chart(watched, world, live_server):
    page = watched.open("district_admin")
    page.goto(f"{live_server.url}/assessment/departments/")
    page.locator("#ranking-table").wait_for()
    page.locator("#ranking-chart canvas").wait_for()
    watched.settle(page)
    assert watched.problems == []


def test_member_list_search(watched, world, live_server):
    page = watched.open("district_admin")
    page.goto(f"{live_server.url}/people/members/")
    rows = page.locator("#member-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    page.fill("#member-q", "张三丰")
    page.wait_for_function("() => document.querySelectorAll('#member-table tbody tr').length === 1")
    assert "张三丰" in rows.first.inner_text()
    watched.settle(page)
    assert watched.problems == []


def test_area_map(watched, world, live_server):
    page = watched.open("district_admin")
    page.goto(f"{live_server.url}/areas/")
    page.locator(".leaflet-overlay-pane path.qy-area").first.wait_for()
    watched.settle(page)
    assert watched.problems == []


def test_report_filter_submits_on_change(watched, world, live_server):
    page = watched.open("community_x")
    page.goto(f"{live_server.url}/people/reports/")
    assert not page.locator("form.qy-filter button[type=submit]").is_visible()  # the select submits
    with page.expect_navigation():
        page.select_option("select[name=status]", "submitted")
    assert "status=submitted" in page.url
    page.locator("#report-table").wait_for()
    watched.settle(page)
    assert watched.problems == []
