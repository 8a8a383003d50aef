"""The secretary-led projects, community-affairs admission and matching pages in the browser, on a
desktop and on a phone: a quarterly review and a rectification order and its answer; a department's
push outside the list refused with the rule shown, one sent for approval decided by the district on
the push's page with its history; a community's need matched to the street's offers. Every page
passes axe and fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import AdmissionRequest, SecretaryProject
from quanyu.cogov.states import AdmissionStatus, ProjectStatus
from tests.cogov.factories import listed, signed_contract
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    c = make_city()
    make_personas(c)
    return c


def test_project_quarterly_review_and_rectification(city, watched, live_server):
    today = timezone.localdate()
    project = services.projects.project_create(
        actor=city.users["street_staff"],
        area=city.communities[0],
        secretary=city.users["community_x"],
        year=today.year,
        title="老旧小区加装电梯",
        goal="年内完成两部电梯加装",
        indicators="完成率100%",
        milestones=[{"name": "调研谋划", "due": today - dt.timedelta(days=10)}],
    )
    base = live_server.url
    reviewer = watched.open("street_staff")
    reviewer.goto(f"{base}/cogov/projects/")
    reviewer.click(f"text={project.title}")
    reviewer.select_option("select[name=kind]", "quarterly")
    reviewer.select_option("select[name=rating]", "good")
    reviewer.fill("textarea[name=comment]", "推进有序，注意资金落实")
    reviewer.click("button[data-action=review]")
    reviewer.wait_for_selector("[data-review=quarterly]")
    reviewer.select_option("select[name=kind]", "rectification")
    reviewer.fill("input[name=deadline]", (today + dt.timedelta(days=30)).isoformat())
    reviewer.fill("textarea[name=comment]", "节点滞后，限期整改")
    reviewer.click("button[data-action=review]")
    reviewer.wait_for_selector("#project-status[data-status=rectifying]")
    assert axe_problems(reviewer) == []
    shot(reviewer, "cogov_project_desktop.png")

    secretary = watched.open("community_x", phone=True)
    secretary.goto(f"{base}/cogov/projects/{project.pk}/")
    secretary.click("button[data-action=milestone]")
    secretary.wait_for_selector("[data-milestone]:has-text('完成于')")
    secretary.fill("textarea[name=note]", "已完成调研并报送方案")
    secretary.click("button[data-action=rectified]")
    secretary.wait_for_selector("#project-status[data-status=running]")
    no_sideways_scroll(secretary)
    assert axe_problems(secretary) == []
    shot(secretary, "cogov_project_phone.png")
    secretary.goto(f"{base}/cogov/projects/")
    no_sideways_scroll(secretary)
    assert axe_problems(secretary) == []
    assert SecretaryProject.objects.get().status == ProjectStatus.RUNNING
    for page in (reviewer, secretary):
        watched.settle(page)
    assert watched.problems == []


def test_admission_refusal_and_approval(city, watched, live_server):
    listed(city)
    base = live_server.url
    handler = watched.open("department_handler")
    handler.goto(f"{base}/cogov/admission/")
    handler.select_option("select[name=community]", str(city.communities[0].pk))
    handler.fill("input[name=title]", "代收城管罚款")
    handler.click("button[data-action=push]")
    handler.wait_for_selector("#admission-requests [data-status=refused]")
    assert "准入清单" in handler.locator("#admission-requests").inner_text()
    handler.select_option("select[name=community]", str(city.communities[0].pk))
    handler.fill("input[name=title]", "违建普查")
    handler.check("input[name=ask_approval]")
    handler.click("button[data-action=push]")
    handler.wait_for_selector("#admission-requests [data-status=pending]")
    assert axe_problems(handler) == []
    shot(handler, "cogov_admission_desktop.png")

    pending = AdmissionRequest.objects.get(status=AdmissionStatus.PENDING)
    admin = watched.open("district_admin", phone=True)
    admin.goto(f"{base}/cogov/admission/")
    no_sideways_scroll(admin)
    assert axe_problems(admin) == []
    admin.click(f"a[href='/cogov/admission/{pending.pk}/']")
    admin.fill("input[name=note]", "同意，费随事转")
    admin.click("button[data-action=approve]")
    admin.wait_for_selector("#admission-status[data-status=approved]")
    assert admin.locator("#admission-history li").count() == 2
    no_sideways_scroll(admin)
    assert axe_problems(admin) == []
    shot(admin, "cogov_admission_request_phone.png")
    for page in (handler, admin):
        watched.settle(page)
    assert watched.problems == []


def test_matching_on_desktop_and_phone(city, watched, live_server):
    community = city.communities[0]
    community.lon, community.lat = 121.400, 37.500
    community.save(update_fields=["lon", "lat"])
    unit = city.units[0]
    unit.lon, unit.lat = 121.400, 37.5027
    unit.save(update_fields=["lon", "lat"])
    signed_contract(city)
    base = live_server.url
    for phone in (False, True):
        page = watched.open("community_x", phone=phone)
        page.goto(f"{base}/cogov/matching/")
        page.select_option("select[name=community]", str(community.pk))
        page.select_option("select[name=kind]", "venue")
        page.click("main button[type=submit]")
        page.wait_for_selector(f"#matching-table [data-unit='{unit.pk}']")
        assert "会议室每周开放两次" in page.locator("#matching-table").inner_text()
        if phone:
            no_sideways_scroll(page)
        assert axe_problems(page) == []
        shot(page, f"cogov_matching_{'phone' if phone else 'desktop'}.png")
        watched.settle(page)
    assert watched.problems == []


def test_resolution_becomes_a_task_goes_overdue_and_shows_on_the_supervision_board(
    city, watched, live_server
):
    """A street holds its joint meeting on the session page: the resolution becomes a task of the
    owning unit; once its deadline passes (the nightly sweep) the street's supervision board lists
    it beside the tickets, on a desktop and on a phone; it opens the task."""
    from quanyu.cogov.models import Task
    from tests.cogov.factories import planned_session

    session = planned_session(city)
    today = timezone.localdate()
    due = today + dt.timedelta(days=7)
    base = live_server.url
    street = watched.open("street_staff")
    street.goto(f"{base}/cogov/sessions/{session.pk}/")
    street.fill("textarea[name=minutes]", "研究背街小巷停车难问题")
    street.fill("input[name=resolution_0]", "施划背街小巷停车位")
    street.select_option("select[name=owner_unit_0]", str(city.units[-1].pk))
    street.fill("input[name=due_0]", due.isoformat())
    street.click("#hold-form button[type=submit]")
    street.wait_for_selector("text=施划背街小巷停车位")
    task = Task.objects.get()
    assert (task.resolution, task.owner_unit_id, task.due) == ("施划背街小巷停车位", city.units[-1].pk, due)

    assert services.tasks_sweep_overdue(today=due + dt.timedelta(days=1)) == 1
    street.goto(f"{base}/tickets/supervision/")
    row = street.locator(f"#cogov-late-table [data-task='{task.pk}']")
    assert "施划背街小巷停车位" in row.inner_text()
    assert axe_problems(street) == []
    shot(street, "supervision_cogov_desktop.png")
    row.locator("a").click()
    street.wait_for_url(f"**/cogov/tasks/{task.pk}/")

    phone = watched.open("street_staff", phone=True)
    phone.goto(f"{base}/tickets/supervision/")
    phone.wait_for_selector(f"#cogov-late-table [data-task='{task.pk}']")
    no_sideways_scroll(phone)
    assert axe_problems(phone) == []
    shot(phone, "supervision_cogov_phone.png")
    for page in (street, phone):
        watched.settle(page)
    assert watched.problems == []
