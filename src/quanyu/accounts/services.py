"""Users and role grants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from quanyu.accounts.models import RoleGrant, User
from quanyu.areas.models import Area
from quanyu.core.audit import audit_record
from quanyu.core.duties import check_separate, user_manager_roles
from quanyu.core.idnumber import validate_mobile
from quanyu.core.memo import forget_models
from quanyu.core.permissions import require_role
from quanyu.core.pii import pii_hash
from quanyu.core.roles import Role
from quanyu.core.workflow import lock
from quanyu.orgs.models import Unit

USER_ADMINS = frozenset({Role.ADMIN})  # with the security administrators (core.duties)


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
    """One user with its grants. Only administrators create users (security administrators alone
    under 三员分立: ``core.duties``)."""
    require_role(actor, user_manager_roles(USER_ADMINS))
    check_separate(g.role for g in spec.grants)
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
        forget_models(RoleGrant)  # no signal from a bulk insert: who is told of new work forgets
        audit_record(
            actor=actor, action="grant", target=user, detail={"roles": [g.role for g in spec.grants]}
        )
        return user


def users_bulk_create(*, actor: Any, specs: Sequence[UserSpec], password: str) -> list[User]:
    """Many users sharing one initial password (hashed once), e.g. for the demo city or an
    onboarding batch; each must change it at first log-in in production."""
    require_role(actor, user_manager_roles(USER_ADMINS))
    for spec in specs:
        check_separate(g.role for g in spec.grants)
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
        # Bulk inserts send no signal: the memos of users and grants (checked tokens, who is told
        # of new work) forget now in this process.
        forget_models(User, RoleGrant)
        audit_record(actor=actor, action="grant", target_type="accounts.user", detail={"created": len(saved)})
        return saved


def totp_device_for_setup(*, actor: Any) -> TOTPDevice:
    """The actor's authenticator being set up: its one unconfirmed TOTP device, created on first
    use (the same secret on every visit until it is confirmed). Refused once a device is confirmed:
    adding another would let a stolen password replace the second step."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    with transaction.atomic():
        lock(User.objects).filter(pk=actor.pk).first()
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise PermissionDenied(_("已绑定验证器，不能再次绑定"))
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=_("验证器"), confirmed=False)
        return device


def totp_device_confirm(*, actor: Any, token: str, request: Any = None) -> TOTPDevice | None:
    """Confirm the actor's pending authenticator with a code it shows; None when the code is wrong
    (django-otp counts the failure and throttles further tries)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    with transaction.atomic():
        device = lock(TOTPDevice.objects).filter(user=actor, confirmed=False).order_by("id").first()
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=actor,
            action="change",
            target=device,
            fields="confirmed",
            request=request,
            detail={"otp": "device_confirmed"},
        )
        return device


def otp_check(*, actor: Any, token: str) -> Device | None:
    """The actor's confirmed device that accepts ``token`` (each code works once), or None."""
    if not token or not getattr(actor, "is_authenticated", False):
        return None
    with transaction.atomic():
        for device in devices_for_user(actor, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None
