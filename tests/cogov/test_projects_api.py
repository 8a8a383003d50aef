"""The API of secretary-led projects and the admission list: create, review, push, decide, the
refusal report; bad input names the field; out of scope is 404 and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.cogov.models import AdmissionRequest, SecretaryProject
from tests.asserts import nothing_written
from tests.cogov.factories import listed

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def project_body(city) -> dict:
    return {
        "area": city.communities[0].pk,
        "secretary": city.users["community_x"].pk,
        "year": 2026,
        "title": "红色物业",
        "goal": "物业服务满意度提升",
        "milestones": [{"name": "签约物业", "due": "2026-04-30"}],
    }


def test_project_create_review_and_scope(city):
    staff = client_for(city.users["street_staff"])
    body = project_body(city)
    created = post(staff, "/api/cogov/projects/", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["milestones"][0]["name"] == "签约物业"
    bad = post(staff, f"/api/cogov/projects/{pk}/review/", {"kind": "quarterly", "comment": "好"})
    assert bad.status_code == 400 and "rating" in bad.json()
    ok = post(
        staff,
        f"/api/cogov/projects/{pk}/review/",
        {"kind": "quarterly", "comment": "好", "rating": "good"},
    )
    assert ok.status_code == 201
    p = SecretaryProject.objects.get()
    other = client_for(city.users["community_y"])
    with nothing_written(p):
        assert other.get(f"/api/cogov/projects/{pk}/").status_code == 404
        response = post(other, f"/api/cogov/projects/{pk}/rectified/", {"note": "x"})
        assert response.status_code == 404


def test_push_decide_and_report(city):
    item = listed(city)
    handler = client_for(city.users["department_handler"])
    body = {"department": city.units[-1].pk, "community": city.communities[0].pk, "title": "巡查"}
    admitted = post(handler, "/api/cogov/admission-requests/", {**body, "item": item.pk})
    assert admitted.status_code == 201 and admitted.json()["status"] == "admitted"
    pending = post(handler, "/api/cogov/admission-requests/", {**body, "ask_approval": True})
    assert pending.json()["status"] == "pending"
    admin = client_for(city.users["district_admin"])
    url = f"/api/cogov/admission-requests/{pending.json()['id']}/decide/"
    assert post(admin, url, {"approve": True, "note": "同意"}).json()["status"] == "approved"
    again = post(admin, url, {"approve": False, "note": "x"})
    assert again.status_code == 409
    assert admin.get("/api/cogov/admission-refusals/").json() == [
        {"department": "区城管局", "total": 2, "refused": 0}
    ]
    assert handler.get("/api/cogov/admission-items/").json()["results"][0]["title"] == item.title
    assert AdmissionRequest.objects.count() == 2
    history = admin.get(f"/api/cogov/admission-requests/{pending.json()['id']}/events/").json()
    assert [e["kind"] for e in history] == ["pushed", "approved"]


def test_project_history_in_the_api_and_on_the_page(city):
    """Each step of a secretary-led project is one dated event: the API lists them oldest first with
    their details, the page shows them as its history; another community's staff gets a 404."""
    staff = client_for(city.users["street_staff"])
    body = project_body(city)
    pk = post(staff, "/api/cogov/projects/", body).json()["id"]
    milestone = SecretaryProject.objects.get().milestones.get().pk
    secretary = client_for(city.users["community_x"])
    assert (
        post(secretary, f"/api/cogov/projects/{pk}/milestone-done/", {"milestone": milestone}).status_code
        == 200
    )
    post(staff, f"/api/cogov/projects/{pk}/review/", {"kind": "quarterly", "comment": "好", "rating": "good"})
    order = {"kind": "rectification", "comment": "滞后", "deadline": "2099-01-31"}
    assert post(staff, f"/api/cogov/projects/{pk}/review/", order).status_code == 201
    assert post(secretary, f"/api/cogov/projects/{pk}/rectified/", {"note": "已整改"}).status_code == 201
    events = staff.get(f"/api/cogov/projects/{pk}/events/")
    assert events.status_code == 200
    rows = events.json()
    assert [r["kind"] for r in rows] == [
        "created",
        "milestone_done",
        "quarterly",
        "rectification",
        "rectified",
    ]
    assert rows[1]["payload"]["milestone"] == "签约物业" and rows[2]["payload"]["rating"] == "good"
    assert rows[3]["payload"]["deadline"] == "2099-01-31"
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    page = secretary.get(f"/cogov/projects/{pk}/").content.decode()
    history = page.split('id="history"', 1)[1]
    assert history.count("data-event=") == 5
    assert "签约物业" in history and "良好" in history and "2099-01-31" in history
    other = client_for(city.users["community_y"])
    assert other.get(f"/api/cogov/projects/{pk}/events/").status_code == 404
    assert other.get(f"/cogov/projects/{pk}/").status_code == 404
