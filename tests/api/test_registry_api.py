import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanyu.api.registry.serializers import MAX_LOCATE_POINTS

pytestmark = pytest.mark.django_db


def test_token_rejects_wrong_password(city):
    response = Client().post(
        "/api/auth/token/", {"username": "community_x", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "token" not in response.json()
    assert response.json()["detail"] == "用户名或密码错误"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "community_x"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": ["a"], "password": "x"}, "username"),
        ({"username": "a\x00b", "password": "x"}, "username"),
        ({"username": "\ud800", "password": "x"}, "username"),
        ({"username": "a" * 151, "password": "x"}, "username"),
    ],
)
def test_token_bad_input_is_400_naming_the_field(city, body, field):
    response = Client().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_token_malformed_json_is_400(city):
    response = Client().post("/api/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_anonymous_gets_401(city):
    assert Client().get("/api/areas/").status_code == 401
    assert Client().get("/api/me/").status_code == 401


def test_community_user_sees_only_its_subtree(city, api_client):
    client = api_client("community_x")
    body = client.get("/api/areas/?page_size=100").json()
    names = {row["name"] for row in body["results"]}
    assert body["count"] == 1 + 2 + 2  # community, its two grids, their two buildings
    assert body["page"] == 1
    assert body["page_size"] == 100
    assert city.communities[0].name in names
    assert city.communities[2].name not in names
    assert client.get(f"/api/areas/{city.communities[2].pk}/").status_code == 404
    detail = client.get(f"/api/areas/{city.grids[0].pk}/").json()
    assert detail["geometry"]["type"] == "Polygon"
    assert detail["parent"] == city.communities[0].pk
    assert detail["children_count"] == 1


def test_street_user_sees_all_its_communities(city, api_client):
    client = api_client("street_staff")
    body = client.get("/api/areas/?kind=community").json()
    assert {r["id"] for r in body["results"]} == {city.communities[0].pk, city.communities[1].pk}


def test_area_filters_parent_within_and_search(city, api_client):
    client = api_client("district_admin")
    children = client.get(f"/api/areas/?parent={city.streets[0].pk}").json()
    assert {r["id"] for r in children["results"]} == {city.communities[0].pk, city.communities[1].pk}
    within = client.get(f"/api/areas/?within={city.streets[0].pk}&kind=grid").json()
    assert {r["id"] for r in within["results"]} == {g.pk for g in city.grids[:4]}
    found = client.get("/api/areas/?search=网格2-2").json()
    assert {r["name"] for r in found["results"]} == {
        "网格2-2-1",
        "网格2-2-2",
        "网格2-2-1-1号楼",
        "网格2-2-2-1号楼",
    }
    assert client.get("/api/areas/?parent=999999").json()["count"] == 0


def test_pagination_pages_through(city, api_client):
    client = api_client("district_admin")
    first = client.get("/api/areas/?page_size=5").json()
    second = client.get("/api/areas/?page_size=5&page=2").json()
    assert first["count"] == second["count"] == 1 + 2 + 4 + 8 + 8
    assert len(first["results"]) == 5
    assert first["next"] is not None and first["previous"] is None
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=0", "page_size"),
        ("page_size=-3", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=1001", "page_size"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("kind=planet", "kind"),
        ("parent=abc", "parent"),
        ("parent=1.5", "parent"),
        ("parent=0", "parent"),
        ("parent=99999999999999999999999", "parent"),
        ("within=-1", "within"),
        ("search=a%00b", "search"),
        ("code=a%00b", "code"),
    ],
)
def test_area_list_bad_query_is_400_naming_the_parameter(city, api_client, query, field):
    response = api_client("district_admin").get(f"/api/areas/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/orgs/?kind=planet",
        "/api/orgs/?area=abc",
        "/api/orgs/?parent=x",
        "/api/units/?kind=planet",
        "/api/units/?area=-5",
        "/api/units/?within=zz",
        "/api/units/?page_size=nope",
    ],
)
def test_org_and_unit_lists_bad_query_is_400(city, api_client, url):
    assert api_client("district_admin").get(url).status_code == 400


def test_page_past_the_end_is_404_in_chinese(city, api_client):
    response = api_client("district_admin").get("/api/areas/?page=99")
    assert response.status_code == 404
    assert "第 99 页不存在" in response.json()["detail"]


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999", "-1"])
def test_detail_with_odd_id_is_404(city, api_client, pk):
    client = api_client("district_admin")
    for endpoint in ("areas", "orgs", "units"):
        assert client.get(f"/api/{endpoint}/{pk}/").status_code == 404


def test_orgs_filters_and_search(city, api_client):
    client = api_client("district_admin")
    street_org = city.orgs[city.streets[0].name]
    children = client.get(f"/api/orgs/?parent={street_org.pk}").json()
    assert {r["id"] for r in children["results"]} == {
        city.orgs[city.communities[0].name].pk,
        city.orgs[city.communities[1].name].pk,
    }
    within = client.get(f"/api/orgs/?within={city.streets[1].pk}").json()
    assert {r["area"] for r in within["results"]} == {
        city.streets[1].pk,
        city.communities[2].pk,
        city.communities[3].pk,
    }
    assert client.get("/api/orgs/?kind=working_committee").json()["count"] == 2
    found = client.get("/api/orgs/?search=社区1-1").json()["results"]
    assert [r["name"] for r in found] == ["社区1-1党委"]
    assert found[0]["area_name"] == "社区1-1"


def test_units_search_and_masked_phone(city, api_client):
    unit = city.units[0]
    unit.contact_phone = "13812345678"
    unit.save()
    client = api_client("community_x")
    body = client.get("/api/units/?search=驻区").json()
    assert [r["name"] for r in body["results"]] == [unit.name]
    assert body["results"][0]["contact_phone_masked"] == "138****5678"
    assert "13812345678" not in client.get(f"/api/units/{unit.pk}/").content.decode()
    assert client.get(f"/api/units/?area={city.communities[0].pk}").json()["count"] == 1
    assert client.get("/api/units/?kind=department").json()["count"] == 0


def test_me(city, api_client):
    body = api_client("street_staff").get("/api/me/").json()
    assert body["username"] == "street_staff"
    assert body["roles"] == ["street_staff"]
    assert body["grants"][0]["area"]["id"] == city.streets[0].pk
    assert body["grants"][0]["role_label"] == "街道工作人员"
    assert [n["id"] for n in body["scope"]] == [city.streets[0].pk]
    assert api_client("outsider").get("/api/me/").json()["scope"] == []


def test_me_of_superuser_shows_tree_roots(city, api_client):
    from tests.factories import make_user

    make_user("root", superuser=True)
    body = api_client("root").get("/api/me/").json()
    assert body["is_superuser"] is True
    assert [n["id"] for n in body["scope"]] == [city.city.pk]


def test_locate_points(city, api_client):
    client = api_client("community_x")
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


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"points": [{"lon": 121.3, "lat": 37.5}], "crs": "mars"}, "crs"),
        ({}, "points"),
        ({"points": []}, "points"),
        ({"points": "121.3,37.5"}, "points"),
        ({"points": [[121.3, 37.5]]}, "第 1 个点"),
        ({"points": [{"lon": 121.3}]}, "第 1 个点的 lat"),
        ({"points": [{"lon": 121.3, "lat": 37.5}, {"lon": "east", "lat": 37.5}]}, "第 2 个点的 lon"),
        ({"points": [{"lon": True, "lat": 37.5}]}, "第 1 个点的 lon"),
        ({"points": [{"lon": 181, "lat": 37.5}]}, "第 1 个点的 lon"),
        ({"points": [{"lon": 121.3, "lat": -91}]}, "第 1 个点的 lat"),
        ({"points": [{"lon": 121.3, "lat": 37.5}] * (MAX_LOCATE_POINTS + 1)}, str(MAX_LOCATE_POINTS)),
    ],
)
def test_locate_bad_input_is_400_naming_the_problem(city, api_client, body, fragment):
    response = api_client("community_x").post("/api/areas/locate/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert fragment in response.content.decode()


def test_locate_many_points_at_once(city, api_client):
    points = [{"lon": 121.325, "lat": 37.525}] * MAX_LOCATE_POINTS
    response = api_client("community_x").post(
        "/api/areas/locate/", {"points": points}, content_type="application/json"
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_LOCATE_POINTS


def test_oversized_body_is_413(city, api_client):
    body = '{"points": [' + ",".join(['{"lon": 121.325, "lat": 37.525}'] * 100_000) + "]}"
    response = api_client("community_x").post("/api/areas/locate/", body, content_type="application/json")
    assert response.status_code == 413
    assert "请求体过大" in response.json()["detail"]


def test_locate_rejects_non_json_and_malformed_json(city, api_client):
    client = api_client("community_x")
    assert client.post("/api/areas/locate/", "{", content_type="application/json").status_code == 400
    assert client.post("/api/areas/locate/", {"points": "x"}).status_code == 415


def test_locate_needs_authentication(city):
    response = Client().post(
        "/api/areas/locate/", {"points": [{"lon": 1, "lat": 1}]}, content_type="application/json"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("url", ["/api/areas/", "/api/orgs/", "/api/units/"])
def test_list_queries_do_not_grow_with_rows(city, api_client, url, django_assert_max_num_queries):
    client = api_client("district_admin")
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(f"{url}?page_size=1").status_code == 200
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        body = client.get(f"{url}?page_size=1000").json()
    assert len(body["results"]) > 1
    # token, grants, count, page (+ parent ids for areas)
    assert len(one_row.captured_queries) <= 5


def test_me_query_count(city, api_client, django_assert_max_num_queries):
    client = api_client("district_admin")
    with django_assert_max_num_queries(3):  # token+user, grants, scope nodes
        assert client.get("/api/me/").status_code == 200


def test_logout_revokes_the_token_it_carries(city, api_client):
    client = api_client("community_x")
    assert client.get("/api/me/").status_code == 200
    assert client.post("/api/auth/logout/").status_code == 204
    gone = client.get("/api/me/")
    assert gone.status_code == 401 and gone["Content-Type"].startswith("application/json")
    assert client.post("/api/auth/logout/").status_code == 401
    assert api_client("community_x").get("/api/me/").status_code == 200  # a new log-in, a new token
