"""Who may do what with venues and bookings (docs/WORKFLOWS.md §4). Raise ``PermissionDenied``.

- The register (create, edit, status, rooms, monthly plans): the registry editors (admin,
  organisation department, street and community staff) at the venue's area.
- Standards profiles: admin and organisation department (city-wide configuration).
- Booking a room: anyone holding a role (resident, party member, staff …) at the venue's area, at a
  node under it, or above it — a resident of a community books its centre and its street's centre.
- Deciding a booking (approve, decline, check in, no-show): the editors at the venue's area.
- Cancelling: the booker, or an editor at the venue's area.
- Booking as a party branch: an editor at the branch's area (``require_branch_booker``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import REGISTRY_EDITORS, STAFF_ROLES, Role

EDITORS = REGISTRY_EDITORS
STANDARD_EDITORS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})
# Office roles that read the register and the bookings of their subtree.
READERS = frozenset(STAFF_ROLES - {Role.DEPARTMENT_HANDLER})


def can_edit(actor: Any, path: str) -> bool:
    return has_role(actor, EDITORS, at_path=path)


def require_editor(actor: Any, path: str) -> None:
    if not can_edit(actor, path):
        raise PermissionDenied(_("您无权管理该阵地"))


def require_standard_editor(actor: Any) -> None:
    if not has_role(actor, STANDARD_EDITORS):
        raise PermissionDenied(_("您无权修改达标标准"))


def may_book(actor: Any, path: str) -> bool:
    """Holds any role at the venue's area, under it or above it."""
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return True
    return any(path.startswith(g.area.path) or g.area.path.startswith(path) for g in grants_for(actor))


def require_booker(actor: Any, path: str) -> None:
    if not may_book(actor, path):
        raise PermissionDenied(_("您无权预约该阵地的功能室"))


def require_branch_booker(actor: Any, org_path: str) -> None:
    """Booking as a party branch (三会一课): the registry editors at the branch's area, the rule
    for recording the branch's meetings in ``people``."""
    if not has_role(actor, EDITORS, at_path=org_path):
        raise PermissionDenied(_("您无权为该支部预约场地"))


def is_booker(actor: Any, booker_id: int) -> bool:
    return getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) == booker_id


def require_cancel(actor: Any, *, booker_id: int, path: str) -> None:
    if not (is_booker(actor, booker_id) or can_edit(actor, path)):
        raise PermissionDenied(_("您无权取消该预约"))


# Venue projects: the organisation department (and admins) coordinate every step; a department
# handler acts for the step its unit owns; the street and community staff take the handover.
COORDINATORS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})
HANDOVER_TAKERS = frozenset({Role.STREET_STAFF, Role.COMMUNITY_STAFF})


def require_project_step(actor: Any, *, path: str, step: str, owner_unit: int | None) -> None:
    if has_role(actor, COORDINATORS, at_path=path):
        return
    if step == "handover" and has_role(actor, HANDOVER_TAKERS, at_path=path):
        return
    if owner_unit is not None and any(
        g.role == Role.DEPARTMENT_HANDLER and g.unit_id == owner_unit for g in grants_for(actor)
    ):
        return
    raise PermissionDenied(_("您不是该环节的责任部门"))


def require_coordinator(actor: Any, path: str) -> None:
    if not has_role(actor, COORDINATORS, at_path=path):
        raise PermissionDenied(_("您无权管理阵地建设项目"))
