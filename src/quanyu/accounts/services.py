"""Users and role grants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from quanyu.accounts.models import RoleGrant, User
from quanyu.accounts.permissions import require_role
from quanyu.accounts.roles import Role
from quanyu.areas.models import Area
from quanyu.core.audit import audit_record
from quanyu.core.idnumber import validate_mobile
from quanyu.core.pii import pii_hash
from quanyu.orgs.models import Unit

USER_ADMINS = frozenset({Role.ADMIN})


@dataclass
class GrantSpec:
    role: str
    area: Area
    unit: Unit | None = None


@dataclass
class UserSpec:
    username: str
    display_name: str
    grants: list[GrantSpec]
    phone: str = ""
    is_staff: bool = False


def user_create(*, actor: Any, spec: UserSpec, password: str) -> User:
    """One user with its grants. Only administrators create users."""
    require_role(actor, USER_ADMINS)
    with transaction.atomic():
        phone = validate_mobile(spec.phone) if spec.phone else ""
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            phone=phone,
            phone_hash=pii_hash("phone", phone),
            is_staff=spec.is_staff,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=user, role=g.role, area=g.area, unit=g.unit) for g in spec.grants]
        )
        audit_record(
            actor=actor, action="grant", target=user, detail={"roles": [g.role for g in spec.grants]}
        )
        return user


def users_bulk_create(*, actor: Any, specs: Sequence[UserSpec], password: str) -> list[User]:
    """Many users sharing one initial password (hashed once), e.g. for the demo city or an
    onboarding batch; each must change it at first log-in in production."""
    require_role(actor, USER_ADMINS)
    encoded = make_password(password)
    with transaction.atomic():
        users = []
        for spec in specs:
            phone = validate_mobile(spec.phone) if spec.phone else ""
            users.append(
                User(
                    username=spec.username,
                    display_name=spec.display_name,
                    password=encoded,
                    phone=phone,
                    phone_hash=pii_hash("phone", phone),
                    is_staff=spec.is_staff,
                )
            )
        saved = User.objects.bulk_create(users, batch_size=2000)
        grants = [
            RoleGrant(user=user, role=g.role, area=g.area, unit=g.unit)
            for user, spec in zip(saved, specs, strict=True)
            for g in spec.grants
        ]
        RoleGrant.objects.bulk_create(grants, batch_size=2000)
        audit_record(actor=actor, action="grant", target_type="accounts.user", detail={"created": len(saved)})
        return saved
