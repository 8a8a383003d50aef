"""Permission checks by role and place. Services call these before they change anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.roles import PII_REVEALERS, REGISTRY_EDITORS


def grants_for(actor: Any) -> list[Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    return list(getattr(actor, "active_grants", []))


def has_role(actor: Any, roles: Iterable[str], *, at_path: str | None = None) -> bool:
    """True if the actor holds one of ``roles`` at a node whose subtree contains ``at_path``
    (any node when ``at_path`` is None). Superusers hold every role everywhere."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    wanted = set(roles)
    return any(
        g.role in wanted and (at_path is None or at_path.startswith(g.area.path)) for g in grants_for(actor)
    )


def require_role(actor: Any, roles: Iterable[str], *, at_path: str | None = None) -> None:
    if not has_role(actor, roles, at_path=at_path):
        raise PermissionDenied(_("您没有执行此操作的权限"))


def can_edit_registry(actor: Any, *, at_path: str | None = None) -> bool:
    return has_role(actor, REGISTRY_EDITORS, at_path=at_path)


def can_reveal_pii(actor: Any, *, at_path: str | None = None) -> bool:
    return has_role(actor, PII_REVEALERS, at_path=at_path)


def otp_required_for(user: Any) -> bool:
    """True when ``user`` must pass the second (TOTP) step before working: anyone holding a staff
    role, superusers and admin-site users, while settings.QUANYU_REQUIRE_OTP is on."""
    from django.conf import settings

    from quanyu.core.roles import STAFF_ROLES

    if not getattr(settings, "QUANYU_REQUIRE_OTP", False):
        return False
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_staff", False) or has_role(user, STAFF_ROLES))
