"""Who may see the department ranking, drill into it and publish bulletins.

* the ranking and the bulletins: the organisation department, leaders, administrators, auditors,
  street staff (all departments) and department handlers (the whole table: it is published anyway);
* the drill-down to the tickets behind a figure: the same staff roles, limited to the tickets of
  their part of the city; a department handler only for its own department (another is a 404);
* publishing a bulletin and changing the scoring rules: the organisation department and
  administrators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import Role

STAFF_VIEWERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.LEADER, Role.AUDITOR, Role.STREET_STAFF})
RANKING_VIEWERS = STAFF_VIEWERS | {Role.DEPARTMENT_HANDLER}
PUBLISHERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})


def can_view_ranking(actor: Any) -> bool:
    return has_role(actor, RANKING_VIEWERS)


def require_ranking_viewer(actor: Any) -> None:
    if not can_view_ranking(actor):
        raise PermissionDenied(_("您没有查看部门考核排名的权限"))


def can_publish(actor: Any) -> bool:
    return has_role(actor, PUBLISHERS)


def require_publisher(actor: Any) -> None:
    if not can_publish(actor):
        raise PermissionDenied(_("只有组织部和系统管理员可以发布考核通报或修改计分规则"))


def can_drill_into(actor: Any, department_id: int) -> bool:
    """Staff viewers may open any department's tickets (their part of the city); a department
    handler only its own department's."""
    if has_role(actor, STAFF_VIEWERS):
        return True
    return department_id in handler_departments(actor)


def handler_departments(actor: Any) -> frozenset[int]:
    return frozenset(
        g.unit_id for g in grants_for(actor) if g.role == Role.DEPARTMENT_HANDLER and g.unit_id is not None
    )
