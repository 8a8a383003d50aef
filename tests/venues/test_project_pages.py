"""Build-and-handover pages: the list with the owning department, deadline, late and supervised;
a project's steps; the owning department completes its step from the page; refusals keep their
status and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.venues.models import VenueProject
from quanyu.venues.project_steps import project_steps
from quanyu.venues.services import projects
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def project(city):
    dept = city.units[-1].pk  # department_handler's unit owns every department step
    return projects.project_create(
        actor=city.users["district_admin"],
        name="新城社区党群服务中心",
        area=city.communities[0],
        owners=dict.fromkeys(projects.DEPARTMENT_STEPS, dept),
        planned_floor_area="1200",
        planned_ground_floor_area="600",
    )


def test_steps_read_from_the_history(city, project):
    projects.project_complete_step(
        actor=city.users["department_handler"],
        project=project,
        note="已纳入控规",
        documents=[{"name": "控规批复", "url": "javascript:alert(1)"}],
    )
    project.refresh_from_db()
    VenueProject.objects.filter(pk=project.pk).update(step_due=timezone.localdate() - dt.timedelta(days=1))
    projects.projects_supervise()
    project.refresh_from_db()
    steps = project_steps(project)
    assert [s.state for s in steps] == ["done", "current", "ahead", "ahead", "ahead", "ahead", "ahead"]
    assert steps[0].owner == city.units[-1].name and steps[-1].owner == "街道、社区"
    assert steps[0].documents == [{"name": "控规批复", "url": ""}]  # no javascript: link on the page
    assert steps[0].note == "已纳入控规" and steps[0].done_by
    assert steps[1].late is True and steps[1].supervised_at is not None


def test_list_and_detail(city, project):
    VenueProject.objects.filter(pk=project.pk).update(step_due=timezone.localdate() - dt.timedelta(days=2))
    projects.projects_supervise()
    for persona in ("district_admin", "street_staff", "community_x", "department_handler"):
        listed = client_for(persona).get("/venues/projects/?late=1")
        assert listed.status_code == 200 and project.name in listed.content.decode(), persona
        assert "已督办" in listed.content.decode()
    assert client_for("community_y").get(f"/venues/projects/{project.pk}/").status_code == 404
    assert client_for("resident").get("/venues/projects/").status_code == 403
    detail = client_for("department_handler").get(f"/venues/projects/{project.pk}/")
    body = detail.content.decode()
    assert detail.status_code == 200 and 'id="project-complete-form"' in body and "已发督办单" in body
    assert (
        'id="project-complete-form"'
        not in client_for("community_x").get(f"/venues/projects/{project.pk}/").content.decode()
    )


def test_department_completes_its_step_from_the_page(city, project):
    handler = client_for("department_handler")
    done = handler.post(
        f"/venues/projects/{project.pk}/complete/",
        {"note": "控规已批复", "doc_name": "控规批复", "doc_url": "https://example.org/a.pdf"},
    )
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.step == "land"
    assert project.documents == [{"step": "planning", "name": "控规批复", "url": "https://example.org/a.pdf"}]
    VenueProject.objects.filter(pk=project.pk).update(step="presale")
    project.refresh_from_db()
    short = handler.post(f"/venues/projects/{project.pk}/complete/", {"built_floor_area": "1000"})
    assert short.status_code == 302
    project.refresh_from_db()
    assert project.step == "presale"  # restricted: 200 m² short
    assert "限制预售" in handler.get(f"/venues/projects/{project.pk}/").content.decode()
    bad = handler.post(f"/venues/projects/{project.pk}/complete/", {"built_floor_area": "x"})
    assert bad.status_code == 400 and "面积" in bad.content.decode()


def test_refusals_keep_their_status(city, project):
    cases = [
        ("community_x", "complete", {}, 403),
        ("resident", "complete", {}, 404),
        ("department_handler", "cancel", {"reason": "x"}, 403),
        ("district_admin", "cancel", {"reason": ""}, 400),
        ("district_admin", "jump", {}, 400),
    ]
    for persona, action, form, status in cases:
        with nothing_written(project):
            answer = client_for(persona).post(f"/venues/projects/{project.pk}/{action}/", form)
        assert answer.status_code == status, (persona, action)
    cancelled = client_for("district_admin").post(
        f"/venues/projects/{project.pk}/cancel/", {"reason": "选址调整"}
    )
    assert cancelled.status_code == 302
    again = client_for("district_admin").post(f"/venues/projects/{project.pk}/cancel/", {"reason": "再撤"})
    assert again.status_code == 409


def _new_form(city, **extra):
    dept = city.units[-1].pk
    return {
        "name": "滨河社区党群服务中心",
        "area": city.communities[1].pk,
        "kind": "community_centre",
        "planned_floor_area": "1100",
        "planned_ground_floor_area": "600",
        **{f"owner_{st}": dept for st in projects.DEPARTMENT_STEPS},
        **extra,
    }


def test_coordinator_starts_a_project_from_the_page(city):
    admin = client_for("district_admin")
    page = admin.get("/venues/projects/new/")
    assert page.status_code == 200 and city.units[-1].name in page.content.decode()
    assert 'href="/venues/projects/new/"' in admin.get("/venues/projects/").content.decode()
    made = admin.post("/venues/projects/new/", _new_form(city))
    assert made.status_code == 302
    project = VenueProject.objects.get()
    assert (project.name, project.area_id, project.step) == (
        "滨河社区党群服务中心",
        city.communities[1].pk,
        "planning",
    )
    assert set(project.owners.values()) == {city.units[-1].pk}
    assert made["Location"] == f"/venues/projects/{project.pk}/"


def test_starting_a_project_refusals(city):
    admin = client_for("district_admin")
    cases = [
        (_new_form(city, name=""), "名称"),
        (_new_form(city, area=""), "所属区域"),
        (_new_form(city, kind="castle"), "阵地类型"),
        (_new_form(city, owner_land=""), "写入土地出让合同"),
        (_new_form(city, planned_floor_area="-5"), "面积"),
    ]
    for form, text in cases:
        answer = admin.post("/venues/projects/new/", form)
        assert answer.status_code == 400 and text in answer.content.decode(), form
    for persona in ("street_staff", "community_x", "department_handler", "resident"):
        assert client_for(persona).get("/venues/projects/new/").status_code == 403
        assert client_for(persona).post("/venues/projects/new/", _new_form(city)).status_code == 403
    assert not VenueProject.objects.exists()
