"""The people registry in the back office: scoped like the rest of the admin, personal data masked,
records read-only except the point rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.people import services
from quanyu.people.models import PartyMember, PointEntry, PointRule, Resident
from quanyu.people.services import PersonInput
from tests.people.helpers import add_member, make_id

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    ("resident", 8),
    ("partymember", 8),
    ("report", 9),
    ("post", 8),
    ("pointentry", 11),
    ("floatingrecord", 8),
    ("meeting", 10),
    ("pointrule", 8),
]


def staff_client(username: str) -> Client:
    User.objects.filter(username=username).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def people(city, branches):
    """Members and residents in community X (communities[0]) and community Y (communities[2])."""
    admin = city.users["district_admin"]
    for seq in range(1, 5):
        add_member(city, branches, seq, community=0)
        add_member(city, branches, 10 + seq, community=2)
    x = services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="王奶奶", id_number=make_id(40, male=False), phone="13912345678"),
        community=city.communities[0],
    )
    services.resident_create(
        actor=city.users["community_y"],
        person=PersonInput(name="李爷爷", id_number=make_id(41), phone="13912340000"),
        community=city.communities[2],
    )
    for member in PartyMember.objects.all():
        services.report_submit_member(actor=admin, member=member, community=member.community)
    return {"resident_x": x}


@pytest.mark.parametrize(("model", "most"), CHANGELISTS)
def test_changelists_render_with_flat_query_counts(city, people, model, most, django_assert_max_num_queries):
    client = staff_client("community_x")
    url = f"/admin/people/{model}/"
    client.get(url)
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200


def test_lists_are_scoped_and_masked(city, people):
    client = staff_client("community_x")
    page = client.get("/admin/people/resident/").content.decode()
    assert "王奶奶" in page and "李爷爷" not in page
    assert "139****5678" in page and "13912345678" not in page
    x_members = PartyMember.objects.filter(community=city.communities[0])
    y_members = PartyMember.objects.filter(community=city.communities[2])
    members = client.get("/admin/people/partymember/")
    shown = {m.pk for m in members.context["cl"].result_list}
    assert shown == {m.pk for m in x_members}
    body = members.content.decode()
    for member in x_members:
        assert member.id_number not in body and member.phone not in body
    reports = client.get("/admin/people/report/").context["cl"].result_list
    assert {r.member_id for r in reports} == {m.pk for m in x_members}
    outside = y_members.first()
    assert client.get(f"/admin/people/partymember/{outside.pk}/change/").status_code == 404


def test_detail_page_is_read_only_and_masked(city, people):
    client = staff_client("district_admin")
    resident: Resident = people["resident_x"]
    url = f"/admin/people/resident/{resident.pk}/change/"
    page = client.get(url).content.decode()
    assert "139****5678" in page and "13912345678" not in page and resident.id_number not in page
    response = client.post(url, {"name": "改名"})
    assert response.status_code == 403
    resident.refresh_from_db()
    assert resident.name == "王奶奶"


def test_point_ledger_is_append_only_in_the_admin(city, people):
    member = PartyMember.objects.filter(community=city.communities[0]).first()
    rule = services.point_rule_save(
        actor=city.users["district_admin"], code="clean", name="环境整治", points=5
    )
    entry = services.points_record_action(
        actor=city.users["district_admin"],
        member=member,
        rule=rule,
        occurred_on=dt.date(2025, 3, 1),
        reason="清理楼道",
    )
    assert entry is not None
    client = staff_client("district_admin")
    assert client.get("/admin/people/pointentry/add/").status_code == 403
    assert client.post(f"/admin/people/pointentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_point_rules_editable_by_admin_only(city):
    admin = staff_client("district_admin")
    response = admin.post(
        "/admin/people/pointrule/add/",
        {"code": "patrol", "name": "巡逻", "points": "3", "cap": "30", "period": "month", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = PointRule.objects.get(code="patrol")
    assert (rule.points, rule.cap, rule.period, rule.active) == (3, 30, "month", True)
    bad = admin.post(
        f"/admin/people/pointrule/{rule.pk}/change/",
        {"name": "巡逻", "points": "3", "cap": "-1", "period": "month"},
    )
    assert bad.status_code == 200 and "上限不能为负数" in bad.content.decode()
    rule.refresh_from_db()
    assert rule.cap == 30
    community = staff_client("community_x")
    assert community.get("/admin/people/pointrule/").status_code == 200
    assert community.post(f"/admin/people/pointrule/{rule.pk}/change/", {"name": "x"}).status_code == 403
    rule.refresh_from_db()
    assert rule.name == "巡逻"
