import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.people import selectors, services
from quanyu.people.models import PointEntry, PointRule, Report
from quanyu.people.services import PersonInput
from tests.factories import make_user
from tests.people.helpers import HUGE, add_member, logged_in, make_id, phone

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def world(city, branches):
    """One of each object in community 0 (community_x's), for the scoping matrix."""
    staff = city.users["community_x"]
    member = add_member(city, branches, 1)
    resident = services.resident_create(
        actor=staff,
        person=PersonInput(name="王奶奶", id_number=make_id(2, male=False), phone=phone(2)),
        community=city.communities[0],
        tags="空巢老人",
    )
    report = services.report_submit_member(actor=staff, member=member, community=city.communities[0])
    post = services.post_create(actor=staff, community=city.communities[0], name="政策宣传岗", capacity=3)
    claim = services.post_claim(actor=staff, post=post, member=member)
    request = services.points_request(
        actor=staff,
        member=member,
        rule=PointRule.objects.get(code="commendation"),
        occurred_on=dt.date(2024, 1, 1),
        reason="表彰",
    )
    floating = services.floating_open(
        actor=staff, member=member, direction="out", place="上海", starts_on=dt.date(2024, 1, 1)
    )
    meeting = services.meeting_record(
        actor=staff,
        branch=branches[city.communities[0].name],
        kind="lecture",
        held_on=dt.date(2024, 2, 1),
        topic="党课",
        attendance={member.pk: "present"},
    )
    return {
        "members": member,
        "residents": resident,
        "reports": report,
        "posts": post,
        "post-claims": claim,
        "point-requests": request,
        "floating-members": floating,
        "meetings": meeting,
    }


ENDPOINTS = [
    "members",
    "residents",
    "reports",
    "posts",
    "post-claims",
    "point-requests",
    "floating-members",
    "meetings",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("district_admin", True),
        ("street_staff", True),
        ("community_x", True),
        ("community_y", False),
        ("resident", False),
        ("department_handler", False),
        ("outsider", False),
    ],
)
def test_scoping_matrix(world, endpoint, persona, sees):
    client = client_for(persona)
    obj = world[endpoint]
    listed = client.get(f"/api/{endpoint}/?status=")
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert (obj.pk in ids) is sees
    detail = client.get(f"/api/{endpoint}/{obj.pk}/")
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    "endpoint", [*ENDPOINTS, "rankings", "attendance-rates", "contact-board", "point-rules"]
)
def test_anonymous_gets_401(city, endpoint):
    assert Client().get(f"/api/{endpoint}/").status_code == 401


def test_members_are_masked_and_searchable(world, city, branches, django_assert_max_num_queries):
    client = client_for("community_x")
    for i in range(3, 13):
        add_member(city, branches, i)
    with django_assert_max_num_queries(6):
        body = client.get("/api/members/?page_size=100").json()
    assert body["count"] == 11
    row = next(r for r in body["results"] if r["id"] == world["members"].pk)
    assert row["id_number"] == make_id(1)[:3] + "*" * 11 + make_id(1)[-4:]
    assert row["phone"] == "139****0001"
    assert make_id(1) not in str(body) and phone(1) not in str(body)
    by_id = client.get(f"/api/members/?search={make_id(1)}").json()
    assert [r["id"] for r in by_id["results"]] == [world["members"].pk]
    assert client.get("/api/members/?category=in_service").json()["count"] == 11
    assert client.get("/api/members/?category=retired").json()["count"] == 0
    assert client.get("/api/members/?category=nope").status_code == 400
    assert client.get("/api/members/?branch=abc").status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("community_x", 200),
        ("street_staff", 200),
        ("grid_worker", 404),  # a grid worker does not see the community register
        ("leader", 403),  # sees the register, may not reveal
        ("community_y", 404),
        ("resident", 404),
    ],
)
def test_reveal_endpoint(world, city, persona, status):
    if persona == "leader":
        make_user("leader", Role.LEADER, city.communities[0])
    member = world["members"]
    before = AuditEntry.objects.count()
    response = client_for(persona).post(
        f"/api/members/{member.pk}/reveal/",
        {"field": "id_number", "reason": "核实"},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"field": "id_number", "value": make_id(1)}
        assert AuditEntry.objects.count() == before + 1
    else:
        assert AuditEntry.objects.count() == before


def test_reveal_requires_reason(world):
    response = client_for("community_x").post(
        f"/api/residents/{world['residents'].pk}/reveal/",
        {"field": "phone", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_auditor_sees_the_reveal(world, city):
    make_user("auditor", Role.AUDITOR, city.district)
    client_for("community_x").post(
        f"/api/members/{world['members'].pk}/reveal/",
        {"field": "phone", "reason": "联系"},
        content_type="application/json",
    )
    entries = selectors.audit_log_for(actor=city.users["community_x"])
    assert not entries.exists()  # staff do not read the audit log
    auditor = User.objects.get(username="auditor")
    seen = selectors.audit_log_for(actor=auditor, filters=selectors.AuditFilters(action="reveal"))
    assert [(e.actor_name, e.fields, e.reason) for e in seen] == [("community_x", "phone", "联系")]


def test_resident_tags_per_role(world, city):
    make_user("head", Role.BUILDING_HEAD, city.communities[0])
    grid = client_for("community_x").get("/api/residents/?tags=elderly_alone").json()
    assert [r["tags"] for r in grid["results"]] == [["elderly_alone"]]
    head = client_for("head").get("/api/residents/?tags=elderly_alone").json()
    assert [r["tags"] for r in head["results"]] == [[]]


def test_exports_masked_by_default_and_audited(world, city):
    client = client_for("community_x")
    before = AuditEntry.objects.count()
    response = client.get("/api/members/export/")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][2] == "身份证号" and "*" in rows[1][2]
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").action == "export"
    assert client.get("/api/members/export/?unmasked=true&reason=x").status_code == 405  # POST only
    assert client.post("/api/members/export/", {}).status_code == 400  # needs a reason
    unmasked = client.post("/api/members/export/", {"reason": "上报组织部"})
    rows = list(load_workbook(io.BytesIO(unmasked.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == make_id(1)
    assert AuditEntry.objects.count() == before + 2
    assert AuditEntry.objects.latest("id").action == "export_unmasked"
    make_user("head2", Role.BUILDING_HEAD, city.communities[0])
    assert client_for("head2").post("/api/residents/export/", {"reason": "x"}).status_code == 403
    assert AuditEntry.objects.count() == before + 2


def test_report_flow_over_api(world, city):
    report = world["reports"]
    assert client_for("community_y").post(f"/api/reports/{report.pk}/confirm/", {}).status_code == 404
    assert client_for("grid_worker").post(f"/api/reports/{report.pk}/confirm/", {}).status_code == 404
    make_user("leader", Role.LEADER, city.communities[0])
    assert client_for("leader").post(f"/api/reports/{report.pk}/confirm/", {}).status_code == 403
    ok = client_for("community_x").post(
        f"/api/reports/{report.pk}/confirm/", {"note": "好"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    again = client_for("community_x").post(
        f"/api/reports/{report.pk}/confirm/", {}, content_type="application/json"
    )
    assert again.status_code == 409  # a transition not allowed: the house answers 409
    unit_report = client_for("community_x").post(
        "/api/reports/",
        {"unit": city.units[0].pk, "community": city.communities[0].pk},
        content_type="application/json",
    )
    assert unit_report.status_code == 201 and Report.objects.filter(kind="unit").count() == 1
    both = client_for("community_x").post(
        "/api/reports/", {"community": city.communities[0].pk}, content_type="application/json"
    )
    assert both.status_code == 400


def test_posts_points_floating_meetings_over_api(world, city):
    client = client_for("community_x")
    post = client.post(
        "/api/posts/",
        {"community": city.communities[0].pk, "name": "矛盾调解岗", "duties": "调解", "capacity": 2},
        content_type="application/json",
    )
    assert post.status_code == 201
    without_capacity = client.post(
        "/api/posts/",
        {"community": city.communities[0].pk, "name": "环境监督岗"},
        content_type="application/json",
    )
    assert without_capacity.status_code == 201 and without_capacity.json()["capacity"] == 1
    claim = client.post(
        f"/api/posts/{post.json()['id']}/claim/",
        {"member": world["members"].pk},
        content_type="application/json",
    )
    assert claim.status_code == 201
    duty = client.post(
        f"/api/post-claims/{claim.json()['id']}/duty/",
        {"on_date": "2024-05-01", "hours": "1.5", "note": "调解邻里纠纷"},
        content_type="application/json",
    )
    assert duty.status_code == 201
    bad = client.post(
        f"/api/post-claims/{claim.json()['id']}/duty/",
        {"on_date": "2024-05-01", "hours": "30", "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "hours" in bad.json()
    decide = client.post(
        f"/api/point-requests/{world['point-requests'].pk}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert decide.status_code == 200 and decide.json()["status"] == "approved"
    points = client.get(f"/api/members/{world['members'].pk}/points/?year=2024").json()
    entries = PointEntry.objects.filter(member=world["members"])
    assert points["balance"] == sum(e.points for e in entries)
    entry = entries.filter(rule__code="commendation").get()
    assert (
        client_for("community_y")
        .post(
            f"/api/point-entries/{entry.pk}/correct/",
            {"points": -2, "reason": "x"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    corrected = client.post(
        f"/api/point-entries/{entry.pk}/correct/",
        {"points": -2, "reason": "重复"},
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["corrects"] == entry.pk
    ranking = client.get(f"/api/rankings/?year=2024&community={city.communities[0].pk}").json()
    assert ranking[0]["id"] == world["members"].pk
    assert client_for("community_y").get("/api/rankings/?year=2024").json() == []
    floating = world["floating-members"]
    contact = client.post(
        f"/api/floating-members/{floating.pk}/contact/",
        {"on_date": "2024-02-01", "note": "微信联系"},
        content_type="application/json",
    )
    assert contact.status_code == 200 and contact.json()["contact_due_on"] == "2024-05-01"
    rates = client.get("/api/attendance-rates/?year=2024").json()
    assert rates[0]["rate"] == 1.0
    meeting = client.post(
        "/api/meetings/",
        {
            "branch": world["meetings"].branch_id,
            "kind": "group",
            "held_on": "2024-03-01",
            "topic": "学习",
            "attendance": {str(world["members"].pk): "leave"},
        },
        content_type="application/json",
    )
    assert meeting.status_code == 201 and meeting.json()["expected"] == 1
    assert (
        client_for("community_y")
        .post(
            "/api/meetings/",
            {
                "branch": world["meetings"].branch_id,
                "kind": "group",
                "held_on": "2024-03-01",
                "topic": "x",
                "attendance": {},
            },
            content_type="application/json",
        )
        .status_code
        == 400
    )


# Personal data on the API: birth year-month only, tags per row, exports, bounded integers.


def test_api_shows_birth_year_month_only(registers, city):
    client = logged_in(city.users["community_x"])
    member = client.get(f"/api/members/{registers['member'].pk}/").json()
    assert member["birth_month"] == "1980-01" and "birth_date" not in member
    resident = client.get(f"/api/residents/{registers['old'].pk}/").json()
    assert resident["birth_month"] == "1980-01" and "birth_date" not in resident
    listed = client.get("/api/members/").json()["results"]
    assert [m["birth_month"] for m in listed] == ["1980-01"]
    assert "1980-01-01" not in client.get("/api/residents/").content.decode()


def test_resident_api_list_tags_without_n_plus_one(
    mixed_reader, registers, city, django_assert_max_num_queries
):
    for i in range(10):
        services.resident_create(
            actor=city.users["community_y"],
            person=PersonInput(name=f"居民{i}", id_number=make_id(100 + i), phone=phone(100 + i)),
            community=city.communities[2],
            tags="低收入",
        )
    client = logged_in(mixed_reader)
    client.get("/api/residents/")
    with django_assert_max_num_queries(8):
        body = client.get("/api/residents/").json()
    assert sum(1 for r in body["results"] if r["tags"] == ["low_income"]) == 10


def test_api_exports_no_store_and_unmasked_is_post(registers, city):
    client = logged_in(city.users["community_x"])
    before = AuditEntry.objects.count()
    masked = client.get("/api/residents/export/")
    assert masked.status_code == 200 and "no-store" in masked["Cache-Control"]
    assert client.get(f"/api/residents/export/?unmasked=1&reason=x&q={HUGE}").status_code == 405
    assert client.post("/api/residents/export/", {"reason": " "}).status_code == 400
    plain = client.post("/api/residents/export/", {"reason": "核对"})
    assert plain.status_code == 200 and "no-store" in plain["Cache-Control"]
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:]
    assert actions == ["export", "export_unmasked"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/members/{member}/points/?year=99999",
        "/api/rankings/?year=99999",
        "/api/meetings/?year=99999",
        "/api/attendance-rates/?year=99999",
        "/api/members/?branch=" + HUGE,
        "/api/members/?community=" + HUGE,
        "/api/residents/?building=" + HUGE,
        "/api/residents/?community=" + HUGE,
        "/api/rankings/?branch=" + HUGE,
        "/api/reports/?year=0",
        "/api/post-claims/?member=" + HUGE,
    ],
)
def test_huge_api_parameters_are_400(registers, city, url):
    response = logged_in(city.users["community_x"]).get(url.format(member=registers["member"].pk))
    assert response.status_code == 400
    assert set(response.json()) & {"year", "branch", "community", "building", "member"}


def test_in_range_api_parameters_still_work(registers, city):
    client = logged_in(city.users["community_x"])
    points = client.get(f"/api/members/{registers['member'].pk}/points/?year=2024").json()
    assert points["year_balance"] == points["balance"]
    assert client.get(f"/api/members/?branch={registers['member'].branch_id}").json()["count"] == 1
