"""The wishes API: the loop over HTTP, and one test per answer of the error map (400 naming the
field, 403, 404, 409); the wall's privacy and its query count at the seeds' scale."""

from __future__ import annotations

import json

from django.test import Client
from django.utils import timezone

from quanyu.wishes.models import Wish, WishEvent
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


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_the_loop_over_the_api(world, city):
    resident = logged_in(city.users["resident"])
    r = post(
        resident,
        "/api/wishes/",
        {
            "community": city.communities[0].pk,
            "kind": "goods",
            "text": "希望有人帮忙买一个电饭煲",
            "contact_phone": "13900001111",
        },
    )
    assert r.status_code == 201, r.content
    wish_id = r.json()["id"]
    staff = logged_in(city.users["community_x"])
    r = post(staff, f"/api/wishes/{wish_id}/approve/", {"public_text": "某小区一位居民希望有一个电饭煲"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = Client().get("/api/wish-wall/", {"community": city.communities[0].pk})
    assert r.status_code == 200 and [w["id"] for w in r.json()["results"]] == [wish_id]
    member = logged_in(world.member_users[0])
    r = post(member, f"/api/wish-wall/{wish_id}/claim/")
    assert r.status_code == 201, r.content
    claim_id = r.json()["id"]
    r = member.post(f"/api/wish-claims/{claim_id}/fulfil/", {"note": "已送到", "photos": [jpeg()]})
    assert r.status_code == 200, r.content
    r = post(resident, f"/api/wishes/{wish_id}/confirm/")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = member.get("/api/wish-record/", {"year": timezone.localdate().year})
    assert r.status_code == 200 and r.json()["realised"] == 1


def test_bad_input_is_a_400_naming_the_field(world, city):
    resident = logged_in(city.users["resident"])
    with nothing_written():
        r = post(
            resident,
            "/api/wishes/",
            {"community": city.communities[0].pk, "kind": "money", "text": "希望得到帮助"},
        )
    assert r.status_code == 400 and "kind" in r.json()
    with nothing_written():
        r = post(
            resident, "/api/wishes/", {"community": city.communities[0].pk, "kind": "goods", "text": "短"}
        )
    assert r.status_code == 400 and "text" in r.json()
    wish = resident_wish(city)
    staff = logged_in(city.users["community_x"])
    with nothing_written(wish):
        r = post(staff, f"/api/wishes/{wish.pk}/approve/", {"public_text": "联系电话13900000555的居民"})
    assert r.status_code == 400 and "public_text" in r.json()
    assert Client().get("/api/wish-wall/", {"community": "x"}).status_code == 400
    assert Client().get("/api/wish-wall/", {"kind": "money"}).status_code == 400


def test_a_wrong_role_is_a_403(world, city):
    wish = resident_wish(city)
    with nothing_written(wish):
        r = post(
            logged_in(city.users["resident"]),
            f"/api/wishes/{wish.pk}/approve/",
            {"public_text": "某居民的心愿"},
        )
    assert r.status_code == 403
    wish = published(wish, city)
    with nothing_written(wish):
        r = post(logged_in(city.users["grid_worker"]), f"/api/wish-wall/{wish.pk}/claim/")
    assert r.status_code == 403
    assert post(Client(), f"/api/wish-wall/{wish.pk}/claim/").status_code in (401, 403)


def test_out_of_scope_is_a_404(world, city):
    wish = behalf_wish(world)
    assert logged_in(city.users["community_y"]).get(f"/api/wishes/{wish.pk}/").status_code == 404
    assert logged_in(city.users["resident"]).get(f"/api/wishes/{wish.pk}/").status_code == 404
    assert Client().get(f"/api/wish-wall/{wish.pk}/").status_code == 404  # not published yet
    with nothing_written(wish):
        r = post(
            logged_in(city.users["community_y"]),
            f"/api/wishes/{wish.pk}/approve/",
            {"public_text": "某老人的心愿"},
        )
    assert r.status_code == 404
    claim = claimed(world, published(wish, city))
    assert logged_in(world.member_users[1]).get(f"/api/wish-claims/{claim.pk}/").status_code == 404


def test_a_taken_wish_is_a_409(world, city):
    wish = published(resident_wish(city), city)
    claimed(world, wish)
    wish.refresh_from_db()
    with nothing_written(wish):
        r = post(logged_in(world.member_users[1]), f"/api/wish-wall/{wish.pk}/claim/")
    assert r.status_code == 409 and r.json()["detail"]


def test_no_wall_answer_names_the_person(world, city):
    """Every wall response (list with each filter, detail) for a wish posted on someone's behalf."""
    wish = published(behalf_wish(world), city)
    claimed(world, wish)
    mine = resident_wish(city, contact_phone="13900009999", address_detail="7号楼808")
    published(mine, city)
    secrets = [
        RESIDENT_NAME,
        RESIDENT_PHONE,
        RESIDENT_ID,
        RESIDENT_ROOM,
        "13900009999",
        "7号楼808",
        "resident",
    ]
    client = Client()
    urls = [
        "/api/wish-wall/",
        f"/api/wish-wall/?community={city.communities[0].pk}",
        f"/api/wish-wall/?street={city.streets[0].pk}",
        "/api/wish-wall/?state=claimed",
        "/api/wish-wall/?kind=companionship",
        "/api/wish-wall/?q=老人",
        f"/api/wish-wall/{wish.pk}/",
        f"/api/wish-wall/{mine.pk}/",
    ]
    for url in urls:
        for c in (client, logged_in(world.member_users[0])):
            body = c.get(url).content.decode()
            for secret in secrets:
                assert secret not in body, (url, secret)
            assert "某小区" in body, url


def test_the_wall_at_35000_wishes_reads_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    now = timezone.now()
    rows = [
        Wish(
            kind="goods",
            text="心愿",
            public_text=f"某小区一位居民的心愿{i}",
            community=city.communities[i % 4],
            street=city.streets[(i % 4) // 2],
            scope_path=city.communities[i % 4].path,
            status=WishStatus.PUBLISHED if i % 3 else WishStatus.CONFIRMED,
            published_at=now,
        )
        for i in range(35_000)
    ]
    Wish.objects.bulk_create(rows, batch_size=5000)
    client = Client()
    for query in ("", f"&community={city.communities[1].pk}", f"&street={city.streets[1].pk}&state=open"):
        for page, size in ((1, 20), (3, 100), (50, 50)):
            # The count, the page's ids, the page's rows (selectors.wall_rows).
            with django_assert_max_num_queries(3):
                r = client.get(f"/api/wish-wall/?page={page}&page_size={size}{query}")
            assert r.status_code == 200 and len(r.json()["results"]) == size
    assert WishEvent.objects.count() == 0


def test_the_staff_list_reads_a_fixed_number_of_queries(world, city, django_assert_max_num_queries):
    staff = logged_in(city.users["community_x"])
    for n in (3, 25):
        while Wish.objects.count() < n:
            if Wish.objects.count() % 2:
                behalf_wish(world)
            else:
                resident_wish(city)
        with django_assert_max_num_queries(8):
            r = staff.get("/api/wishes/?page_size=50")
        assert r.status_code == 200 and r.json()["count"] == n
        with django_assert_max_num_queries(8):
            assert staff.get("/wishes/manage/?status=all").status_code == 200
