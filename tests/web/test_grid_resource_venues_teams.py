"""The grid's resource map (党建资源地图, issue 13 point 5) also lists the grid's venues (those whose
area or building lies in the grid) and its community's volunteer teams, each through the owning
app's scoped selector, in a fixed number of queries however many there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanyu.accounts.models import User
from quanyu.venues.models import VenueKind
from quanyu.venues.states import VenueStatus
from quanyu.volunteering import services as volunteering
from tests.venues.factories import make_venue

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def team(city, community: int, name: str):
    return volunteering.team_create(
        actor=city.users["district_admin"],
        name=name,
        kind="member",
        community=city.communities[community],
        organisation=f"{city.communities[community].name}党委",
    )


def station(city, area, name: str, **kw):
    return make_venue(city, area, kind=VenueKind.STATION, name=name, floor_area="200", ground="120", **kw)


def test_the_grid_lists_its_venues_and_its_communitys_teams(city):
    grid, other_grid = city.grids[0], city.grids[1]
    on_grid = station(city, grid, "幸福驿站")
    # A venue registered on the community, housed in a building of the grid, is in the grid too.
    in_building = make_venue(city, city.communities[0], name="社区党群服务中心")
    in_building.building = city.buildings[0]
    in_building.save(update_fields=["building"])
    elsewhere = station(city, other_grid, "隔壁网格驿站")
    planned = station(city, grid, "筹建中的驿站", status=VenueStatus.PLANNED)
    ours = team(city, 0, "社区1-1党员志愿服务队")
    theirs = team(city, 2, "社区2-1党员志愿服务队")

    response = client_for("community_x").get(f"/areas/{grid.pk}/")
    assert response.status_code == 200
    res = response.context["resources"]
    assert {v.pk for v in res.venues} == {on_grid.pk, in_building.pk, planned.pk}
    assert res.venues_total == 3
    assert [t.pk for t in res.teams] == [ours.pk] and res.teams_total == 1
    page = response.content.decode()
    section = page[page.index('id="grid-venues"') :]
    assert "党建阵地（3）" in section and f'href="/venues/{on_grid.pk}/"' in section
    assert "党群服务驿站" in section and "筹建中的驿站" in section
    assert elsewhere.name not in page
    teams = page[page.index('id="grid-teams"') :]
    assert "社区志愿服务队（1）" in teams and ours.name in teams and theirs.name not in page
    # Each venue listed opens for the viewer (the same scoped selector as the venue pages).
    for venue in res.venues:
        assert client_for("community_x").get(f"/venues/{venue.pk}/").status_code == 200

    # Scoped: another community's staff cannot open the grid; the district sees the same lists.
    assert client_for("community_y").get(f"/areas/{grid.pk}/").status_code == 404
    district = client_for("district_admin").get(f"/areas/{grid.pk}/").context["resources"]
    assert (district.venues_total, district.teams_total) == (3, 1)


def test_the_grid_worker_sees_what_the_venue_and_team_lists_show_them(city):
    """The grid worker's map holds what the owning apps' lists give a grid worker, no more."""
    from quanyu.venues import selectors as venue_selectors
    from quanyu.volunteering import selectors as team_selectors

    grid = city.grids[0]
    station(city, grid, "幸福驿站")
    team(city, 0, "社区1-1党员志愿服务队")
    worker = city.users["grid_worker"]
    res = client_for("grid_worker").get(f"/areas/{grid.pk}/").context["resources"]
    assert res.venues_total == venue_selectors.venue_list_for(actor=worker).filter(area=grid).count()
    assert res.teams_total == team_selectors.team_list_for(actor=worker).count()


def test_a_fixed_number_of_queries_however_many_venues_and_teams(city):
    grid = city.grids[0]
    station(city, grid, "驿站0")
    team(city, 0, "队伍0")
    client = client_for("community_x")
    client.get(f"/areas/{grid.pk}/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/areas/{grid.pk}/").status_code == 200
    for i in range(1, 15):
        station(city, grid, f"驿站{i}")
        team(city, 0, f"队伍{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/areas/{grid.pk}/")
    res = response.context["resources"]
    assert (res.venues_total, len(res.venues), res.teams_total, len(res.teams)) == (15, 12, 15, 12)
    assert "显示前 12 条，共 15 条" in response.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
