"""三员分立: with the three administrators separated, only security administrators manage accounts
and grants, only audit administrators read the audit log, and no account holds two of the three
roles; without it (the demo), the system administrator keeps those powers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from quanyu.accounts.models import RoleGrant, User
from quanyu.accounts.services import GrantSpec, UserSpec, user_create
from quanyu.core.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def separated(settings):
    settings.QUANYU_SEPARATION_OF_DUTIES = True


@pytest.fixture
def admins(city):
    make = {
        "sysadmin": Role.ADMIN,
        "secadmin": Role.SECURITY_ADMIN,
        "auditadmin": Role.AUDITOR,
    }
    users = {name: make_user(name, role, city.district) for name, role in make.items()}
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(is_staff=True)
    return {name: User.objects.get(pk=u.pk) for name, u in users.items()}


def _create(city, actor, name: str, *roles: str) -> User:
    grants = [GrantSpec(role=r, area=city.district) for r in roles]
    spec = UserSpec(username=name, display_name=name, grants=grants)
    return user_create(actor=actor, spec=spec, password="Aa1!aaaaaaaa")


def test_only_the_security_administrator_creates_users(city, admins, separated):
    with pytest.raises(PermissionDenied):
        _create(city, admins["sysadmin"], "new1", Role.GRID_WORKER)
    with pytest.raises(PermissionDenied):
        _create(city, admins["auditadmin"], "new2", Role.GRID_WORKER)
    made = _create(city, admins["secadmin"], "new3", Role.GRID_WORKER)
    assert made.grants.get().role == Role.GRID_WORKER
    assert not User.objects.filter(username__in=["new1", "new2"]).exists()


def test_without_the_separation_the_system_administrator_still_does(city, admins):
    made = _create(city, admins["sysadmin"], "new4", Role.GRID_WORKER)
    assert made.pk is not None


@pytest.mark.parametrize(
    ("first", "second"),
    [(Role.ADMIN, Role.AUDITOR), (Role.SECURITY_ADMIN, Role.ADMIN), (Role.AUDITOR, Role.SECURITY_ADMIN)],
)
def test_no_account_holds_two_administrators_roles(city, admins, first, second):
    with pytest.raises(ValidationError) as refused:
        _create(city, admins["secadmin"], "both", first, second)
    assert "三员分立" in refused.value.message_dict["role"][0]
    assert not User.objects.filter(username="both").exists()
    grant = RoleGrant(user=admins["auditadmin"], role=Role.SECURITY_ADMIN, area=city.district)
    with pytest.raises(ValidationError):
        grant.full_clean()
    RoleGrant(user=admins["auditadmin"], role=Role.LEADER, area=city.district).full_clean()  # others are fine


def test_the_audit_log_is_for_the_audit_administrator_alone(city, admins, separated):
    root = User.objects.create_superuser("root", password="Aa1!aaaaaaaa")
    pages = {}
    for user in (root, admins["sysadmin"], admins["secadmin"], admins["auditadmin"]):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get("/admin/core/auditentry/").status_code
    assert pages == {"root": 403, "sysadmin": 403, "secadmin": 403, "auditadmin": 200}


def test_grants_in_the_back_office_are_the_security_administrators(city, admins, separated):
    statuses = {}
    for name in ("sysadmin", "secadmin", "auditadmin"):
        client = Client()
        client.force_login(admins[name])
        statuses[name] = client.get("/admin/accounts/rolegrant/").status_code
    assert statuses == {"sysadmin": 403, "secadmin": 200, "auditadmin": 403}
