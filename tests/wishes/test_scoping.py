"""Who sees which wish, for every list and detail of the wishes API and pages: each persona
against wishes of community X (0), X's sibling in the same street (1) and Y (2, the other street).
Staff see their subtree, a wisher their own, everyone else nothing (404 on a detail, never 403)."""

from __future__ import annotations

import pytest

from quanyu.wishes import services
from tests.asserts import nothing_written
from tests.people.helpers import logged_in

SEES = {
    "district_admin": {0, 1, 2},
    "street_staff": {0, 1},
    "community_x": {0},
    "community_y": {2},
    "grid_worker": set(),
    "department_handler": set(),
    "resident": {"own"},
    "outsider": set(),
}


@pytest.fixture
def wishes(world, city):
    """One wish posted on someone's behalf in each of communities 0, 1, 2, and the resident's own."""
    from quanyu.people import services as people
    from quanyu.people.services import PersonInput
    from tests.people.helpers import make_id, phone
    from tests.wishes.factories import resident_wish

    found = {}
    for i in (0, 1, 2):
        staff = city.users["district_admin"]
        person = people.resident_create(
            actor=staff,
            person=PersonInput(name=f"居民{i}", id_number=make_id(300 + i), phone=phone(300 + i)),
            community=city.communities[i],
            tags="低收入",
        )
        found[i] = services.wish_submit_on_behalf(
            actor=staff, resident=person, kind="goods", text="需要一台电风扇"
        )
    found["own"] = resident_wish(city)
    return found


@pytest.mark.parametrize("persona", sorted(SEES))
def test_lists_and_details(city, wishes, persona):
    client = logged_in(city.users[persona])
    expected = {wishes[k].pk for k in SEES[persona]}
    if persona in {"district_admin", "community_x", "street_staff"}:
        expected.add(wishes["own"].pk)  # the resident's wish is in community 0
    listed = {w["id"] for w in client.get("/api/wishes/?page_size=100").json()["results"]}
    assert listed == expected
    for wish in wishes.values():
        code = 200 if wish.pk in expected else 404
        assert client.get(f"/api/wishes/{wish.pk}/").status_code == code, wish
        assert client.get(f"/wishes/{wish.pk}/").status_code == code, wish
        if code == 404:
            with nothing_written(wish):
                assert client.post(f"/api/wishes/{wish.pk}/reject/", {"reason": "不受理"}).status_code == 404
                assert client.post(f"/wishes/{wish.pk}/reject/", {"reason": "不受理"}).status_code == 404
    desk = client.get("/wishes/manage/?status=all")
    staff_sees = {wishes[k].pk for k in SEES[persona] if k != "own"}
    if desk.status_code == 200:
        body = desk.content.decode()
        for wish in wishes.values():
            assert (f'data-wish="{wish.pk}"' in body) == (
                wish.pk in staff_sees or (wish == wishes["own"] and 0 in SEES[persona])
            )
    else:
        assert desk.status_code == 403 and not staff_sees


def test_anonymous_is_refused_everywhere_but_the_wall(city, wishes):
    from django.test import Client

    client = Client()
    assert client.get("/api/wishes/").status_code in (401, 403)
    assert client.get(f"/api/wishes/{wishes[0].pk}/").status_code in (401, 403)
    assert client.get("/api/wish-claims/").status_code in (401, 403)
    assert client.get(f"/wishes/{wishes[0].pk}/").status_code == 302
    assert client.get("/wishes/manage/").status_code == 302
    assert client.get("/wishes/wall/").status_code == 200
    assert client.get("/api/wish-wall/").status_code == 200
