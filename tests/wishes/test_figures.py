"""The figures other apps read: realised wishes per community, rankings over a period, and the
listeners told after a confirmation commits."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanyu.people.models import PartyMember
from quanyu.wishes import figures, hooks, services
from tests.people.helpers import logged_in
from tests.wishes.factories import claimed, fulfilled, published, resident_wish


def _realise(world, city, who=0, **claim):
    wish = published(resident_wish(city), city)
    claim_row = (
        services.wish_claim(actor=world.member_users[who], wish=wish, **claim)
        if claim
        else claimed(world, wish, who)
    )
    fulfilled(world, claim_row, who)
    return services.wish_confirm(actor=city.users["resident"], wish=wish)


def test_realised_per_community_and_rankings(world, city):
    PartyMember.objects.filter(pk=world.members[1].pk).update(work_unit=city.units[0])
    _realise(world, city, 0)
    _realise(world, city, 0)
    _realise(world, city, 1)
    today = timezone.localdate()
    assert figures.realised_per_community(start=today, end=today) == {city.communities[0].pk: 3}
    assert (
        figures.realised_per_community(start=today - dt.timedelta(days=9), end=today - dt.timedelta(days=1))
        == {}
    )
    staff = city.users["community_x"]
    by_member = figures.ranking(actor=staff, by="member", start=today, end=today)
    assert [(r.rank, r.key, r.realised) for r in by_member] == [
        (1, world.members[0].pk, 2),
        (2, world.members[1].pk, 1),
    ]
    by_unit = figures.ranking(actor=staff, by="unit", start=today, end=today)
    assert [(r.key, r.realised) for r in by_unit] == [(city.units[0].pk, 1)]
    assert figures.ranking(actor=city.users["community_y"], by="community", start=today, end=today) == []
    r = logged_in(staff).get("/api/wish-rankings/", {"by": "community"})
    assert r.status_code == 200 and r.json()[0]["realised"] == 3
    assert logged_in(city.users["resident"]).get("/api/wish-rankings/").status_code == 403
    assert logged_in(staff).get("/api/wish-rankings/", {"start": "2026-13-01"}).status_code == 400


def test_listeners_hear_of_a_confirmation_after_commit(world, city, django_capture_on_commit_callbacks):
    heard: list[frozenset[int]] = []
    listener = hooks.on_wish_changed(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            wish = _realise(world, city)
        assert heard == [frozenset({wish.pk})]
    finally:
        hooks.remove_wish_listener(listener)
