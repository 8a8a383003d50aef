"""Separation of the three administrators (三员分立, GB/T 22239-2019 §8.1.4.2 access control):

* the **system administrator** (``admin``) runs the platform: registry, catalogue, data, settings;
* the **security administrator** (``security_admin``) manages accounts and role grants;
* the **audit administrator** (``auditor``) reads the audit log, which no one can change.

None of them does another's work, and no account holds two of the three roles. On by default in
production (``QUANYU_SEPARATION_OF_DUTIES``; off in the DEBUG demo and the tests, which turn it on
where they check it): then only security administrators create users and grant roles (the
``accounts`` services and the back office), and only audit administrators read the audit log —
superusers included, who keep everything else for setting up a site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.roles import Role

ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


def separated() -> bool:
    return bool(getattr(settings, "QUANYU_SEPARATION_OF_DUTIES", False))


def user_manager_roles(usual: frozenset[str]) -> frozenset[str]:
    """Who creates users and grants roles: security administrators alone under the separation,
    else they and the ``usual`` roles of that place (the services: system administrators; the
    back office: also the organisation department, in its area)."""
    if separated():
        return frozenset({Role.SECURITY_ADMIN})
    return usual | {Role.SECURITY_ADMIN}


def may_read_audit_log(actor: Any, roles: Iterable[str]) -> bool:
    """Whether ``actor`` (holding ``roles``) reads the audit log: audit administrators, and
    without the separation superusers too."""
    if Role.AUDITOR in set(roles):
        return True
    return bool(getattr(actor, "is_superuser", False)) and not separated()


def check_separate(roles: Iterable[str]) -> None:
    """Refuse a set of one account's roles that joins two of the three administrators."""
    held = sorted(set(roles) & ADMINISTRATORS)
    if len(held) > 1:
        labels = "、".join(str(Role(r).label) for r in held)
        raise ValidationError({"role": _("三员分立：同一账号不能同时担任%(roles)s") % {"roles": labels}})
