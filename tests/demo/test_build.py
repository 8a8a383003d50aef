"""A small demo city (scale 0.05) built once for this module on the test database, then checked
as a user would meet it: the tree, the geometry as stored, party organisations, units, users, and
the demo accounts logging in and seeing their scope."""

from collections import Counter, defaultdict

import pytest
import shapely
from django.db import transaction
from django.test import Client

from quanyu.accounts.models import RoleGrant, User
from quanyu.areas.models import Area, AreaKind
from quanyu.core.roles import STAFF_ROLES, Role
from quanyu.demo import names
from quanyu.demo.build import DEMO_PASSWORD, build_demo, read_accounts, write_accounts
from quanyu.orgs.imports.validators import validate_credit_code
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg, Unit, UnitKind

SEED = 11
SCALE = 0.05


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = build_demo(seed=SEED, scale=SCALE)
        yield ctx
        transaction.set_rollback(True)


@pytest.fixture
def areas(demo, db):
    by_kind = defaultdict(list)
    for area in Area.objects.order_by("path"):
        by_kind[area.kind].append(area)
    return by_kind


def under(parent: Area, children: list[Area]) -> list[Area]:
    return [c for c in children if c.path.startswith(parent.path) and c.depth == parent.depth + 1]


def test_tree_has_one_kind_per_depth(demo, db):
    kinds_by_depth = defaultdict(set)
    for depth, kind in Area.objects.values_list("depth", "kind").distinct():
        kinds_by_depth[depth].add(kind)
    assert dict(kinds_by_depth) == {
        1: {AreaKind.CITY},
        2: {AreaKind.DISTRICT},
        3: {AreaKind.STREET},
        4: {AreaKind.COMMUNITY},
        5: {AreaKind.GRID},
        6: {AreaKind.BUILDING},
    }
    counts = Counter(Area.objects.values_list("kind", flat=True))
    layout = demo.layout
    assert counts[AreaKind.STREET] == len(layout.streets) >= 3
    assert counts[AreaKind.COMMUNITY] == len(layout.communities)
    assert counts[AreaKind.GRID] == len(layout.grids)
    assert counts[AreaKind.BUILDING] == len(layout.buildings)
    # treebeard's child counts are right, so tree navigation works
    for area in Area.objects.exclude(kind=AreaKind.BUILDING):
        assert area.numchild == Area.objects.filter(path__startswith=area.path, depth=area.depth + 1).count()


def test_stored_polygons_tile_each_parent(areas):
    for parent_kind, child_kind in [
        (AreaKind.DISTRICT, AreaKind.STREET),
        (AreaKind.STREET, AreaKind.COMMUNITY),
        (AreaKind.COMMUNITY, AreaKind.GRID),
    ]:
        for parent in areas[parent_kind]:
            outline = shapely.geometry.shape(parent.geometry)
            pieces = [shapely.geometry.shape(c.geometry) for c in under(parent, areas[child_kind])]
            assert pieces, parent.name
            assert abs(shapely.union_all(pieces).area - outline.area) <= 1e-9 * outline.area
            assert abs(sum(p.area for p in pieces) - outline.area) <= 1e-9 * outline.area


def test_buildings_lie_inside_their_grid(areas):
    for grid in areas[AreaKind.GRID]:
        polygon = shapely.geometry.shape(grid.geometry)
        buildings = under(grid, areas[AreaKind.BUILDING])
        assert buildings, grid.name
        assert all(shapely.contains_xy(polygon, b.lon, b.lat) for b in buildings)
    for kind in (AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID):
        for area in areas[kind]:  # the representative point is inside too
            assert shapely.contains_xy(shapely.geometry.shape(area.geometry), area.lon, area.lat)


def test_population_rolls_up_to_the_city(areas):
    for parent_kind, child_kind in [
        (AreaKind.CITY, AreaKind.DISTRICT),
        (AreaKind.DISTRICT, AreaKind.STREET),
        (AreaKind.STREET, AreaKind.COMMUNITY),
        (AreaKind.COMMUNITY, AreaKind.GRID),
        (AreaKind.GRID, AreaKind.BUILDING),
    ]:
        for parent in areas[parent_kind]:
            children = under(parent, areas[child_kind])
            assert parent.population == sum(c.population for c in children) > 0
            assert parent.households == sum(c.households for c in children) > 0


def test_codes(areas):
    (city,) = areas[AreaKind.CITY]
    (district,) = areas[AreaKind.DISTRICT]
    assert (city.name, city.code, district.name, district.code) == ("烟台市", "370600", "芝罘区", "370602")
    for i, street in enumerate(areas[AreaKind.STREET], start=1):
        assert street.code == f"370602{i:03d}"
        for community in under(street, areas[AreaKind.COMMUNITY]):
            assert len(community.code) == 12 and community.code.startswith(street.code)


def test_party_organisations_at_every_level(demo, areas):
    root = PartyOrg.objects.get(depth=1)
    assert root.kind == OrgKind.COMMITTEE and root.area.kind == AreaKind.DISTRICT
    orgs = list(PartyOrg.objects.select_related("area", "unit").order_by("path"))
    by_area = defaultdict(list)
    for org in orgs:
        by_area[org.area_id].append(org)

    def parent_of(org):
        return next(o for o in orgs if o.path == org.path[: -PartyOrg.steplen])

    for street in areas[AreaKind.STREET]:
        (committee,) = [o for o in by_area[street.pk] if o.kind == OrgKind.WORKING_COMMITTEE]
        assert parent_of(committee) == root
    for community in areas[AreaKind.COMMUNITY]:
        (org,) = [o for o in by_area[community.pk] if o.unit_id is None]
        assert org.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)
        assert parent_of(org).kind == OrgKind.WORKING_COMMITTEE
        assert community.path.startswith(parent_of(org).area.path)
    for grid in areas[AreaKind.GRID]:
        (branch,) = by_area[grid.pk]
        assert branch.kind == OrgKind.BRANCH and grid.path.startswith(parent_of(branch).area.path)
    groups = [o for o in orgs if o.kind == OrgKind.GROUP]
    assert groups and all(o.area.kind == AreaKind.BUILDING for o in groups)
    kinds = {o.kind for o in orgs}
    assert {OrgKind.INDUSTRY_COMMITTEE, OrgKind.JOINT_COMMITTEE} <= kinds
    # member counts roll up: every organisation has at least the members of those beneath it
    for org in orgs:
        children = [o for o in orgs if o.depth == org.depth + 1 and o.path.startswith(org.path)]
        assert org.member_count >= sum(c.member_count for c in children)


def test_units_and_part_time_members(demo, areas):
    (district,) = areas[AreaKind.DISTRICT]
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    assert departments.count() == len(names.DEPARTMENTS) == 64
    assert set(departments.values_list("area_id", flat=True)) == {district.pk}
    assert {"区城管局", "区住建局", "公安芝罘分局"} <= set(departments.values_list("name", flat=True))
    assert set(Unit.objects.values_list("kind", flat=True)) == set(UnitKind.values)
    for unit in Unit.objects.exclude(kind=UnitKind.DEPARTMENT).select_related("area"):
        assert unit.area.kind == AreaKind.COMMUNITY
        assert shapely.contains_xy(shapely.geometry.shape(unit.area.geometry), unit.lon, unit.lat)
        assert unit.contact_phone  # stored encrypted, read back in clear
    codes = list(Unit.objects.values_list("credit_code", flat=True))
    assert all(validate_credit_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
    members = list(PartTimeMember.objects.select_related("committee__area", "unit__area"))
    assert members
    for m in members:
        assert m.committee.kind in (OrgKind.WORKING_COMMITTEE, OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)
        assert m.committee.area.kind in (AreaKind.STREET, AreaKind.COMMUNITY)
        assert m.unit.area.path.startswith(m.committee.area.path)
    assert {m.committee.area.kind for m in members} == {AreaKind.STREET, AreaKind.COMMUNITY}


def test_users_cover_their_places(demo, areas):
    grants = list(RoleGrant.objects.select_related("area", "unit"))
    by_role = defaultdict(list)
    for g in grants:
        by_role[g.role].append(g)
    # every grid has exactly one grid worker; a worker has one or two grids of one community
    assert Counter(g.area_id for g in by_role[Role.GRID_WORKER]) == Counter(
        a.pk for a in areas[AreaKind.GRID]
    )
    per_worker = defaultdict(list)
    for g in by_role[Role.GRID_WORKER]:
        per_worker[g.user_id].append(g.area)
    assert all(1 <= len(v) <= 2 and len({a.path[:16] for a in v}) == 1 for v in per_worker.values())
    assert len(per_worker) == round(750 * SCALE)
    # every building has a building head, each head exactly one building
    heads = by_role[Role.BUILDING_HEAD]
    assert {g.area_id for g in heads} == {a.pk for a in areas[AreaKind.BUILDING]}
    assert len(heads) == len({g.user_id for g in heads}) == round(13_000 * SCALE)
    # department handlers act for their department at the district
    handlers = by_role[Role.DEPARTMENT_HANDLER]
    assert {g.unit.kind for g in handlers} == {UnitKind.DEPARTMENT}
    assert len({g.unit_id for g in handlers}) == 64
    assert {g.area.kind for g in handlers} == {AreaKind.DISTRICT}
    assert {g.area.kind for g in by_role[Role.STREET_STAFF]} == {AreaKind.STREET}
    assert {g.area.kind for g in by_role[Role.COMMUNITY_STAFF]} == {AreaKind.COMMUNITY}
    assert len(by_role[Role.COMMUNITY_STAFF]) == 3 * len(areas[AreaKind.COMMUNITY])
    assert set(by_role) == set(Role.values) - {Role.ADMIN}
    # real users with one shared password
    sample = User.objects.get(username="louzhang_1")
    assert sample.check_password(DEMO_PASSWORD) and sample.display_name
    assert User.objects.get(username="admin").is_superuser


def test_accounts_one_per_role_each_logs_in_and_sees_its_scope(demo, db, tmp_path, areas):
    path = tmp_path / "demo-accounts.json"
    write_accounts(path, demo.accounts)
    accounts = read_accounts(path)
    assert {a.role for a in accounts} == set(Role.values)
    assert {"admin", "zuzhibu", "jiedao_xiangyang", "wangge_1", "louzhang_1", "bumen_chengguan"} <= {
        a.username for a in accounts
    }
    assert {a.password for a in accounts} == {DEMO_PASSWORD}
    (city,) = areas[AreaKind.CITY]
    streets = areas[AreaKind.STREET]
    for account in accounts:
        client = Client()
        response = client.post("/login/", {"username": account.username, "password": account.password})
        assert response.status_code == 302, account.username
        assert client.get("/").status_code == 200
        user = User.objects.get(username=account.username)
        if user.is_superuser:
            assert account.scope == city.name
            assert client.get(f"/api/areas/{city.pk}/").json()["name"] == city.name
            continue
        grants = list(RoleGrant.objects.filter(user=user).select_related("area", "unit").order_by("id"))
        assert account.role == grants[0].role
        places = "、".join(g.area.name for g in grants)
        unit = grants[0].unit
        assert account.scope == (f"{unit.name}（{places}）" if unit is not None else places)
        if account.role not in STAFF_ROLES:  # the registry API is for staff only
            assert client.get(f"/api/areas/{grants[0].area_id}/").status_code == 403, account.username
            continue
        for grant in grants:
            assert client.get(f"/api/areas/{grant.area_id}/").json()["name"] == grant.area.name
        # something outside the scope is a 404
        outside = (
            city
            if grants[0].area.kind == AreaKind.DISTRICT
            else next(s for s in streets if not grants[0].area.path.startswith(s.path))
        )
        assert client.get(f"/api/areas/{outside.pk}/").status_code == 404, account.username


def test_wishes_in_every_state_and_no_wall_answer_names_a_wisher(demo, db):
    """The wall (pages and API, every filter and every wish) never shows who wished on it."""
    from quanyu.people.models import Resident
    from quanyu.wishes.models import Wish

    states = set(Wish.objects.values_list("status", flat=True))
    assert {"submitted", "published", "claimed", "confirmed"} <= states, states
    secrets = set()
    for r in Resident.objects.exclude(tags=""):
        secrets |= {r.name, r.phone, r.id_number, r.room}
    for w in Wish.objects.all():
        secrets |= {w.contact_phone, w.address_detail}
        if w.wisher is not None:
            secrets.add(w.wisher.display_name)
    # A bare room number ("302") names no one and turns up in any JSON as a count or an id;
    # names, phones and ID numbers are checked as they are.
    secrets = {s for s in secrets if s and len(s) >= 2 and not (s.isdigit() and len(s) < 5)}
    assert len(secrets) > 10
    assert Wish.objects.filter(on_behalf=True, status="confirmed").exists()
    client = Client()
    urls = ["/wishes/wall/", "/api/wish-wall/?page_size=1000"]
    urls += [
        f"/wishes/wall/?community={c}" for c in Wish.objects.values_list("community_id", flat=True).distinct()
    ]
    on_wall = Wish.objects.exclude(status__in=["submitted", "rejected", "cancelled"])
    urls += [f"/wishes/wall/{pk}/" for pk in on_wall.values_list("pk", flat=True)]
    urls += [f"/api/wish-wall/{pk}/" for pk in on_wall.values_list("pk", flat=True)]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        leaked = [s for s in secrets if s in body]
        assert not leaked, (url, leaked)


def test_indicator_sets_are_published_and_computed(demo, db):
    from quanyu.assessment.models import IndicatorSet, Level, Score, SetStatus

    sets = {s.level: s for s in IndicatorSet.objects.all()}
    assert set(sets) == {Level.STREET, Level.COMMUNITY, Level.UNIT}
    for s in sets.values():
        assert s.status == SetStatus.PUBLISHED
        period = s.periods.get()
        totals = Score.objects.filter(score_period=period, indicator=None)
        assert totals.exists() and all(t.rank for t in totals)


def test_this_years_records_are_filled(demo, db):
    """The demo's year is the year it is built in, for every step: 双报到, duty and 三会一课 sit in
    it, and a resident tagged 空巢老人 is 65 or older today."""
    import datetime as dt

    from django.utils import timezone

    from quanyu.people.models import DutyLog, Meeting, Report, Resident

    today = timezone.localdate()
    assert set(Report.objects.values_list("year", flat=True)) == {today.year}
    assert DutyLog.objects.filter(on_date=today).exists()
    assert Meeting.objects.filter(held_on__gt=today - dt.timedelta(days=90)).exists()
    elders = Resident.objects.filter(tags__contains=",elderly_alone,")
    assert elders.exists()
    for born in elders.values_list("birth_date", flat=True)[:200]:
        assert (today - born).days // 365 >= 65
