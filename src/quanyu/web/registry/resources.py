"""A grid's resource map (党建资源地图, issue 13 point 5): who and what the grid can count on, each
figure read through the owning app's scoped selector for the viewer, so it equals the list that
figure links to. The people in it are staff (their display names); residents and members are
counts only, never names.

Venues are those whose area or building lies in the grid. Volunteer teams are registered on a
community (``volunteering`` requires it), so the grid shows its community's teams, as it shows
the community's posts. A fixed number of queries whatever the grid holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from quanyu.accounts.models import RoleGrant
from quanyu.areas.models import Area
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.core.scoping import scope
from quanyu.orgs import selectors as orgs
from quanyu.orgs.collation import NameOrdered
from quanyu.people import selectors as people
from quanyu.people.access import READERS
from quanyu.venues import selectors as venues
from quanyu.volunteering import selectors as volunteering

SHOWN = 12


@dataclass
class GridResources:
    community: Any = None
    households: int | None = None
    residents: int | None = None
    tagged: int | None = None
    members: int | None = None
    units: list[Any] = field(default_factory=list)
    units_total: int = 0
    posts: list[Any] = field(default_factory=list)
    grid_workers: list[str] = field(default_factory=list)
    building_heads: list[tuple[str, str]] = field(default_factory=list)
    venues: list[Any] = field(default_factory=list)
    venues_total: int = 0
    teams: list[Any] = field(default_factory=list)
    teams_total: int = 0


def grid_resources(*, actor: Any, grid: Area) -> GridResources:
    """The grid's households, residents (and how many carry a protected tag), party members living
    there, resident units, the community's posts, its grid workers and building heads, the venues
    in the grid and the community's volunteer teams."""
    out = GridResources(community=Area.objects.get_parent(grid))
    if has_role(actor, READERS, at_path=grid.path):
        residents = people.resident_list_for(actor=actor).filter(scope_path__startswith=grid.path)
        figures = residents.aggregate(
            n=Count("id"),
            households=Count("household_key", distinct=True),
            tagged=Count("id", filter=~Q(tags="")),
        )
        out.residents, out.households, out.tagged = figures["n"], figures["households"], figures["tagged"]
        out.members = people.member_list_for(actor=actor).filter(scope_path__startswith=grid.path).count()
        if out.community is not None:
            posts = people.post_list_for(actor=actor, community=out.community.pk, active=True)
            out.posts = list(posts[:SHOWN])
    units = NameOrdered(orgs.unit_list_for(actor=actor).filter(area__path__startswith=grid.path))
    out.units_total = len(units)
    out.units = list(units[:SHOWN])
    in_grid = Q(area__path__startswith=grid.path) | Q(building__path__startswith=grid.path)
    venue_rows = venues.venue_list_for(actor=actor).filter(in_grid)
    out.venues_total = venue_rows.count()
    out.venues = list(venue_rows[:SHOWN])
    if out.community is not None:
        team_rows = volunteering.team_list_for(actor=actor).filter(community=out.community)
        out.teams_total = team_rows.count()
        out.teams = list(team_rows[:SHOWN])
    grants = (
        scope(RoleGrant.objects.all(), actor=actor, field="area__path")
        .filter(role__in=[Role.GRID_WORKER, Role.BUILDING_HEAD], area__path__startswith=grid.path)
        .select_related("user", "area")
        .order_by("area__path", "user__username")
    )
    for grant in grants:
        name = grant.user.display_name or grant.user.username
        if grant.role == Role.GRID_WORKER:
            out.grid_workers.append(name)
        else:
            out.building_heads.append((grant.area.name, name))
    return out
