"""The back office: tree editing inside the subtree, masked phones, user management limits,
the read-only audit log, and query counts of the changelists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanyu.accounts.models import RoleGrant, User
from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.orgs.models import Unit, UnitKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def staff(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


@pytest.fixture
def x_admin(city) -> User:
    """An administrator of community X."""
    return make_user("x_admin", Role.ADMIN, city.communities[0])


@pytest.fixture
def root(city) -> User:
    return make_user("root", superuser=True)


def area_post(ref: Area | None, position: str = "first-child", **fields) -> dict:
    data = {
        "kind": AreaKind.GRID,
        "code": "",
        "name": "新网格",
        "geometry": "",
        "lon": "",
        "lat": "",
        "population": "0",
        "households": "0",
        "treebeard_position": position,
        "treebeard_ref_node": ref.pk if ref else "",
    }
    data.update(fields)
    return data


# --- the area tree -------------------------------------------------------------------------------


def test_tree_changelist_starts_at_the_top_of_the_subtree(city, x_admin):
    client = staff(x_admin)
    page = client.get("/admin/areas/area/").content.decode()
    assert city.communities[0].name in page
    assert city.city.name not in page and city.streets[0].name not in page
    children = client.get(f"/admin/areas/area/children/{city.communities[0].pk}/").json()
    assert city.grids[0].name in children["result_html"] and city.grids[1].name in children["result_html"]
    assert client.get(f"/admin/areas/area/children/{city.communities[2].pk}/").status_code == 404


def test_superuser_tree_changelist_starts_at_the_root(city, root):
    page = staff(root).get("/admin/areas/area/").content.decode()
    assert city.city.name in page


def test_admin_adds_a_grid_inside_its_community(city, x_admin):
    response = staff(x_admin).post("/admin/areas/area/add/", area_post(city.communities[0]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    grid = Area.objects.get(name="新网格")
    assert Area.objects.get_parent(grid) == city.communities[0]


@pytest.mark.parametrize(
    ("ref_index", "position"),
    [
        (2, "first-child"),  # community Y
        (None, "first-child"),  # a new root
        (0, "right"),  # sibling of community X, i.e. child of the street
    ],
)
def test_admin_cannot_add_outside_its_community(city, x_admin, ref_index, position):
    ref = city.communities[ref_index] if ref_index is not None else None
    before = Area.objects.count()
    response = staff(x_admin).post("/admin/areas/area/add/", area_post(ref, position))
    assert response.status_code == 200  # the form again, with its error
    assert Area.objects.count() == before


def test_kind_must_fit_under_the_parent(city, root):
    response = staff(root).post(
        "/admin/areas/area/add/", area_post(city.communities[0], kind=AreaKind.STREET, name="错层")
    )
    assert response.status_code == 200
    assert "下不能放" in response.content.decode()
    assert not Area.objects.filter(name="错层").exists()


def test_community_admin_edits_its_top_node_but_cannot_move_it(city, x_admin):
    client = staff(x_admin)
    community = city.communities[0]
    form = client.get(f"/admin/areas/area/{community.pk}/change/").content.decode()
    assert 'name="treebeard_ref_node"' in form and "disabled" in form
    data = area_post(None, kind=AreaKind.COMMUNITY, name="社区1-1（改名）", code=community.code)
    data.pop("treebeard_ref_node")
    data.pop("treebeard_position")
    response = client.post(f"/admin/areas/area/{community.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    community.refresh_from_db()
    assert community.name == "社区1-1（改名）"
    assert community.path == city.communities[0].path


def test_view_only_role_cannot_add(city):
    client = staff(city.users["community_x"])  # community staff: may look, not edit
    assert client.get("/admin/areas/area/").status_code == 200
    assert client.get("/admin/areas/area/add/").status_code == 403
    assert client.post("/admin/areas/area/add/", area_post(city.communities[0])).status_code == 403


def test_drag_and_drop_move_stays_inside_the_subtree(city, x_admin):
    client = staff(x_admin)
    grid = city.grids[0]
    outside = client.post(
        "/admin/areas/area/move/", {"node": grid.pk, "target": city.communities[2].pk, "relation": "child"}
    )
    assert outside.status_code == 404
    misplaced = client.post(
        "/admin/areas/area/move/", {"node": grid.pk, "target": city.grids[1].pk, "relation": "child"}
    )
    assert misplaced.status_code == 400
    grid.refresh_from_db()
    assert grid.path.startswith(city.communities[0].path) and grid.depth == city.grids[0].depth
    building = city.buildings[0]
    moved = client.post(
        "/admin/areas/area/move/", {"node": building.pk, "target": city.grids[1].pk, "relation": "child"}
    )
    assert moved.status_code == 200
    building.refresh_from_db()
    assert Area.objects.get_parent(building) == city.grids[1]


# --- units: masked phones and scoped choices -----------------------------------------------------


def test_unit_phone_is_masked_in_list_and_form(city, x_admin):
    unit = city.units[0]
    unit.contact_phone = "13812345678"
    unit.save()
    client = staff(x_admin)
    listing = client.get("/admin/orgs/unit/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing
    form = client.get(f"/admin/orgs/unit/{unit.pk}/change/").content.decode()
    assert "138****5678" in form and "13812345678" not in form


def unit_post(unit: Unit, **fields) -> dict:
    data = {
        "kind": unit.kind,
        "name": unit.name,
        "credit_code": "",
        "area": unit.area_id,
        "address": "",
        "lon": "",
        "lat": "",
        "contact_name": "",
        "new_contact_phone": "",
        "staff_count": "0",
        "member_count": "0",
    }
    data.update(fields)
    return data


def test_unit_phone_change_is_audited_and_blank_keeps_it(city, x_admin):
    unit = city.units[0]
    client = staff(x_admin)
    url = f"/admin/orgs/unit/{unit.pk}/change/"
    assert client.post(url, unit_post(unit, new_contact_phone="13900001111")).status_code == 302
    unit.refresh_from_db()
    assert unit.contact_phone == "13900001111"
    entry = AuditEntry.objects.get(target_type="orgs.unit", target_id=str(unit.pk))
    assert entry.fields == "contact_phone" and entry.actor_name == "x_admin"
    assert client.post(url, unit_post(unit, contact_name="王经理")).status_code == 302
    unit.refresh_from_db()
    assert unit.contact_phone == "13900001111"
    assert client.post(url, unit_post(unit, new_contact_phone="-")).status_code == 302
    unit.refresh_from_db()
    assert unit.contact_phone == ""


def test_unit_cannot_be_moved_to_an_area_outside_scope(city, x_admin):
    unit = city.units[0]
    response = staff(x_admin).post(
        f"/admin/orgs/unit/{unit.pk}/change/", unit_post(unit, area=city.communities[2].pk)
    )
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.area_id == city.communities[0].pk


def test_unit_add_in_scope(city, x_admin):
    data = unit_post(Unit(kind=UnitKind.PROPERTY_COMPANY, name="新物业", area=city.grids[0]))
    assert staff(x_admin).post("/admin/orgs/unit/add/", data).status_code == 302
    assert Unit.objects.get(name="新物业").area_id == city.grids[0].pk


def test_area_autocomplete_is_scoped(city, x_admin):
    response = staff(x_admin).get(
        "/admin/autocomplete/",
        {"app_label": "orgs", "model_name": "unit", "field_name": "area", "term": "社区"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [city.communities[0].name]


# --- users and grants ----------------------------------------------------------------------------


def test_user_admin_lists_only_users_wholly_inside_the_subtree(city, x_admin, root):
    listing = staff(x_admin).get("/admin/accounts/user/").content.decode()
    for inside in ("community_x", "grid_worker", "resident", "x_admin"):
        assert f">{inside}<" in listing, inside
    for outside in ("street_staff", "community_y", "district_admin", "outsider", "root"):
        assert f">{outside}<" not in listing, outside
    street = city.users["street_staff"]
    assert staff(x_admin).get(f"/admin/accounts/user/{street.pk}/change/").status_code == 404
    everyone = staff(root).get("/admin/accounts/user/").content.decode()
    assert ">outsider<" in everyone


def test_user_with_a_grant_elsewhere_is_not_manageable(city, x_admin):
    member = city.users["community_x"]
    RoleGrant.objects.create(user=member, role=Role.COMMUNITY_STAFF, area=city.communities[2])
    assert staff(x_admin).get(f"/admin/accounts/user/{member.pk}/change/").status_code == 404


def test_user_phone_masked_and_superuser_fields_hidden(city, x_admin):
    member = city.users["community_x"]
    member.phone = "13812345678"
    member.save()
    client = staff(x_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing
    form = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert "13812345678" not in form
    assert 'name="is_superuser"' not in form and 'name="user_permissions"' not in form
    assert 'value="auditor"' not in form  # only superusers grant the auditor role


def test_view_only_role_cannot_manage_users(city):
    client = staff(city.users["street_staff"])
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/accounts/rolegrant/").status_code == 403


def test_rolegrant_admin_is_scoped(city, x_admin):
    listing = staff(x_admin).get("/admin/accounts/rolegrant/").content.decode()
    assert "community_x" in listing and "grid_worker" in listing
    assert "community_y" not in listing and "district_admin" not in listing


def test_scoped_admin_adds_a_user_only_with_a_grant_inside(city, x_admin):
    client = staff(x_admin)
    base = {
        "username": "new_grid_worker",
        "display_name": "新网格员",
        "new_phone": "13700001234",
        "usable_password": "true",
        "password1": "a-long-pass-9876",
        "password2": "a-long-pass-9876",
        "grants-TOTAL_FORMS": "1",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
        "grants-0-role": Role.GRID_WORKER,
        "grants-0-area": city.grids[2].pk,  # a grid of community Y's street: out of scope
        "grants-0-unit": "",
    }
    refused = client.post("/admin/accounts/user/add/", base)
    assert refused.status_code == 200
    assert not User.objects.filter(username="new_grid_worker").exists()
    base["grants-0-area"] = city.grids[0].pk
    created = client.post("/admin/accounts/user/add/", base)
    assert created.status_code == 302, created.content.decode()[-3000:]
    user = User.objects.get(username="new_grid_worker")
    assert user.phone == "13700001234" and user.phone_hash
    assert [(g.role, g.area_id) for g in user.grants.all()] == [(Role.GRID_WORKER, city.grids[0].pk)]
    assert not user.is_superuser


# --- the audit log -------------------------------------------------------------------------------


@pytest.fixture
def entry(city) -> AuditEntry:
    return audit_record(actor=city.users["district_admin"], action="reveal", target=city.units[0], fields="x")


def test_audit_log_visible_to_superusers_and_auditors_only(city, entry, root):
    auditor = make_user("auditor", Role.AUDITOR, city.district)
    for user in (root, auditor):
        client = staff(user)
        assert client.get("/admin/core/auditentry/").status_code == 200
        assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    for name in ("district_admin", "community_x"):
        client = staff(city.users[name])
        assert client.get("/admin/core/auditentry/").status_code == 403


def test_audit_log_is_read_only_even_for_superusers(city, entry, root):
    client = staff(root)
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"reason": "tampered"})
    entry.refresh_from_db()
    assert entry.reason == ""
    page = client.get(f"/admin/core/auditentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orgs/unit/",
        "/admin/orgs/partyorg/?q=党",
        "/admin/areas/area/?q=网格",
        "/admin/accounts/user/",
        "/admin/accounts/rolegrant/",
        "/admin/core/auditentry/",
    ],
)
def test_admin_changelists_do_not_grow_with_rows(city, root, url, django_assert_max_num_queries):
    client = staff(root)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(10):
        unit = Unit.objects.create(
            kind=UnitKind.RESIDENT_UNIT, name=f"新单位{i}", area=city.communities[i % 4]
        )
        audit_record(actor=root, action="reveal", target=unit)
        user = make_user(f"more{i}", Role.GRID_WORKER, city.grids[i % 8])
        user.phone = "13812345678"
        user.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
