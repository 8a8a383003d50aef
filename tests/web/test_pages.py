"""The registry pages, rendered for real through Django's test client, for every persona."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.areas.models import Area
from quanyu.orgs.models import PartyOrg, Unit, UnitKind
from quanyu.people import services as people_services
from quanyu.people.models import Resident
from tests.factories import PASSWORD
from tests.people.helpers import add_member, make_branches, make_id

pytestmark = pytest.mark.django_db

STAFF = ["district_admin", "street_staff", "community_x", "community_y", "grid_worker", "department_handler"]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def text(response) -> str:
    return response.content.decode()


# --- shell and home ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(city):
    for url in ["/", "/areas/", f"/areas/{city.district.pk}/", "/orgs/", "/units/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", [*STAFF, "resident", "outsider"])
def test_home_renders_for_every_persona(city, persona):
    response = client_for(persona).get("/")
    assert response.status_code == 200
    body = text(response)
    assert "<h1>工作台</h1>" in body
    assert 'action="/i18n/setlang/"' in body
    assert 'action="/logout/"' in body


def test_community_home_counts_only_its_scope(city):
    response = client_for("community_x").get("/")
    counts = response.context["counts"]
    assert counts["grid"] == 2
    assert counts["building"] == 2
    assert counts["population"] == 2000  # the two grids of 社区1-1
    assert counts["households"] == 800
    assert counts["party_orgs"] == 1
    assert counts["units"] == 1
    assert counts["street"] == 0
    body = text(response)
    assert city.communities[0].name in body
    assert city.communities[2].name not in body


def test_district_admin_home_counts_the_district(city):
    counts = client_for("district_admin").get("/").context["counts"]
    assert (counts["street"], counts["community"], counts["grid"], counts["building"]) == (2, 4, 8, 8)
    assert counts["population"] == 8000
    assert counts["party_orgs"] == 7
    assert counts["units"] == 5


def test_nav_depends_on_roles(city):
    # Other domains add their own items; the registry items must be there for staff and absent
    # for residents, whatever else a domain registers.
    registry_items = {"areas", "orgs", "units"}
    staff_nav = [e.key for e in client_for("community_x").get("/").context["nav"]]
    assert staff_nav[0] == "home"
    assert registry_items <= set(staff_nav)
    resident_nav = [e.key for e in client_for("resident").get("/").context["nav"]]
    assert resident_nav[0] == "home"
    assert not registry_items & set(resident_nav)
    body = text(client_for("resident").get("/"))
    assert 'href="/areas/"' not in body
    assert city.communities[0].name in body


def test_residents_and_outsiders_may_not_open_registry_pages(city):
    for persona in ["resident", "outsider"]:
        client = client_for(persona)
        for url in ["/areas/", f"/areas/{city.communities[0].pk}/", "/orgs/", "/units/"]:
            assert client.get(url).status_code == 403, (persona, url)


def test_department_handler_home_shows_its_unit(city):
    response = client_for("department_handler").get("/")
    assert response.context["workbench"] == "department"
    assert "区城管局" in text(response)


def test_home_query_count(city, django_assert_max_num_queries):
    client = client_for("district_admin")
    # The shell and figures (8), and the to-do providers an administrator runs, one query each
    # but the points/双报到 one and the volunteering hours one (two each): community, street,
    # confirmations, the wish desk, hours and corrections, overdue resolution tasks.
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200


# --- area pages -------------------------------------------------------------------------------


def test_area_index_redirects_to_the_single_scope_root(city):
    response = client_for("community_x").get("/areas/")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/{city.communities[0].pk}/"


@pytest.mark.parametrize("persona", STAFF)
def test_area_page_renders_scope_root_for_staff(city, persona):
    client = client_for(persona)
    response = client.get("/areas/", follow=True)
    assert response.status_code == 200
    assert 'id="area-map"' in text(response)


def test_area_index_with_several_scope_roots_lists_them(city):
    from quanyu.accounts.models import RoleGrant
    from quanyu.core.roles import Role

    user = User.objects.get(username="community_x")
    RoleGrant.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=city.communities[3])
    client = client_for("community_x")
    response = client.get("/areas/")
    assert response.status_code == 200
    assert [a.name for a in response.context["children"]] == ["社区1-1", "社区2-2"]
    features = client.get("/areas/geojson").json()["features"]
    assert sorted(f["properties"]["name"] for f in features) == ["社区1-1", "社区2-2"]
    assert all(f["properties"]["population"] == 2000 for f in features)


def test_community_area_page_lists_grids_with_figures(city):
    response = client_for("community_x").get(f"/areas/{city.communities[0].pk}/")
    assert response.status_code == 200
    children = response.context["children"]
    assert [c.name for c in children] == ["网格1-1-1", "网格1-1-2"]
    assert [c.population_total for c in children] == [1000, 1000]
    assert response.context["figures"] == {"population": 2000, "households": 800, "grids": 2}
    # The breadcrumb starts at the user's scope root: no street, no district.
    assert [a.name for a in response.context["breadcrumb"]] == ["社区1-1"]


def test_breadcrumb_runs_from_scope_root(city):
    response = client_for("street_staff").get(f"/areas/{city.grids[1].pk}/")
    assert [a.name for a in response.context["breadcrumb"]] == ["街道1", "社区1-1", "网格1-1-2"]
    body = text(response)
    assert "芝罘区" not in body.split('class="qy-breadcrumb"')[1].split("</nav>")[0]


def test_street_children_sum_their_grids(city):
    response = client_for("street_staff").get(f"/areas/{city.streets[0].pk}/")
    children = response.context["children"]
    assert [(c.name, c.population_total, c.grid_count) for c in children] == [
        ("社区1-1", 2000, 2),
        ("社区1-2", 2000, 2),
    ]


def test_community_x_gets_404_on_community_y(city):
    client = client_for("community_x")
    other = city.communities[2]
    assert client.get(f"/areas/{other.pk}/").status_code == 404
    assert client.get(f"/areas/{other.pk}/geojson").status_code == 404
    assert client.get(f"/areas/{city.streets[0].pk}/").status_code == 404  # above its scope
    assert client.get("/areas/999999/").status_code == 404


def test_street_staff_sees_both_its_communities(city):
    client = client_for("street_staff")
    for community in city.communities[:2]:
        assert client.get(f"/areas/{community.pk}/").status_code == 200
        assert client.get(f"/areas/{community.pk}/geojson").status_code == 200
    for community in city.communities[2:]:
        assert client.get(f"/areas/{community.pk}/").status_code == 404


def test_geojson_of_a_community_holds_its_grid_polygons(city):
    response = client_for("community_x").get(f"/areas/{city.communities[0].pk}/geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    features = body["features"]
    assert {f["properties"]["name"] for f in features} == {"网格1-1-1", "网格1-1-2"}
    for feature in features:
        assert feature["geometry"]["type"] == "Polygon"
        assert set(feature["properties"]) >= {"id", "name", "kind", "population"}
        assert feature["properties"]["kind"] == "grid"
        assert feature["properties"]["population"] == 1000


def test_geojson_of_a_grid_holds_building_points(city):
    response = client_for("grid_worker").get(f"/areas/{city.grids[0].pk}/geojson")
    features = response.json()["features"]
    assert [f["geometry"]["type"] for f in features] == ["Point"]
    assert features[0]["properties"]["kind"] == "building"


def test_geojson_of_a_building_is_the_building_itself(city):
    building = city.buildings[0]
    features = client_for("grid_worker").get(f"/areas/{building.pk}/geojson").json()["features"]
    assert [f["id"] for f in features] == [building.pk]


def test_area_pages_query_counts(city, django_assert_max_num_queries):
    client = client_for("district_admin")
    client.get("/")  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(f"/areas/{city.district.pk}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/areas/{city.district.pk}/geojson").status_code == 200


def test_area_page_query_count_does_not_grow_with_children(city, django_assert_max_num_queries):
    from tests.factories import add_area, box

    community = city.communities[0]
    for i in range(20):
        add_area(community, "grid", f"加密网格{i}", box(121.30, 37.50, 121.31, 37.51), population=10)
    client = client_for("street_staff")
    with django_assert_max_num_queries(8):
        response = client.get(f"/areas/{city.streets[0].pk}/")
    assert response.context["children"][0].grid_count == 22
    with django_assert_max_num_queries(8):
        assert client.get(f"/areas/{community.pk}/").status_code == 200


# --- party organisations and units -------------------------------------------------------------


def test_org_tree_is_scoped(city):
    response = client_for("street_staff").get("/orgs/")
    assert response.status_code == 200
    roots = response.context["nodes"]
    assert [o.name for o in roots] == ["街道1党工委"]
    assert [o.name for o in roots[0].loaded_children] == ["社区1-1党委", "社区1-2党委"]
    body = text(response)
    assert "中共芝罘区委" not in body
    assert "街道2党工委" not in body


def test_org_tree_for_district_admin_starts_at_the_district(city):
    response = client_for("district_admin").get("/orgs/")
    assert [o.name for o in response.context["nodes"]] == ["中共芝罘区委"]
    assert len(response.context["nodes"][0].loaded_children) == 2


def test_org_tree_shows_members_in_the_register_beside_the_declared_figure(city):
    """Issue 13 point 9: a node's figure is the register's count under it; a different declared
    figure is shown as declared, never as the member count."""
    branches = make_branches(city)
    for seq in range(3):
        add_member(city, branches, seq, community=0)
    add_member(city, branches, 9, community=2)
    PartyOrg.objects.filter(name="中共芝罘区委").update(member_count=67159)
    body = text(client_for("district_admin").get("/orgs/"))
    assert '<span data-registered="4">在册党员 4 名</span>' in body
    assert 'data-declared="67159"' in body
    street = city.orgs["街道1"]
    part = text(client_for("district_admin").get(f"/orgs/{street.pk}/children", HTTP_HX_REQUEST="true"))
    assert '<span data-registered="3">在册党员 3 名</span>' in part
    # A user who may not read the register sees the declared figure only, not "0 in the register".
    handler = text(client_for("department_handler").get("/orgs/"))
    assert "在册党员" not in handler and "组织申报 67159 名党员" in handler


def test_org_children_partial_and_scope(city):
    street_org = city.orgs["街道1"]
    response = client_for("district_admin").get(f"/orgs/{street_org.pk}/children", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    assert "社区1-1党委" in body and "<html" not in body
    assert client_for("community_y").get(f"/orgs/{street_org.pk}/children").status_code == 404


def test_org_tree_query_count(city, django_assert_max_num_queries):
    street = city.orgs["街道1"]
    for i in range(15):
        PartyOrg.objects.add_child(
            PartyOrg.objects.get(pk=street.pk),
            create_kwargs={"kind": "branch", "name": f"支部{i}", "area": city.communities[0]},
        )
    client = client_for("district_admin")
    with django_assert_max_num_queries(6):
        assert client.get("/orgs/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/orgs/{street.pk}/children").status_code == 200


def test_unit_list_is_scoped_and_searchable(city):
    client = client_for("community_x")
    response = client.get("/units/")
    assert [u.name for u in response.context["page"].object_list] == ["社区1-1驻区单位"]
    admin = client_for("district_admin")
    assert admin.get("/units/").context["page"].paginator.count == 5
    names = [u.name for u in admin.get("/units/", {"q": "城管"}).context["page"].object_list]
    assert names == ["区城管局"]
    kinds = {u.kind for u in admin.get("/units/", {"kind": "department"}).context["page"].object_list}
    assert kinds == {"department"}
    # An unknown kind is ignored, not a 500.
    assert admin.get("/units/", {"kind": "nonsense"}).status_code == 200


def test_unit_search_by_credit_code(city):
    Unit.objects.filter(pk=city.units[0].pk).update(credit_code="91370602MA3C12345X")
    page = client_for("district_admin").get("/units/", {"q": "91370602ma3c"}).context["page"]
    assert [u.pk for u in page.object_list] == [city.units[0].pk]


def test_unit_list_htmx_returns_the_results_fragment(city):
    response = client_for("district_admin").get("/units/", {"q": "驻区"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert "<html" not in body
    assert 'id="unit-table"' in body
    assert "共 4 个单位" in body


def test_unit_list_paginates_with_pinned_queries(city, django_assert_max_num_queries):
    Unit.objects.bulk_create(
        [
            Unit(kind=UnitKind.NON_PUBLIC_ENTERPRISE, name=f"企业{i:03d}", area=city.grids[0])
            for i in range(60)
        ]
    )
    client = client_for("district_admin")
    with django_assert_max_num_queries(6):
        response = client.get("/units/", {"page": 2})
    page = response.context["page"]
    assert page.number == 2 and len(page.object_list) == 20
    assert page.paginator.num_pages == 4
    assert client.get("/units/", {"page": "abc"}).status_code == 200


# --- language, log-in ---------------------------------------------------------------------------


def test_language_switch_shows_english(city):
    client = client_for("community_x")
    assert "工作台" in text(client.get("/"))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/areas/"})
    assert response.status_code == 302
    assert response["Location"] == "/areas/"
    body = text(client.get(f"/areas/{city.communities[0].pk}/"))
    assert "Areas" in body and "Population" in body and "Grid" in body
    assert 'lang="en"' in body
    home = text(client.get("/"))
    assert "Workbench" in home and "Log out" in home
    assert ">Party organisations</a>" in home and ">Units</a>" in home  # the nav, not the model names
    assert "Community staff" in home
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in text(client.get("/"))


def test_login_page_and_wrong_password_message(city):
    client = Client()
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "community_x", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in text(response) or "用户名" in text(response)
    response = client.post("/login/", {"username": "community_x", "password": PASSWORD})
    assert response.status_code == 302


def test_lockout_shows_a_clear_chinese_message(city, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "community_y", "password": "wrong"})
    response = client.post("/login/", {"username": "community_y", "password": PASSWORD})
    assert response.status_code == 429
    body = text(response)
    assert "账号已临时锁定" in body
    assert "community_y" in body
    assert "30 分钟后再试" in body
    assert "_auth_user_id" not in client.session


def test_area_model_has_english_verbose_names(city):
    with translation.override("en"):
        assert str(Area._meta.verbose_name) == "Area"
        assert str(PartyOrg._meta.verbose_name) == "Party organisation"


def test_many_entries_are_grouped_into_menus(city):
    from quanyu.web.nav import FLAT_LIMIT, nav_groups

    response = client_for("district_admin").get("/")
    entries, groups = response.context["nav"], response.context["nav_groups"]
    assert sum(len(g.entries) for g in groups) == len(entries)
    if len(entries) > FLAT_LIMIT:
        assert any(g.is_menu for g in groups)
        registry = next(g for g in groups if g.key == "registry")
        assert {e.key for e in registry.entries} == {
            "areas",
            "orgs",
            "part_time",
            "units",
            "areas_import",
            "orgs_import",
        }
        assert 'data-nav-group="registry"' in text(response)
        # The venues' pages (issue 15) are one menu of their own, "党建阵地".
        venues = next(g for g in groups if g.key == "venues")
        assert {e.key for e in venues.entries} >= {
            "venues",
            "venue_compliance",
            "venue_coverage",
            "venue_usage",
            "venue_projects",
            "venue_meetings",
        }
        assert str(venues.label) == "党建阵地"
        assert not any(
            e.key.startswith("venue")
            for g in groups
            if g.key != "venues"
            for e in g.entries
            if e.key != "venue_book"
        )
    few = nav_groups(entries[:3])
    assert [g.is_menu for g in few] == [False, False, False]


def test_a_grid_page_is_its_resource_map_and_each_figure_counts_its_records(city):
    """Issue 13 point 5: households, residents, people in care, members, units, grid workers and
    building heads of the grid, each equal to the records behind it; names of residents never."""
    grid, building = city.grids[0], city.buildings[0]
    people_services.residents_bulk_create(
        actor=city.users["district_admin"],
        residents=[
            people_services.ResidentSpec(
                name=f"住户{i}",
                id_number=make_id(100 + i),
                community=city.communities[0],
                building=building,
                household_key=f"H{i // 2}",
                tags="低收入" if i == 0 else "",
            )
            for i in range(5)
        ],
    )
    response = client_for("community_x").get(f"/areas/{grid.pk}/")
    page = text(response)
    res = response.context["resources"]
    in_grid = Resident.objects.filter(scope_path__startswith=grid.path)
    assert res.residents == in_grid.count() == 5
    assert res.households == in_grid.values("household_key").distinct().count() == 3
    assert res.tagged == 1 and 'data-tagged="1"' in page
    assert "住户0" not in page  # counts, not names
    assert res.grid_workers == [city.users["grid_worker"].display_name or "grid_worker"]
    other = client_for("community_x").get(f"/areas/{city.communities[0].pk}/")
    assert other.context["resources"] is None
