"""Who sees what, for every list and detail of the registry: the API and the back office.

Each endpoint names how to find "the object of community i" in the test city; the matrix then
checks every persona against communities X (0), X's sibling in the same street (1) and Y (2, in the
other street). To cover a new endpoint, add one ``Endpoint`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.core.roles import Role
from quanyu.orgs.models import PartTimeMember
from tests.factories import PASSWORD, City, make_user

pytestmark = pytest.mark.django_db

X, X_SIBLING, Y = 0, 1, 2


@dataclass(frozen=True)
class Endpoint:
    name: str
    list_url: str
    detail_url: str  # with {pk}
    object_of: Callable[[City, int], Any]  # the object belonging to community i
    label_of: Callable[[Any], str]  # text that identifies the object in a list


def _part_time_member(city: City, i: int) -> PartTimeMember:
    community = city.communities[i]
    return PartTimeMember.objects.get_or_create(
        name=f"兼职委员{community.name}",
        unit=city.units[i],
        committee=city.orgs[community.name],
    )[0]


API = [
    Endpoint(
        "api-areas", "/api/areas/?page_size=1000", "/api/areas/{pk}/", lambda c, i: c.communities[i], str
    ),
    Endpoint(
        "api-orgs",
        "/api/orgs/?page_size=1000",
        "/api/orgs/{pk}/",
        lambda c, i: c.orgs[c.communities[i].name],
        str,
    ),
    Endpoint("api-units", "/api/units/?page_size=1000", "/api/units/{pk}/", lambda c, i: c.units[i], str),
]
# Tree changelists show one level at a time; a search lists every match, wherever it sits.
ADMIN = [
    Endpoint(
        "admin-areas",
        "/admin/areas/area/?q=社区",
        "/admin/areas/area/{pk}/change/",
        lambda c, i: c.communities[i],
        str,
    ),
    Endpoint(
        "admin-orgs",
        "/admin/orgs/partyorg/?q=社区",
        "/admin/orgs/partyorg/{pk}/change/",
        lambda c, i: c.orgs[c.communities[i].name],
        str,
    ),
    Endpoint(
        "admin-units", "/admin/orgs/unit/", "/admin/orgs/unit/{pk}/change/", lambda c, i: c.units[i], str
    ),
    Endpoint(
        "admin-part-time-members",
        "/admin/orgs/parttimemember/",
        "/admin/orgs/parttimemember/{pk}/change/",
        _part_time_member,
        lambda m: m.name,
    ),
    Endpoint(
        "admin-venues",
        "/admin/venues/venue/",
        "/admin/venues/venue/{pk}/change/",
        lambda c, i: _venue(c, i),
        lambda v: v.name,
    ),
]


def _venue(city: City, i: int) -> Any:
    """A planned venue of community i (planned: nobody sees it from below, only its office)."""
    from quanyu.venues.models import Venue
    from quanyu.venues.services.register import venue_create

    community = city.communities[i]
    found = Venue.objects.filter(area=community).first()
    if found is not None:
        return found
    admin = User.objects.get(username="district_admin")
    return venue_create(actor=admin, kind="community_centre", area=community, name=f"阵地{community.name}")


# persona -> which of X, X_SIBLING, Y it sees
SEES = {
    "community_x": {X},
    "street_staff": {X, X_SIBLING},
    "district_admin": {X, X_SIBLING, Y},
    "outsider": set(),
}
# The registry API is office data: signed-in users without a staff role get 403, whatever their
# place (a resident of community X, a party member there, a user with no role at all).
API_STAFF = {"community_x", "street_staff", "district_admin"}
API_REFUSED = ["resident", "party_member", "outsider"]


def api_client(username: str) -> Client:
    response = Client().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def admin_client(username: str) -> Client:
    User.objects.filter(username=username).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def listed_labels(response: Any, endpoint: Endpoint) -> str:
    if endpoint.name.startswith("api-"):
        return " ".join(row["name"] for row in response.json()["results"])
    return response.content.decode()


@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", sorted(API_STAFF))
def test_api_matrix(city, endpoint, persona):
    client = api_client(persona)
    objects = {i: endpoint.object_of(city, i) for i in (X, X_SIBLING, Y)}
    response = client.get(endpoint.list_url)
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    for i, obj in objects.items():
        visible = i in SEES[persona]
        assert (obj.pk in listed) is visible, (persona, i)
        detail = client.get(endpoint.detail_url.format(pk=obj.pk))
        assert detail.status_code == (200 if visible else 404), (persona, i)


@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", API_REFUSED)
def test_api_non_staff_is_403(city, endpoint, persona):
    if persona == "party_member":
        make_user("party_member", Role.PARTY_MEMBER, city.communities[X])
    client = api_client(persona)
    response = client.get(endpoint.list_url)
    assert response.status_code == 403
    assert "工作人员" in response.json()["detail"]
    assert "results" not in response.json()
    for i in (X, X_SIBLING, Y):
        assert client.get(endpoint.detail_url.format(pk=endpoint.object_of(city, i).pk)).status_code == 403


@pytest.mark.parametrize("persona", ["resident", "outsider", "community_x"])
def test_api_locate_is_open_to_every_signed_in_user(city, persona):
    response = api_client(persona).post(
        "/api/areas/locate/", {"points": [{"lon": 121.325, "lat": 37.525}]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["grid"] == city.grids[0].pk


@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.name)
def test_api_anonymous_is_401(city, endpoint):
    obj = endpoint.object_of(city, X)
    assert Client().get(endpoint.list_url).status_code == 401
    assert Client().get(endpoint.detail_url.format(pk=obj.pk)).status_code == 401


@pytest.mark.parametrize("endpoint", ADMIN, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", sorted(SEES))
def test_admin_matrix(city, endpoint, persona):
    objects = {i: endpoint.object_of(city, i) for i in (X, X_SIBLING, Y)}
    client = admin_client(persona)
    response = client.get(endpoint.list_url)
    if persona == "outsider":
        assert response.status_code == 403
        for obj in objects.values():
            # Outside every scope the admin's queryset has no such row: not found, never "forbidden".
            assert client.get(endpoint.detail_url.format(pk=obj.pk)).status_code == 404
        return
    assert response.status_code == 200
    page = listed_labels(response, endpoint)
    for i, obj in objects.items():
        visible = i in SEES[persona]
        assert (endpoint.label_of(obj) in page) is visible, (persona, i)
        detail = client.get(endpoint.detail_url.format(pk=obj.pk))
        assert detail.status_code == (200 if visible else 404), (persona, i)


@pytest.mark.parametrize("endpoint", ADMIN, ids=lambda e: e.name)
def test_admin_anonymous_is_sent_to_log_in(city, endpoint):
    obj = endpoint.object_of(city, X)
    for url in (endpoint.list_url, endpoint.detail_url.format(pk=obj.pk)):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["community_x", "street_staff"])
def test_admin_non_staff_with_grants_cannot_enter(city, persona):
    client = Client()
    client.force_login(User.objects.get(username=persona))  # is_staff is False
    assert client.get("/admin/orgs/unit/").status_code == 302


# The venues API is open to residents (booking), but the office reads of planned venues and of
# bookings follow the same matrix as the registry.
VENUE_API = [
    Endpoint("api-venues", "/api/venues/?page_size=1000", "/api/venues/{pk}/", _venue, lambda v: v.name),
]


@pytest.mark.parametrize("endpoint", VENUE_API, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", sorted(SEES))
def test_venue_api_matrix(city, endpoint, persona):
    client = api_client(persona)
    objects = {i: endpoint.object_of(city, i) for i in (X, X_SIBLING, Y)}
    response = client.get(endpoint.list_url)
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    for i, obj in objects.items():
        visible = i in SEES[persona]
        assert (obj.pk in listed) is visible, (persona, i)
        assert client.get(endpoint.detail_url.format(pk=obj.pk)).status_code == (200 if visible else 404)
