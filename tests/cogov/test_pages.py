"""Co-governance pages: each renders for the roles that use it (200), out of scope is 404, a refused
step answers with its status (403, 409, 400) and writes nothing, lists keep a constant query count,
the export is an xlsx of the list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from quanyu.cogov import services
from quanyu.cogov.models import Contract, Task
from quanyu.cogov.states import ContractStatus, TaskStatus
from tests.asserts import nothing_written
from tests.cogov.factories import (
    YEAR,
    draft_contract,
    evaluated_contract,
    held_session_with_task,
    next_session,
    planned_session,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_render_for_staff(city):
    contract = evaluated_contract(city)
    task = held_session_with_task(city)
    staff = client_for(city.users["street_staff"])
    for url in [
        "/cogov/contracts/",
        f"/cogov/contracts/{contract.pk}/",
        f"/cogov/contracts/{contract.pk}/letter/",
        "/cogov/meetings/",
        f"/cogov/sessions/{task.session_id}/",
        "/cogov/tasks/",
        f"/cogov/tasks/{task.pk}/",
    ]:
        r = staff.get(url)
        assert r.status_code == 200, url
        assert "script-src" in r["Content-Security-Policy"]
    r = staff.get(f"/cogov/contracts/{contract.pk}/letter/")
    assert "93.0" in r.content.decode() and city.units[0].name in r.content.decode()


def test_menu_entries(city):
    body = client_for(city.users["street_staff"]).get("/").content.decode()
    assert "/cogov/contracts/" in body and "/cogov/tasks/" in body
    assert "/cogov/contracts/" not in client_for(city.users["resident"]).get("/").content.decode()


def test_out_of_scope_is_404(city):
    contract = draft_contract(city)
    task = held_session_with_task(city)
    other = client_for(city.users["community_y"])
    for url in [
        f"/cogov/contracts/{contract.pk}/",
        f"/cogov/sessions/{task.session_id}/",
        f"/cogov/tasks/{task.pk}/",
    ]:
        assert other.get(url).status_code == 404, url
    with nothing_written(contract):
        assert other.post(f"/cogov/contracts/{contract.pk}/sign_area/").status_code == 404
    assert client_for(city.users["resident"]).get(f"/cogov/contracts/{contract.pk}/").status_code == 404
    assert Client().get("/cogov/contracts/").status_code == 302


def test_contract_steps_through_the_page(city, unit_contact):
    contract = draft_contract(city)
    staff = client_for(city.users["community_x"])
    unit = client_for(unit_contact)
    page = unit.get(f"/cogov/contracts/{contract.pk}/").content.decode()
    assert "sign_unit" in page and "sign_area" not in page
    assert unit.post(f"/cogov/contracts/{contract.pk}/sign_unit/").status_code == 302
    with nothing_written(contract):
        assert unit.post(f"/cogov/contracts/{contract.pk}/sign_area/").status_code == 403
    with nothing_written(contract):
        r = unit.post(f"/cogov/contracts/{contract.pk}/sign_unit/")
    assert r.status_code == 409 and "重复签订" in r.content.decode()
    assert staff.post(f"/cogov/contracts/{contract.pk}/sign_area/").status_code == 302
    projects = list(contract.projects.all())
    data = {f"progress_{p.pk}": 60 for p in projects}
    assert staff.post(f"/cogov/contracts/{contract.pk}/supervise/", data).status_code == 302
    assert unit.post(f"/cogov/contracts/{contract.pk}/report/", {"report": "自评"}).status_code == 302
    with nothing_written(contract):
        r = staff.post(f"/cogov/contracts/{contract.pk}/evaluate/", {"score_0": "50", "feedback": "x"})
    assert r.status_code == 400
    scores = {"score_0": 36, "score_1": 27, "score_2": 18, "score_3": 8, "feedback": "良好"}
    assert staff.post(f"/cogov/contracts/{contract.pk}/evaluate/", scores).status_code == 302
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.EVALUATED
    r = staff.post(f"/cogov/contracts/{contract.pk}/renew/", {"carry": [projects[1].pk]})
    assert r.status_code == 302
    assert Contract.objects.filter(renewed_from=contract).count() == 1


def test_session_hold_and_task_review_through_the_pages(city):
    session = planned_session(city)
    staff = client_for(city.users["street_staff"])
    assert staff.post(f"/cogov/sessions/{session.pk}/agenda/", {"title": "停车难"}).status_code == 302
    members = list(session.body.members.values_list("pk", flat=True))
    data = {
        "attendance": members,
        "minutes": "纪要",
        "resolution_0": "施划停车位",
        "owner_unit_0": city.units[-1].pk,
        "due_0": "2026-04-30",
    }
    assert staff.post(f"/cogov/sessions/{session.pk}/hold/", data).status_code == 302
    task = Task.objects.get(session=session)
    services.tasks_sweep_overdue(today=dt.date(YEAR, 5, 1))
    r = staff.get("/cogov/tasks/?overdue=1")
    assert "施划停车位" in r.content.decode() and "已逾期" in r.content.decode()
    handler = client_for(city.users["department_handler"])
    assert (
        handler.post(f"/cogov/tasks/{task.pk}/progress/", {"progress": "40", "note": "推进"}).status_code
        == 302
    )
    with nothing_written(task):
        assert (
            handler.post(f"/cogov/tasks/{task.pk}/progress/", {"progress": "400", "note": "x"}).status_code
            == 400
        )
    assert handler.post(f"/cogov/tasks/{task.pk}/complete/", {"note": "完成"}).status_code == 302
    review = next_session(city, task)
    r = staff.post(f"/cogov/tasks/{task.pk}/review/", {"session": review.pk, "accepted": "1"})
    assert r.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED
    with nothing_written(task):
        assert staff.post(f"/cogov/tasks/{task.pk}/cancel/", {"reason": "x"}).status_code == 409


def test_lists_keep_a_constant_query_count(city, django_assert_max_num_queries):
    staff = client_for(city.users["district_admin"])
    for i in range(2):
        draft_contract(city, community=i)
        held_session_with_task(city)
    counts = {}
    for url in ["/cogov/contracts/", "/cogov/meetings/", "/cogov/tasks/"]:
        with django_assert_max_num_queries(40) as ctx:
            staff.get(url)
        counts[url] = len(ctx.captured_queries)
    for i in range(4):
        draft_contract(city, community=i)
        held_session_with_task(city)
    for url, n in counts.items():
        with django_assert_max_num_queries(n) as ctx:
            assert staff.get(url).status_code == 200


def test_export_is_the_list_as_xlsx(city):
    draft_contract(city)
    draft_contract(city, community=2)
    r = client_for(city.users["community_x"]).get("/cogov/contracts/export.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "共建文明社区"


def test_pages_read_in_english_on_request(city):
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    staff = client_for(city.users["street_staff"])
    staff.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = staff.get("/cogov/tasks/").content.decode()
    assert "Resolution tasks" in page and "Co-governance" in page
    contract = draft_contract(city)
    r = staff.post(f"/cogov/contracts/{contract.pk}/renew/")
    assert r.status_code == 409
