"""The pick-a-point map opens on the user's own grids (issue 13 point 4): a resident's community,
a grid worker's grid; anonymous users and district-wide staff get the whole city."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import own_grid_ids_for
from quanyu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def focus_of(user) -> list[int]:
    client = Client()
    if user is not None:
        client.force_login(user)
    html = client.get("/tickets/new/").content.decode()
    match = re.search(r'data-focus-grids="([\d,]*)"', html)
    assert match
    return [int(x) for x in match.group(1).split(",") if x]


def test_resident_opens_on_the_grids_of_the_community(city):
    community = city.communities[0]
    expected = list(
        Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    assert expected
    assert focus_of(city.users["resident"]) == expected == own_grid_ids_for(actor=city.users["resident"])


def test_grid_worker_opens_on_the_grid_and_others_on_the_city(city):
    assert own_grid_ids_for(actor=city.users["grid_worker"]) == [city.grids[0].pk]
    assert focus_of(None) == []
    assert own_grid_ids_for(actor=city.users["district_admin"]) == []


# --- the registry as the base map, the place search, and sending without a point -------------


def test_base_layer_names_streets_and_communities(city, client):
    collection = client.get("/tickets/base.geojson").json()
    kinds = {(f["properties"]["kind"], f["properties"]["name"]) for f in collection["features"]}
    assert ("street", "街道1") in kinds and ("community", "社区2-2") in kinds
    assert len(collection["features"]) == len(city.streets) + len(city.communities)
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Polygon" and len(first["properties"]["label_at"]) == 2


def test_buildings_in_view_and_a_bad_box(city, client):
    b = city.buildings[0]
    near = f"{b.lon - 0.01},{b.lat - 0.01},{b.lon + 0.01},{b.lat + 0.01}"
    answer = client.get("/tickets/buildings.json", {"bbox": near}).json()["buildings"]
    assert [x["name"] for x in answer] == [b.name]
    assert set(answer[0]) == {"id", "name", "lon", "lat"}  # a place, nothing about people
    for bad in ("", "1,2,3", "a,b,c,d", "121.5,37.5,121.4,37.6", "121.0,37.0,122.0,38.0"):
        response = client.get("/tickets/buildings.json", {"bbox": bad})
        assert response.status_code == 400 and "bbox" in response.json(), bad


def test_place_search_lists_buildings_first_with_where_they_lie(city, client):
    places = client.get("/tickets/places.json", {"q": "网格1-2"}).json()["places"]
    assert [p["kind"] for p in places] == ["building", "building", "grid", "grid"]
    assert places[0]["name"] == "网格1-2-1-1号楼" and places[0]["where"] == "街道1 · 社区1-2"
    assert client.get("/tickets/places.json", {"q": "1号楼 网格2-2-2"}).json()["places"][0]["name"] == (
        "网格2-2-2-1号楼"
    )
    assert client.get("/tickets/places.json", {"q": "x"}).json() == {"places": []}
    assert client.get("/tickets/places.json", {"q": "不存在的小区"}).json() == {"places": []}


def test_a_resident_may_send_without_a_point_and_it_goes_to_the_home_community(city):
    client = Client()
    client.force_login(city.users["resident"])
    page = client.get("/tickets/new/").content.decode()
    assert 'id="home-note"' in page and city.communities[0].name in page
    response = client.post("/tickets/new/", {"text": "楼下垃圾桶满了没人清"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.community_id == city.communities[0].pk and ticket.grid_id is None
    # Without an account there is no home: the point stays required.
    anonymous = Client().post("/tickets/new/", {"text": "楼下垃圾桶满了没人清"})
    assert anonymous.status_code == 400 and Ticket.objects.count() == 1
