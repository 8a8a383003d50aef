"""A small, hand-made city for tests: one district, two streets, four communities, eight grids.

Geometry is a unit layout of rectangles in lon/lat around Yantai so that locate can be checked by
hand: the district spans lon 121.30–121.50, lat 37.50–37.60. Streets split it east/west, each
community is half a street (north/south), each grid half a community (east/west).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from quanyu.accounts.models import RoleGrant, User
from quanyu.areas.models import Area, AreaKind
from quanyu.core.roles import Role
from quanyu.orgs.models import OrgKind, PartyOrg, Unit, UnitKind

PASSWORD = "test-pass-123456"
_counter = itertools.count(1)


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def add_area(parent: Area | None, kind: str, name: str, geometry: dict | None = None, **extra) -> Area:
    fields = {"kind": kind, "name": name, "geometry": geometry, **extra}
    if geometry and "lon" not in extra:
        ring = geometry["coordinates"][0]
        fields["lon"] = (ring[0][0] + ring[2][0]) / 2
        fields["lat"] = (ring[0][1] + ring[2][1]) / 2
    if parent is None:
        return Area.objects.add_root(create_kwargs=fields)
    return Area.objects.add_child(parent, create_kwargs=fields)


def make_user(
    username: str,
    role: str | None = None,
    area: Area | None = None,
    *,
    unit: Unit | None = None,
    superuser: bool = False,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        display_name=username,
        is_superuser=superuser,
        is_staff=superuser,
    )
    if role is not None and area is not None:
        RoleGrant.objects.create(user=user, role=role, area=area, unit=unit)
    return User.objects.get(pk=user.pk)


@dataclass
class City:
    city: Area
    district: Area
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    grids: list[Area] = field(default_factory=list)
    buildings: list[Area] = field(default_factory=list)
    orgs: dict[str, PartyOrg] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def make_city() -> City:
    city = add_area(None, AreaKind.CITY, "烟台市", code="370600")
    district = add_area(city, AreaKind.DISTRICT, "芝罘区", box(121.30, 37.50, 121.50, 37.60), code="370602")
    c = City(city=city, district=district)
    for si, (x0, x1) in enumerate([(121.30, 121.40), (121.40, 121.50)]):
        street = add_area(
            district, AreaKind.STREET, f"街道{si + 1}", box(x0, 37.50, x1, 37.60), code=f"3706020{si + 1}000"
        )
        c.streets.append(street)
        for ci, (y0, y1) in enumerate([(37.50, 37.55), (37.55, 37.60)]):
            community = add_area(
                street,
                AreaKind.COMMUNITY,
                f"社区{si + 1}-{ci + 1}",
                box(x0, y0, x1, y1),
                code=f"3706020{si + 1}00{ci + 1}",
            )
            c.communities.append(community)
            xm = (x0 + x1) / 2
            for gi, (gx0, gx1) in enumerate([(x0, xm), (xm, x1)]):
                grid = add_area(
                    community,
                    AreaKind.GRID,
                    f"网格{si + 1}-{ci + 1}-{gi + 1}",
                    box(gx0, y0, gx1, y1),
                    population=1000,
                    households=400,
                )
                c.grids.append(grid)
                b = add_area(
                    grid,
                    AreaKind.BUILDING,
                    f"{grid.name}-1号楼",
                    lon=(gx0 + gx1) / 2,
                    lat=(y0 + y1) / 2,
                    population=120,
                    households=40,
                )
                c.buildings.append(b)
    # Reload so that numchild and paths are current.
    c.district.refresh_from_db()
    for lst in (c.streets, c.communities, c.grids):
        for a in lst:
            a.refresh_from_db()
    committee = PartyOrg.objects.add_root(
        create_kwargs={"kind": OrgKind.COMMITTEE, "name": "中共芝罘区委", "area": district}
    )
    c.orgs["district"] = committee
    for street in c.streets:
        wc = PartyOrg.objects.add_child(
            committee,
            create_kwargs={"kind": OrgKind.WORKING_COMMITTEE, "name": f"{street.name}党工委", "area": street},
        )
        c.orgs[street.name] = wc
        for community in c.communities:
            if community.path.startswith(street.path):
                c.orgs[community.name] = PartyOrg.objects.add_child(
                    wc,
                    create_kwargs={
                        "kind": OrgKind.COMMITTEE,
                        "name": f"{community.name}党委",
                        "area": community,
                    },
                )
    for community in c.communities:
        c.units.append(
            Unit.objects.create(kind=UnitKind.RESIDENT_UNIT, name=f"{community.name}驻区单位", area=community)
        )
    c.units.append(Unit.objects.create(kind=UnitKind.DEPARTMENT, name="区城管局", area=district))
    return c


def make_personas(c: City) -> dict[str, User]:
    """The personas of STYLE.md §11."""
    u = {
        "district_admin": make_user("district_admin", Role.ADMIN, c.district),
        "street_staff": make_user("street_staff", Role.STREET_STAFF, c.streets[0]),
        "community_x": make_user("community_x", Role.COMMUNITY_STAFF, c.communities[0]),
        "community_y": make_user("community_y", Role.COMMUNITY_STAFF, c.communities[2]),
        "grid_worker": make_user("grid_worker", Role.GRID_WORKER, c.grids[0]),
        "department_handler": make_user(
            "department_handler", Role.DEPARTMENT_HANDLER, c.district, unit=c.units[-1]
        ),
        "resident": make_user("resident", Role.RESIDENT, c.communities[0]),
        "outsider": make_user("outsider"),
    }
    c.users.update(u)
    return u
