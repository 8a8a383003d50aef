"""Who may do what with people, and the access helpers that find an object inside the actor's
subtree (out of scope → 404).

Reads are scoped by the grants of the roles that may read the register at all: a user who is a
resident in one community and community staff in another sees the register of the second only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import PII_REVEALERS, REGISTRY_EDITORS, STAFF_ROLES, Role
from quanyu.core.scoping import scope

M = TypeVar("M", bound=models.Model)

# Office roles that read the member and resident registers of their subtree.
READERS = frozenset(STAFF_ROLES - {Role.DEPARTMENT_HANDLER})
# Roles that keep the registers (import, edit, confirm reports, define posts, approve points).
EDITORS = REGISTRY_EDITORS
# Roles that serve vulnerable groups and so may see the protected tags.
TAG_VIEWERS = frozenset(
    {Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER}
)
REVEALERS = PII_REVEALERS
# Only auditors (and superusers) read the audit log. An ``admin`` grant at a street or
# community is not enough: the log is city-wide, so reading it is the auditor's job alone.
AUDITORS = frozenset({Role.AUDITOR})


@dataclass(frozen=True)
class ScopedAs:
    """The actor seen through the grants of some roles only (what ``scope()`` reads)."""

    actor: Any
    scope_paths: tuple[str, ...]
    is_superuser: bool
    is_authenticated: bool = True


def as_roles(actor: Any, roles: frozenset[str]) -> ScopedAs:
    paths = tuple(g.area.path for g in grants_for(actor) if g.role in roles)
    return ScopedAs(
        actor=actor,
        scope_paths=paths,
        is_superuser=bool(getattr(actor, "is_superuser", False)),
        is_authenticated=bool(getattr(actor, "is_authenticated", False)),
    )


def scoped(
    queryset: models.QuerySet[M], *, actor: Any, roles: frozenset[str] = READERS
) -> models.QuerySet[M]:
    return scope(queryset, actor=as_roles(actor, roles))


def scoped_members(
    queryset: models.QuerySet[M], *, actor: Any, roles: frozenset[str] = READERS
) -> models.QuerySet[M]:
    """Members are seen from the residence community and from the branch's area."""
    view = as_roles(actor, roles)
    by_home = scope(queryset, actor=view, field="scope_path")
    by_branch = scope(queryset, actor=view, field="branch_path")
    return by_home | by_branch


def get_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_paths(member: Any) -> tuple[str, ...]:
    return tuple(p for p in (member.scope_path, member.branch_path) if p)


def has_role_at_any(actor: Any, roles: frozenset[str] | set[str], paths: tuple[str, ...]) -> bool:
    return any(has_role(actor, roles, at_path=p) for p in paths)


def can_see_tags(actor: Any) -> bool:
    return has_role(actor, TAG_VIEWERS)


@dataclass(frozen=True)
class TagSight:
    """Where an actor may see protected tags: the paths of its tag-viewing grants, computed once
    per request so a list decides each row by a prefix test in Python (no query per row)."""

    everywhere: bool
    paths: tuple[str, ...]

    def sees(self, path: str) -> bool:
        return self.everywhere or any(path.startswith(p) for p in self.paths)

    @property
    def anywhere(self) -> bool:
        return self.everywhere or bool(self.paths)


def tag_sight(actor: Any) -> TagSight:
    return TagSight(
        everywhere=bool(getattr(actor, "is_superuser", False)),
        paths=tuple(g.area.path for g in grants_for(actor) if g.role in TAG_VIEWERS),
    )


def tags_visible_for(*, actor: Any, person: Any, sight: TagSight | None = None) -> list[str]:
    """The protected tags of ``person`` the actor may see: all of them where the actor holds a
    tag-viewing role at the person's place (its ``scope_path``), none otherwise. Pass ``sight``
    (from :func:`tag_sight`) when deciding many rows."""
    sight = sight or tag_sight(actor)
    return person.tag_list if sight.sees(person.scope_path) else []


def birth_month(born: dt.date | None) -> str:
    """The birth date as a masked view shows it: year and month (``1980-01``), never the day.
    The full date only appears with the ID number, on an explicit, audited reveal."""
    return born.strftime("%Y-%m") if born else ""
