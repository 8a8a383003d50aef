"""Browser: a community secretary submits the annual report (述职) from the set's page and a
reviewer of the organisation department grades it; a leader opens a hot spot and a category on
the cockpit's panels. Every page passes axe (no serious or critical finding), on a desktop and on
a phone without sideways scrolling."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quanyu.analytics import services as alerts
from quanyu.assessment.models import DutyReport
from quanyu.catalog.models import Category
from quanyu.core.roles import Role
from tests.assessment.factories import DAY, community_set, community_ticket
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    city = make_city()
    make_personas(city)
    make_user("leader", Role.LEADER, city.district)
    org = make_user("org_dept", Role.ORG_DEPARTMENT, city.district)
    now = timezone.now()
    env = Category.objects.create(code="E1", name="市容环境")
    litter = Category.objects.create(code="E101", name="垃圾清运", parent=env)
    for i in range(3):
        community_ticket(city, 0, at=now - DAY * (i + 1), category=litter, text=f"垃圾没人清运 {i}")
    community_ticket(city, 1, at=now - DAY, resolved=DAY / 2, text="路灯不亮")
    alerts.alerts_raise()
    return city, community_set(city, org), env


def _checked(watched, page, name: str) -> None:
    watched.settle(page)
    assert axe_problems(page) == [], name
    shot(page, name)


def test_a_secretary_reports_and_a_reviewer_grades(watched, world, live_server):
    _city, s, _env = world
    page = watched.open("community_x")
    page.goto(f"{live_server.url}/assessment/sets/{s.pk}/")
    page.locator("#duty-link").click()
    page.wait_for_url(f"{live_server.url}/assessment/sets/{s.pk}/duty/")
    _checked(watched, page, "duty-list-1280.png")
    page.fill("textarea[name=statement]", "一年来，社区党委围绕“五事”开展工作。")
    page.get_by_role("button", name="提交").click()
    page.locator("#duty-figures").wait_for()
    assert "社区党委围绕" in page.locator("#duty-statement").inner_text()
    assert page.locator("#duty-review-form").count() == 0
    _checked(watched, page, "duty-report-1280.png")
    report = DutyReport.objects.get()
    reviewer = watched.open("org_dept")
    reviewer.goto(f"{live_server.url}/assessment/duty/{report.pk}/")
    reviewer.get_by_label("较好").check()
    reviewer.fill("textarea[name=comment]", "成效较好，群众满意度有待提高")
    reviewer.get_by_role("button", name="保存评议").click()
    reviewer.locator("#duty-review-list").wait_for()
    assert "较好" in reviewer.locator("#duty-grade").inner_text()
    _checked(watched, reviewer, "duty-report-graded-1280.png")
    assert watched.problems == []


def test_duty_pages_on_a_phone(watched, world, live_server):
    _city, s, _env = world
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/assessment/sets/{s.pk}/duty/")
    page.fill("textarea[name=statement]", "全年述职报告" * 30)
    page.get_by_role("button", name="提交").click()
    page.locator("#duty-figures").wait_for()
    no_sideways_scroll(page)
    _checked(watched, page, "duty-report-390.png")
    reviewer = watched.open("org_dept", phone=True)
    reviewer.goto(f"{live_server.url}/assessment/sets/{s.pk}/duty/")
    no_sideways_scroll(reviewer)
    _checked(watched, reviewer, "duty-list-390.png")
    reviewer.get_by_role("link", name="社区1-1").click()
    reviewer.locator("#duty-review-form").wait_for()
    no_sideways_scroll(reviewer)
    assert watched.problems == []


def test_a_leader_opens_a_hot_spot_and_a_category(watched, world, live_server):
    _city, _s, env = world
    page = watched.open("leader")
    page.goto(f"{live_server.url}/cockpit/")
    page.locator("#cockpit-trend canvas").first.wait_for()
    assert "垃圾清运" in page.locator("#cockpit-hotspots").inner_text()
    assert "市容环境" in page.locator("#cockpit-categories").inner_text()
    _checked(watched, page, "cockpit-panels-1280.png")
    page.locator("#cockpit-hotspots a").first.click()
    page.locator("#cockpit-tickets").wait_for()
    assert page.locator("#cockpit-tickets tbody tr").count() == 3
    _checked(watched, page, "cockpit-hotspot-tickets-1280.png")
    page.go_back()
    page.locator(f"#cockpit-categories [data-category='{env.pk}'] a").click()
    page.locator("#cockpit-tickets").wait_for()
    assert page.locator("#cockpit-tickets tbody tr").count() == 3
    assert "市容环境" in page.locator("h1").inner_text()
    phone = watched.open("leader", phone=True)
    phone.goto(f"{live_server.url}/cockpit/")
    phone.locator("#cockpit-trend canvas").first.wait_for()
    no_sideways_scroll(phone)
    _checked(watched, phone, "cockpit-panels-390.png")
    assert watched.problems == []
