"""Role checks by subtree: has_role / require_role and the registry helpers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from quanyu.accounts.models import RoleGrant
from quanyu.core.admin_scoping import AUDIT_VIEW_ROLES, BACK_OFFICE_EDIT_ROLES, BACK_OFFICE_VIEW_ROLES
from quanyu.core.permissions import can_edit_registry, can_reveal_pii, has_role, require_role
from quanyu.core.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_role_at_its_node_and_below(city):
    street = city.users["street_staff"]
    assert has_role(street, [Role.STREET_STAFF])
    assert has_role(street, [Role.STREET_STAFF], at_path=city.streets[0].path)
    assert has_role(street, [Role.STREET_STAFF], at_path=city.communities[1].path)
    assert has_role(street, [Role.STREET_STAFF], at_path=city.buildings[0].path)


def test_role_not_above_nor_beside(city):
    community = city.users["community_x"]
    assert not has_role(community, [Role.COMMUNITY_STAFF], at_path=city.streets[0].path)
    assert not has_role(community, [Role.COMMUNITY_STAFF], at_path=city.district.path)
    assert not has_role(community, [Role.COMMUNITY_STAFF], at_path=city.communities[1].path)
    assert not has_role(community, [Role.COMMUNITY_STAFF], at_path=city.grids[4].path)


def test_other_roles_do_not_count(city):
    grid_worker = city.users["grid_worker"]
    assert not has_role(grid_worker, [Role.COMMUNITY_STAFF, Role.ADMIN], at_path=city.grids[0].path)
    assert has_role(grid_worker, [Role.COMMUNITY_STAFF, Role.GRID_WORKER], at_path=city.grids[0].path)


def test_several_grants(city):
    user = make_user("two_hats", Role.GRID_WORKER, city.grids[0])
    RoleGrant.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=city.communities[3])
    user = type(user).objects.get(pk=user.pk)  # grants are cached per instance
    assert has_role(user, [Role.COMMUNITY_STAFF], at_path=city.grids[7].path)
    assert not has_role(user, [Role.COMMUNITY_STAFF], at_path=city.grids[0].path)
    assert has_role(user, [Role.GRID_WORKER], at_path=city.buildings[0].path)


def test_superuser_anonymous_and_outsider(city):
    root = make_user("root", superuser=True)
    assert has_role(root, [Role.AUDITOR], at_path=city.grids[5].path)
    assert not has_role(AnonymousUser(), [Role.RESIDENT])
    assert not has_role(None, [Role.RESIDENT])
    assert not has_role(city.users["outsider"], list(Role))


def test_require_role(city):
    require_role(city.users["district_admin"], [Role.ADMIN], at_path=city.grids[6].path)
    with pytest.raises(PermissionDenied) as excinfo:
        require_role(city.users["community_x"], [Role.COMMUNITY_STAFF], at_path=city.communities[2].path)
    assert str(excinfo.value) == "您没有执行此操作的权限"
    with pytest.raises(PermissionDenied):
        require_role(AnonymousUser(), [Role.RESIDENT])


def test_registry_helpers(city):
    assert can_edit_registry(city.users["community_x"], at_path=city.grids[0].path)
    assert not can_edit_registry(city.users["community_x"], at_path=city.grids[4].path)
    assert not can_edit_registry(city.users["grid_worker"], at_path=city.grids[0].path)
    assert can_reveal_pii(city.users["street_staff"], at_path=city.communities[1].path)
    assert not can_reveal_pii(city.users["resident"])
    assert not can_reveal_pii(city.users["department_handler"])


def test_admin_role_names_are_real_roles():
    """core.admin_scoping names roles by value (the kernel does not import accounts)."""
    values = {r.value for r in Role}
    assert values >= BACK_OFFICE_VIEW_ROLES | BACK_OFFICE_EDIT_ROLES | AUDIT_VIEW_ROLES
    assert BACK_OFFICE_EDIT_ROLES <= BACK_OFFICE_VIEW_ROLES
