"""The co-governance API: each status of the error map (201/200, 400 naming the field, 403, 404 out
of scope, 409 bad step), nothing written on refusal, list query counts constant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.cogov import services
from quanyu.cogov.models import Contract, Task
from quanyu.cogov.states import ContractStatus, TaskStatus
from tests.asserts import nothing_written
from tests.cogov.factories import YEAR, draft_contract, held_session_with_task, planned_session

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_contract_create_and_year_cycle(city, unit_contact):
    staff = client_for(city.users["community_x"])
    r = post(
        staff,
        "/api/cogov/contracts/",
        {
            "area": city.communities[0].pk,
            "year": YEAR,
            "title": "共建",
            "units": [city.units[0].pk],
            "offers": [{"kind": "funds", "text": "每年2万元"}],
            "projects": [{"name": "助餐", "owner": "张三", "starts": "2026-03-01", "ends": "2026-09-30"}],
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["projects"][0]["name"] == "助餐"
    r = post(client_for(unit_contact), f"/api/cogov/contracts/{pk}/sign/", {"side": "unit"})
    assert r.status_code == 200, r.content
    r = post(staff, f"/api/cogov/contracts/{pk}/sign/", {"side": "area"})
    assert r.json()["status"] == ContractStatus.SIGNED
    project = r.json()["projects"][0]["id"]
    r = post(staff, f"/api/cogov/contracts/{pk}/supervise/", {"progress": {str(project): 70}})
    assert r.status_code == 200 and r.json()["projects"][0]["progress"] == 70
    r = post(client_for(unit_contact), f"/api/cogov/contracts/{pk}/unit-report/", {"report": "自评"})
    assert r.status_code == 200
    scores = {"履约情况": 35, "项目成效": 25, "群众满意度": 15, "资源投入": 8}
    r = post(staff, f"/api/cogov/contracts/{pk}/evaluate/", {"scores": scores, "feedback": "良好"})
    assert r.json()["status"] == ContractStatus.EVALUATED and r.json()["score_total"] == "83.0"
    r = post(staff, f"/api/cogov/contracts/{pk}/renew/", {"carry": [project]})
    assert r.status_code == 201 and r.json()["year"] == YEAR + 1
    r = staff.get(f"/api/cogov/contracts/{pk}/events/")
    assert [e["kind"] for e in r.json()][-1] == "renewed"


def test_contract_statuses(city, unit_contact):
    contract = draft_contract(city)
    url = f"/api/cogov/contracts/{contract.pk}/"
    # 400 naming the field
    r = post(client_for(city.users["community_x"]), "/api/cogov/contracts/", {"area": city.communities[0].pk})
    assert r.status_code == 400 and {"year", "title", "units"} <= set(r.json())
    r = post(client_for(city.users["community_x"]), url + "sign/", {"side": "both"})
    assert r.status_code == 400 and "side" in r.json()
    # 404 out of scope (no leak), for reads and steps
    other = client_for(city.users["community_y"])
    assert other.get(url).status_code == 404
    with nothing_written(contract):
        assert post(other, url + "sign/", {"side": "area"}).status_code == 404
    # 403: in sight (the unit's contact) but not allowed
    with nothing_written(contract):
        assert post(client_for(unit_contact), url + "sign/", {"side": "area"}).status_code == 403
    # 409: a step the state does not allow
    with nothing_written(contract):
        r = post(client_for(city.users["community_x"]), url + "supervise/", {"progress": {}})
    assert r.status_code == 409
    # anonymous
    assert Client().get("/api/cogov/contracts/").status_code in (401, 403)


def test_contract_list_scoped_and_constant_queries(city, unit_contact, django_assert_max_num_queries):
    for i in range(3):
        draft_contract(city, community=i % 2)
    draft_contract(city, community=2)
    staff = client_for(city.users["community_x"])
    with django_assert_max_num_queries(12):
        r = staff.get("/api/cogov/contracts/")
    assert r.json()["count"] == 2
    for _ in range(5):
        draft_contract(city)
    with django_assert_max_num_queries(12):
        r = staff.get("/api/cogov/contracts/")
    assert r.json()["count"] == 7
    assert client_for(unit_contact).get("/api/cogov/contracts/").json()["count"] == 7
    assert (
        client_for(city.users["district_admin"]).get("/api/cogov/contracts/?year=2026").json()["count"] == 9
    )
    assert client_for(city.users["resident"]).get("/api/cogov/contracts/").json()["count"] == 0
    assert staff.get("/api/cogov/contracts/?status=nope").status_code == 400


def test_session_to_task_via_api(city):
    staff = client_for(city.users["street_staff"])
    session = planned_session(city)
    members = list(session.body.members.values_list("pk", flat=True))
    r = post(staff, f"/api/cogov/sessions/{session.pk}/agenda/", {"title": "停车难"})
    assert r.status_code == 201
    item = r.json()["id"]
    r = post(
        staff,
        f"/api/cogov/sessions/{session.pk}/hold/",
        {
            "attendance": members,
            "minutes": "纪要",
            "resolutions": [
                {
                    "resolution": "施划车位",
                    "owner_unit": city.units[-1].pk,
                    "due": "2026-04-30",
                    "agenda_item": item,
                }
            ],
        },
    )
    assert r.status_code == 201, r.content
    task = r.json()[0]["id"]
    handler = client_for(city.users["department_handler"])
    r = post(handler, f"/api/cogov/tasks/{task}/progress/", {"progress": 150, "note": "x"})
    assert r.status_code == 400 and "progress" in r.json()
    r = post(handler, f"/api/cogov/tasks/{task}/progress/", {"progress": 50, "note": "推进"})
    assert r.status_code == 200 and r.json()["progress"] == 50
    services.tasks_sweep_overdue(today=dt.date(YEAR, 5, 1))
    r = staff.get("/api/cogov/tasks/?overdue=1")
    assert [t["id"] for t in r.json()["results"]] == [task]
    r = staff.get("/api/cogov/task-board/")
    assert r.json() == [{"unit_id": city.units[-1].pk, "unit": "区城管局", "open": 1, "overdue": 1}]
    # the handler sees the task its unit owns, not the session
    assert handler.get(f"/api/cogov/tasks/{task}/").status_code == 200
    assert handler.get(f"/api/cogov/sessions/{session.pk}/").status_code == 404
    r = post(handler, f"/api/cogov/tasks/{task}/cancel/", {"reason": "x"})
    assert r.status_code == 403
    r = post(staff, f"/api/cogov/tasks/{task}/cancel/", {"reason": "并入"})
    assert r.json()["status"] == TaskStatus.CANCELLED
    r = post(handler, f"/api/cogov/tasks/{task}/complete/", {"note": "x"})
    assert r.status_code == 409


def test_task_out_of_scope_is_404(city):
    task = held_session_with_task(city)
    other = client_for(city.users["community_y"])
    with nothing_written(task):
        assert post(other, f"/api/cogov/tasks/{task.pk}/complete/", {"note": "x"}).status_code == 404
    assert other.get(f"/api/cogov/tasks/{task.pk}/").status_code == 404
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_body_and_session_create(city):
    staff = client_for(city.users["street_staff"])
    r = post(
        staff,
        "/api/cogov/bodies/",
        {"area": city.streets[0].pk, "kind": "grand_working_committee", "name": "大工委"},
    )
    assert r.status_code == 201
    body = r.json()["id"]
    r = post(staff, f"/api/cogov/bodies/{body}/add-member/", {"name": "王五", "post": "主任"})
    assert r.status_code == 201
    r = post(staff, "/api/cogov/sessions/", {"body": body, "title": "一季度", "held_on": "2026-03-01"})
    assert r.status_code == 201
    r = post(staff, "/api/cogov/bodies/", {"area": city.streets[1].pk, "kind": "joint_meeting", "name": "x"})
    assert r.status_code == 400 and "area" in r.json()
    assert Contract.objects.count() == 0
