"""A log-in account anonymised with the person it belongs to (``people.services.person_anonymise``;
等保 2.0 residual information, PIPL art. 47).

A party member's account carries the same person as the register: a username (often the
pinyin of the name or a phone number), names, e-mail and phone, and the means to act as them
(password, API tokens, browser sessions, the authenticator). When the person is anonymised the
account is kept as a row (tickets, events and audit entries point at it) but no longer names
anyone or lets anyone in: deactivated, renamed ``anonymised-<id>``, every personal field cleared,
the password made unusable, its own (resident or party-member) role grants, tokens, sessions
and OTP devices dropped. One audit entry.

An account that still holds a working role (a staff grant at any node, or staff/superuser status) is not the
person's alone: it is a worker's account that other work depends on. Anonymising the person is
then refused with an error naming the roles; an administrator revokes them first (an audited
role change), and the anonymisation runs afterwards. The caller checks its own permission (the
person's editor); this module checks only whose the account is.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from quanyu.accounts.models import RoleGrant, User
from quanyu.core.audit import audit_record
from quanyu.core.roles import STAFF_ROLES
from quanyu.core.workflow import lock

PERSONAL_FIELDS = ("username", "first_name", "last_name", "display_name", "email", "phone", "phone_hash")


def anonymised_username(user_id: int) -> str:
    return f"anonymised-{user_id}"


def roles_held(user: User) -> list[str]:
    """What makes the account more than the person's: each working role it is granted (role @
    area; the resident and party-member roles are the person's own), and staff or superuser
    status."""
    grants = RoleGrant.objects.filter(user=user, role__in=STAFF_ROLES).select_related("area")
    held = [f"{g.get_role_display()} @ {g.area.name}" for g in grants.order_by("id")]
    if user.is_superuser:
        held.append(_("超级管理员"))
    elif user.is_staff:
        held.append(_("后台管理人员"))
    return held


def _drop_sessions(user_id: int) -> int:
    """The account's live browser sessions (database sessions: they last at most
    ``QUANYU_SESSION_MAX_HOURS``, so the unexpired ones are few). Changing the password already
    invalidates any other session store's entries (Django checks the session's password hash)."""
    gone = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=gone).delete()
    return len(gone)


def account_anonymise(*, actor: Any, user_id: int, reason: str, person: str) -> dict[str, int]:
    """Strip and close the account ``user_id`` of the person ``person`` ("member:12"), in the
    caller's transaction; refused (``ValidationError`` naming the roles) while it holds one.
    Answers what was dropped."""
    user = lock(User.objects).get(pk=user_id)
    held = roles_held(user)
    if held:
        raise ValidationError(
            _("此人的登录账号仍担任角色：%(roles)s。请先由系统管理员收回这些角色，再进行匿名化。")
            % {"roles": "；".join(held)}
        )
    user.username = anonymised_username(user.pk)
    user.first_name = user.last_name = user.display_name = user.email = user.phone = user.phone_hash = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    own_roles, _by_model = RoleGrant.objects.filter(user=user).delete()  # resident / party member
    tokens, _by_model = Token.objects.filter(user=user).delete()
    devices = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        devices += 1
    sessions = _drop_sessions(user.pk)
    dropped = {"grants": own_roles, "tokens": tokens, "sessions": sessions, "otp_devices": devices}
    audit_record(
        actor=actor,
        action="anonymise",
        target=user,
        fields=",".join((*PERSONAL_FIELDS, "is_active", "password")),
        reason=reason,
        detail={"person": person, **dropped},
    )
    return dropped
