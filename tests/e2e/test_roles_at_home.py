"""Every role at home (issue 13): signed in as each persona, at a desktop and a phone width, the
home page and every page the menu offers answer 200 with no script error, are never wider than
the viewport, and axe-core finds nothing serious or critical (colour contrast included). The
menu's group labels are readable and an open group does not cover the page title; a party member
uses their own page (report, see it waiting, claim a post, log duty)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from quanyu.core.roles import Role
from quanyu.people import services
from tests.e2e.helpers import DESKTOP, PHONE, login
from tests.factories import PASSWORD, make_city, make_personas, make_user
from tests.people.helpers import add_member, make_branches
from tests.tickets.factories import make_catalog, new_ticket, whistled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "grid_worker",
    "department_handler",
    "resident",
    "member_me",
    "leader_me",
    "orgdept_me",
    "building_me",
    "auditor_me",
    "security_me",
]
# Roles whose work is not a queue: the auditor reads the log, the security administrator manages
# accounts; their home leads with those pages instead of a to-do list.
NO_QUEUE = {"district_admin", "auditor_me", "security_me"}
AXE = Axe()


@pytest.fixture
def town(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    make_personas(city)
    cat = make_catalog(city)
    whistled(city, cat)
    new_ticket(city)
    branches = make_branches(city)
    user = make_user("member_me", Role.PARTY_MEMBER, city.communities[0])
    member = add_member(city, branches, 1)
    services.member_update(actor=city.users["district_admin"], member=member, user=user)
    services.post_create(actor=city.users["community_x"], community=city.communities[0], name="环境监督岗")
    make_user("leader_me", Role.LEADER, city.district)
    make_user("orgdept_me", Role.ORG_DEPARTMENT, city.district)
    make_user("building_me", Role.BUILDING_HEAD, city.grids[0])
    make_user("auditor_me", Role.AUDITOR, city.district)
    make_user("security_me", Role.SECURITY_ADMIN, city.district)
    return city


def serious(page) -> list[str]:
    result = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_as(browser, live_server, username: str, viewport: dict):
    context = browser.new_context(
        locale="zh-CN", viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    login(page, live_server, username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    return context, page, problems


def menu_links(page) -> list[str]:
    return page.eval_on_selector_all("nav.qy-nav a[data-nav]", "els => els.map(e => e.getAttribute('href'))")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_page_of_every_role(browser, live_server, town, persona, viewport):
    context, page, problems = open_as(browser, live_server, persona, viewport)
    try:
        assert page.locator("[data-todo]").count() > 0 or persona in NO_QUEUE
        for href in ["/", *menu_links(page)]:
            response = page.goto(f"{live_server.url}{href}")
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, href
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{href} is {width}px wide"
            assert serious(page) == [], href
        assert problems == []
    finally:
        context.close()


def test_menu_groups_are_readable_and_do_not_cover_the_title(browser, live_server, town):
    context, page, _problems = open_as(browser, live_server, "district_admin", DESKTOP)
    try:
        summary = page.locator("details.qy-nav-menu > summary").first
        assert summary.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
        summary.click()
        menu = page.locator("details.qy-nav-menu[open] > ul")
        menu_box = menu.bounding_box()
        title_box = page.locator("main h1").bounding_box()
        assert menu_box and title_box
        assert menu_box["y"] + menu_box["height"] <= title_box["y"]
        assert menu.evaluate("e => getComputedStyle(e).flexDirection") == "column"
        assert serious(page) == []
    finally:
        context.close()


def test_member_reports_and_claims_on_a_phone(browser, live_server, town):
    context, page, problems = open_as(browser, live_server, "member_me", PHONE)
    try:
        page.goto(f"{live_server.url}/people/me/")
        page.click("button[value=report]")
        page.wait_for_selector("[data-report-status=submitted]")
        page.click("#open-posts button[value=claim]")
        page.wait_for_selector("#my-claims [data-claim]")
        page.fill("#my-claims input[name=note]", "清理楼道杂物")
        page.click("#my-claims button[value=duty]")
        page.wait_for_selector("#my-claims small:has-text('已履职 1 次')")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert serious(page) == []
        assert problems == []
    finally:
        context.close()
