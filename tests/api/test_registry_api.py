import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def token_client(username: str) -> Client:
    client = Client()
    response = client.post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def test_token_rejects_wrong_password(city):
    response = Client().post(
        "/api/auth/token/", {"username": "community_x", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert "token" not in response.json()


def test_anonymous_gets_401(city):
    assert Client().get("/api/areas/").status_code == 401


def test_community_user_sees_only_its_subtree(city):
    client = token_client("community_x")
    body = client.get("/api/areas/?page_size=100").json()
    names = {row["name"] for row in body["results"]}
    assert body["count"] == 1 + 2 + 2  # community, its two grids, their two buildings
    assert city.communities[0].name in names
    assert city.communities[2].name not in names
    assert client.get(f"/api/areas/{city.communities[2].pk}/").status_code == 404
    detail = client.get(f"/api/areas/{city.grids[0].pk}/").json()
    assert detail["geometry"]["type"] == "Polygon"
    assert detail["parent"] == city.communities[0].pk


def test_street_user_sees_all_its_communities(city):
    client = token_client("street_staff")
    body = client.get("/api/areas/?kind=community").json()
    assert {r["id"] for r in body["results"]} == {city.communities[0].pk, city.communities[1].pk}


def test_locate_points(city):
    client = token_client("community_x")
    response = client.post(
        "/api/areas/locate/",
        {
            "points": [
                {"lon": 121.325, "lat": 37.525},  # street 1, community 1-1, grid 1-1-1
                {"lon": 121.475, "lat": 37.575},  # street 2, community 2-2, grid 2-2-2
                {"lon": 120.0, "lat": 30.0},  # outside
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0] == {
        "grid": city.grids[0].pk,
        "community": city.communities[0].pk,
        "street": city.streets[0].pk,
    }
    assert results[1]["grid"] == city.grids[7].pk
    assert results[2] == {"grid": None, "community": None, "street": None}


def test_locate_rejects_unknown_crs(city):
    client = token_client("community_x")
    response = client.post(
        "/api/areas/locate/",
        {"points": [{"lon": 121.3, "lat": 37.5}], "crs": "mars"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "crs" in response.json()
