"""Matching: a community's need of one kind against what units in its street offer under their
contracts, nearest first, this community's partners marked; another street's offers never appear;
bad input names the field; the page and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.cogov import matching
from quanyu.orgs.models import Unit, UnitKind
from tests.cogov.factories import signed_contract

pytestmark = pytest.mark.django_db


def place(city):
    """Community 0 at a point; two units of the street under contract at 300 m and ~1.1 km."""
    community = city.communities[0]
    community.lon, community.lat = 121.400, 37.500
    community.save(update_fields=["lon", "lat"])
    near = city.units[0]
    near.lon, near.lat = 121.400, 37.5027  # ~300 m north
    near.save(update_fields=["lon", "lat"])
    signed_contract(city)  # community 0 with unit 0: venue and people
    return community


def test_nearest_first_partners_marked_other_streets_left_out(city):
    community = place(city)
    sibling = next(a for a in city.communities[1:] if a.path[:-4] == community.path[:-4])
    idx = city.communities.index(sibling)
    far = city.units[idx]
    far.lon, far.lat = 121.410, 37.500  # ~880 m east
    far.save(update_fields=["lon", "lat"])
    signed_contract(city, community=idx)
    other_street = next(a for a in city.communities if a.path[:-4] != community.path[:-4])
    signed_contract(city, community=city.communities.index(other_street))
    rows = matching.suggest(community=community, kind="venue")
    assert [r.unit_id for r in rows] == [city.units[0].pk, far.pk]
    assert rows[0].already_partner and not rows[1].already_partner
    assert 250 < rows[0].distance_m < 350 and 800 < rows[1].distance_m < 950
    assert matching.suggest(community=community, kind="funds") == []


def test_units_without_coordinates_come_last(city):
    community = place(city)
    Unit.objects.filter(pk=city.units[0].pk).update(lon=None, lat=None)
    rows = matching.suggest(community=community, kind="people")
    assert rows[0].distance_m is None


def test_page_and_api(city):
    community = place(city)
    staff = Client()
    staff.force_login(city.users["community_x"])
    page = staff.get(f"/cogov/matching/?community={community.pk}&kind=venue")
    assert page.status_code == 200 and "会议室每周开放两次" in page.content.decode()
    api = staff.get(f"/api/cogov/matching/?community={community.pk}&kind=venue")
    assert api.status_code == 200 and api.json()[0]["unit_id"] == city.units[0].pk
    bad = staff.get(f"/api/cogov/matching/?community={community.pk}&kind=gold")
    assert bad.status_code == 400 and "kind" in bad.json()
    other = Client()
    other.force_login(city.users["community_y"])
    assert other.get(f"/api/cogov/matching/?community={community.pk}&kind=venue").status_code in (400, 404)
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).exists()
