"""The accountability items of a decision in the API: list and add under the deliberation,
progress and cancel; 400 naming the field, 403 for a non-keeper, 404 outside scope or for a
step that does not exist, 409 for a refused transition; nothing written on refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.cogov.models import Result, ResultEvent
from tests.cogov.factories import decided, opened

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_add_progress_cancel_and_the_list(city):
    d = decided(city)
    staff = client(city.users["community_x"])
    base = f"/api/cogov/deliberations/{d.pk}/results/"
    made = staff.post(
        base, {"title": "拆除违建棚舍", "owner": "社区居委会", "due": "2026-12-31"}, "application/json"
    )
    assert made.status_code == 201, made.content
    top = made.json()
    child = staff.post(
        base,
        {"title": "清运建筑垃圾", "owner": "物业", "due": "2026-12-20", "weight": 2, "parent_id": top["id"]},
        "application/json",
    ).json()
    assert child["parent"] == top["id"]
    step = staff.post(
        f"{base}{child['id']}/progress/", {"progress": 50, "note": "已清运一半"}, "application/json"
    )
    assert step.status_code == 200 and step.json()["progress"] == 50
    listed = staff.get(base).json()
    assert [r["id"] for r in listed] == [top["id"], child["id"]]
    assert listed[0]["progress"] == 50  # the parent follows its only sub-result
    cancelled = staff.post(f"{base}{top['id']}/cancel/", {"reason": "并入其他项目"}, "application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_refusals_name_the_field_and_write_nothing(city):
    d = decided(city)
    base = f"/api/cogov/deliberations/{d.pk}/results/"
    staff = client(city.users["community_x"])
    before = (Result.objects.count(), ResultEvent.objects.count())
    bad = staff.post(base, {"title": "", "owner": "居委会", "due": "明天"}, "application/json")
    assert bad.status_code == 400 and {"title", "due"} <= set(bad.json())
    missing = staff.post(
        base,
        {"title": "修路灯", "owner": "居委会", "due": "2026-12-31", "parent_id": 999999},
        "application/json",
    )
    assert missing.status_code == 400 and "parent_id" in missing.json()
    resident = client(city.users["resident"])
    refused = resident.post(
        base, {"title": "修路灯", "owner": "居委会", "due": "2026-12-31"}, "application/json"
    )
    assert refused.status_code == 403
    other = client(city.users["community_y"])
    assert other.get(base).status_code == 404
    not_decided = opened(city)
    early = staff.post(
        f"/api/cogov/deliberations/{not_decided.pk}/results/",
        {"title": "修路灯", "owner": "居委会", "due": "2026-12-31"},
        "application/json",
    )
    assert early.status_code == 400 and "deliberation" in early.json()
    assert (Result.objects.count(), ResultEvent.objects.count()) == before
    item = staff.post(
        base, {"title": "修路灯", "owner": "居委会", "due": "2026-12-31"}, "application/json"
    ).json()
    assert staff.post(f"{base}{item['id']}/nope/", {}, "application/json").status_code == 404
    assert (
        staff.post(f"{base}999999/progress/", {"progress": 1, "note": "x"}, "application/json").status_code
        == 404
    )
    done = staff.post(f"{base}{item['id']}/progress/", {"progress": 100, "note": "完成"}, "application/json")
    assert done.json()["status"] == "done"
    again = staff.post(f"{base}{item['id']}/cancel/", {"reason": "重复"}, "application/json")
    assert again.status_code == 409
