"""The wishes pages: each role's page answers 200, out of scope 404, a wrong role 403; the loop
through the forms; bad input 400 and a lost race 409 on the form; the wall page never names the
person and reads a fixed number of queries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.people.models import PointEntry
from quanyu.wishes import services
from quanyu.wishes.models import Wish, WishClaim
from quanyu.wishes.states import WishStatus
from tests.asserts import nothing_written
from tests.people.helpers import logged_in
from tests.wishes.factories import (
    RESIDENT_ID,
    RESIDENT_NAME,
    RESIDENT_PHONE,
    RESIDENT_ROOM,
    behalf_wish,
    claimed,
    jpeg,
    published,
    resident_wish,
)


def test_the_loop_through_the_pages(world, city):
    resident = logged_in(city.users["resident"])
    assert resident.get("/wishes/new/").status_code == 200
    r = resident.post(
        "/wishes/new/", {"kind": "goods", "text": "希望有人帮忙修一下门锁", "contact_phone": ""}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    wish = Wish.objects.get(wisher=city.users["resident"])
    staff = logged_in(city.users["community_x"])
    assert f'data-wish="{wish.pk}"' in staff.get("/wishes/manage/").content.decode()
    r = staff.post(f"/wishes/{wish.pk}/approve/", {"public_text": "某小区一位居民希望有人帮忙修门锁"})
    assert r.status_code == 302
    member = logged_in(world.member_users[0])
    assert member.get(f"/wishes/wall/{wish.pk}/").status_code == 200
    r = member.post(f"/wishes/wall/{wish.pk}/claim/", {"claimant_kind": "member", "shares": 1})
    assert r.status_code == 302
    claim = WishClaim.objects.get(wish=wish)
    assert member.get("/wishes/claims/").status_code == 200
    r = member.post(f"/wishes/claims/{claim.pk}/fulfil/", {"note": "门锁已换好", "photos": [jpeg()]})
    assert r.status_code == 302
    r = resident.post(f"/wishes/{wish.pk}/confirm/", {"note": ""})
    assert r.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert PointEntry.objects.filter(member=world.members[0], rule__code="wish_fulfilled").exists()
    page = member.get("/wishes/record/").content.decode()
    assert "data-realised>1<" in page
    photo = wish.photos.get()
    assert member.get(f"/wishes/photos/{photo.pk}/").status_code == 200
    assert resident.get(f"/wishes/photos/{photo.pk}/").status_code == 200
    assert logged_in(city.users["community_y"]).get(f"/wishes/photos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "url", "code"),
    [
        ("resident", "/wishes/mine/", 200),
        ("resident", "/wishes/claims/", 200),
        ("resident", "/wishes/record/", 200),
        ("resident", "/wishes/manage/", 403),
        ("community_x", "/wishes/manage/", 200),
        ("community_x", "/wishes/manage/behalf/", 200),
        ("community_x", "/wishes/manage/?status=all", 200),
        ("grid_worker", "/wishes/manage/", 403),
        ("outsider", "/wishes/new/", 403),
        ("outsider", "/wishes/wall/", 200),
    ],
)
def test_pages_by_role(world, city, persona, url, code):
    assert logged_in(city.users[persona]).get(url).status_code == code


def test_scoping_on_the_pages(world, city):
    wish = behalf_wish(world)
    assert logged_in(city.users["community_x"]).get(f"/wishes/{wish.pk}/").status_code == 200
    assert logged_in(city.users["street_staff"]).get(f"/wishes/{wish.pk}/").status_code == 200
    for persona in ("community_y", "grid_worker", "resident", "outsider", "department_handler"):
        assert logged_in(city.users[persona]).get(f"/wishes/{wish.pk}/").status_code == 404, persona
    with nothing_written(wish):
        r = logged_in(city.users["community_y"]).post(
            f"/wishes/{wish.pk}/approve/", {"public_text": "某老人的心愿"}
        )
    assert r.status_code == 404
    assert Client().get(f"/wishes/wall/{wish.pk}/").status_code == 404
    listed = logged_in(city.users["community_y"]).get("/wishes/manage/?status=all").content.decode()
    assert f'data-wish="{wish.pk}"' not in listed
    assert Client().get("/wishes/mine/").status_code == 302


def test_bad_input_and_a_lost_race_on_the_forms(world, city):
    wish = behalf_wish(world)
    staff = logged_in(city.users["community_x"])
    with nothing_written(wish):
        r = staff.post(f"/wishes/{wish.pk}/approve/", {"public_text": f"{RESIDENT_NAME}希望有人陪"})
    assert r.status_code == 400 and "不能含有" in r.content.decode()
    with nothing_written(wish):
        r = staff.post(f"/wishes/{wish.pk}/reject/", {"reason": ""})
    assert r.status_code == 400
    published(wish, city)
    claimed(world, wish)
    with nothing_written(wish):
        r = logged_in(world.member_users[1]).post(
            f"/wishes/wall/{wish.pk}/claim/", {"claimant_kind": "member", "shares": 1}
        )
    assert r.status_code == 409
    with nothing_written(wish):
        r = logged_in(city.users["grid_worker"]).post(
            f"/wishes/wall/{wish.pk}/claim/", {"claimant_kind": "member", "shares": 1}
        )
    assert r.status_code in (403, 409)


def test_no_wall_page_names_the_person(world, city):
    wish = published(behalf_wish(world), city)
    mine = published(resident_wish(city, contact_phone="13900009999", address_detail="7号楼808"), city)
    secrets = [RESIDENT_NAME, RESIDENT_PHONE, RESIDENT_ID, RESIDENT_ROOM, "13900009999", "7号楼808"]
    urls = [
        "/wishes/wall/",
        f"/wishes/wall/?community={city.communities[0].pk}",
        f"/wishes/wall/?street={city.streets[0].pk}&state=open",
        "/wishes/wall/?q=老人",
        f"/wishes/wall/{wish.pk}/",
        f"/wishes/wall/{mine.pk}/",
    ]
    for client in (Client(), logged_in(world.member_users[0]), logged_in(city.users["community_y"])):
        for url in urls:
            body = client.get(url).content.decode()
            assert "某小区" in body, url
            for secret in secrets:
                assert secret not in body, (url, secret)


def test_the_wall_page_reads_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    now = timezone.now()
    Wish.objects.bulk_create(
        [
            Wish(
                kind="goods",
                text="心愿",
                public_text=f"某小区居民心愿{i}",
                community=city.communities[i % 4],
                street=city.streets[(i % 4) // 2],
                scope_path=city.communities[i % 4].path,
                status=WishStatus.PUBLISHED,
                published_at=now,
            )
            for i in range(300)
        ]
    )
    client = Client()
    for page in (1, 5, 15):
        with django_assert_max_num_queries(3):
            assert client.get(f"/wishes/wall/?page={page}").status_code == 200


def test_a_unit_claims_on_the_page_and_sees_its_record(world, city):
    wish = published(resident_wish(city), city)
    contact = logged_in(world.unit_contact)
    page = contact.get(f"/wishes/wall/{wish.pk}/").content.decode()
    assert city.units[0].name in page  # offered as the unit to claim for
    r = contact.post(
        f"/wishes/wall/{wish.pk}/claim/", {"claimant_kind": "unit", "unit": city.units[0].pk, "shares": 1}
    )
    assert r.status_code == 302
    claim = WishClaim.objects.get(wish=wish)
    assert claim.unit_id == city.units[0].pk
    r = contact.post(f"/wishes/claims/{claim.pk}/fulfil/", {"note": "单位志愿者已送达"})
    assert r.status_code == 302
    record = contact.get("/wishes/record/").content.decode()
    assert 'data-record="unit"' in record and city.units[0].name in record


def test_the_pages_read_in_english(world, city):
    wish = published(resident_wish(city), city)
    client = logged_in(city.users["community_x"])
    client.cookies["django_language"] = "en"
    for url, phrase in (
        ("/wishes/wall/", "Wish wall"),
        (f"/wishes/{wish.pk}/", "History"),
        ("/wishes/manage/", "Wishes"),
    ):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert phrase in body, url


def test_the_rankings_page(world, city):
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    services.wish_fulfil(actor=world.member_users[0], claim=claim, note="完成")
    services.wish_confirm(actor=city.users["resident"], wish=wish)
    staff = logged_in(city.users["community_x"])
    page = staff.get("/wishes/rankings/").content.decode()
    assert 'data-rank="1"' in page and world.members[0].name in page
    assert 'data-rank="1"' in staff.get("/wishes/rankings/?by=community").content.decode()
    assert (
        'data-rank="1"' not in logged_in(city.users["community_y"]).get("/wishes/rankings/").content.decode()
    )
    assert logged_in(city.users["resident"]).get("/wishes/rankings/").status_code == 403
