"""Regression tests for the review of the people domain: audit log readers, birth date masking,
protected tags decided per row, unmasked exports by POST only, the id_hash unique constraint and
bounded integer parameters on the API."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from quanyu.accounts.models import RoleGrant, User
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.people import selectors, services
from quanyu.people.access import tag_sight, tags_visible_for
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services import PersonInput
from tests.factories import make_user
from tests.people.helpers import add_member, make_id, phone

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(city, branches):
    member = add_member(city, branches, 1)
    old = services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="王奶奶", id_number=make_id(2, male=False), phone=phone(2)),
        community=city.communities[0],
        tags="空巢老人",
    )
    child = services.resident_create(
        actor=city.users["community_y"],
        person=PersonInput(name="小李", id_number=make_id(3, born="20150304"), phone=phone(3)),
        community=city.communities[2],
        tags="留守儿童",
    )
    return {"member": member, "old": old, "child": child}


# 1 — the audit log ---------------------------------------------------------------------------


def test_admin_grants_do_not_open_the_audit_log(world, city):
    services.person_reveal(
        actor=city.users["community_x"], person=world["member"], field="phone", reason="联系"
    )
    street_admin = make_user("street_admin", Role.ADMIN, city.streets[0])
    auditor = make_user("auditor", Role.AUDITOR, city.district)
    root = make_user("root", superuser=True)
    assert not selectors.audit_log_for(actor=street_admin).exists()
    assert not selectors.audit_log_for(actor=city.users["district_admin"]).exists()
    assert selectors.audit_log_for(actor=auditor).filter(action="reveal").count() == 1
    assert selectors.audit_log_for(actor=root).filter(action="reveal").count() == 1


# 2 — birth dates -------------------------------------------------------------------------------


def test_api_shows_birth_year_month_only(world, city):
    client = client_for(city.users["community_x"])
    member = client.get(f"/api/members/{world['member'].pk}/").json()
    assert member["birth_month"] == "1980-01" and "birth_date" not in member
    resident = client.get(f"/api/residents/{world['old'].pk}/").json()
    assert resident["birth_month"] == "1980-01" and "birth_date" not in resident
    listed = client.get("/api/members/").json()["results"]
    assert [m["birth_month"] for m in listed] == ["1980-01"]
    assert "1980-01-01" not in client.get("/api/residents/").content.decode()


# 3 — protected tags per row --------------------------------------------------------------------


@pytest.fixture
def mixed(world, city):
    """Building head (a reader, no tags) in community 0; community staff (tags) in community 2."""
    user = make_user("mixed", Role.BUILDING_HEAD, city.communities[0])
    RoleGrant.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=city.communities[2])
    return User.objects.get(pk=user.pk)


def test_tags_only_where_the_actor_may_see_them(mixed, world):
    sight = tag_sight(mixed)
    assert tags_visible_for(actor=mixed, person=world["old"], sight=sight) == []
    assert tags_visible_for(actor=mixed, person=world["child"]) == ["left_behind_child"]
    rows = {r["name"]: r["tags"] for r in client_for(mixed).get("/api/residents/").json()["results"]}
    assert rows == {"王奶奶": [], "小李": ["left_behind_child"]}
    detail = client_for(mixed).get(f"/api/residents/{world['old'].pk}/").json()
    assert detail["tags"] == []


def test_resident_api_list_tags_without_n_plus_one(mixed, world, city, django_assert_max_num_queries):
    for i in range(10):
        services.resident_create(
            actor=city.users["community_y"],
            person=PersonInput(name=f"居民{i}", id_number=make_id(100 + i), phone=phone(100 + i)),
            community=city.communities[2],
            tags="低收入",
        )
    client = client_for(mixed)
    client.get("/api/residents/")
    with django_assert_max_num_queries(8):
        body = client.get("/api/residents/").json()
    assert sum(1 for r in body["results"] if r["tags"] == ["low_income"]) == 10


# 4 — unmasked exports --------------------------------------------------------------------------


def test_api_exports_no_store_and_unmasked_is_post(world, city):
    client = client_for(city.users["community_x"])
    before = AuditEntry.objects.count()
    masked = client.get("/api/residents/export/")
    assert masked.status_code == 200 and "no-store" in masked["Cache-Control"]
    assert client.get(f"/api/residents/export/?unmasked=1&reason=x&q={HUGE}").status_code == 405
    assert client.post("/api/residents/export/", {"reason": " "}).status_code == 400
    plain = client.post("/api/residents/export/", {"reason": "核对"})
    assert plain.status_code == 200 and "no-store" in plain["Cache-Control"]
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:]
    assert actions == ["export", "export_unmasked"]


# 5 — one register entry per ID number ----------------------------------------------------------


def test_id_hash_unique_per_register(world, city, branches):
    member = world["member"]
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyMember.objects.create(
            name="重复",
            id_hash=member.id_hash,
            branch=member.branch,
            branch_path=member.branch_path,
            category=member.category,
            community=member.community,
            scope_path=member.scope_path,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(
            name="重复", id_hash=world["old"].id_hash, community=city.communities[0], scope_path="x"
        )
    # Anonymised people (empty hash) are exempt; a member may also be a resident.
    for name in ("甲", "乙"):
        Resident.objects.create(name=name, id_hash="", community=city.communities[0], scope_path="x")
    services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="党员1", id_number=make_id(1), phone=phone(1)),
        community=city.communities[0],
    )


def test_duplicate_id_is_a_clear_error_and_nothing_written(world, city, branches):
    from django.core.exceptions import ValidationError

    members = PartyMember.objects.count()
    with pytest.raises(ValidationError) as exc:
        add_member(city, branches, 1)
    assert exc.value.message_dict == {"身份证号": ["该身份证号已在党员名册中"]}
    assert PartyMember.objects.count() == members
    residents = Resident.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.resident_create(
            actor=city.users["community_x"],
            person=PersonInput(name="又一个", id_number=make_id(2, male=False), phone=phone(9)),
            community=city.communities[0],
        )
    assert exc.value.message_dict == {"身份证号": ["该身份证号已在居民名册中"]}
    assert Resident.objects.count() == residents


# 7 — bounded integers on the API ---------------------------------------------------------------


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
def test_huge_api_parameters_are_400(world, city, url):
    response = client_for(city.users["community_x"]).get(url.format(member=world["member"].pk))
    assert response.status_code == 400
    assert set(response.json()) & {"year", "branch", "community", "building", "member"}


def test_in_range_api_parameters_still_work(world, city):
    client = client_for(city.users["community_x"])
    points = client.get(f"/api/members/{world['member'].pk}/points/?year=2024").json()
    assert points["year_balance"] == points["balance"]
    assert client.get(f"/api/members/?branch={world['member'].branch_id}").json()["count"] == 1
