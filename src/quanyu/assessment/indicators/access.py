"""Who may do what with indicator sets (docs/WORKFLOWS.md §4).

* see a set, its ranking and bulletin: the staff roles of ``VIEWERS`` granted at the set's area,
  above it or inside it (the assessed see the ranking they are in); anyone else gets a 404;
* edit, publish, compute, freeze, score entries and record deductions: administrators and the
  organisation department at the set's area or above; street staff for their street's set of
  communities;
* submit a hand-scored entry: the assessed target's own staff (community staff of the community,
  street staff of the street, a department handler of the unit), or an editor of the set.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.assessment.models import IndicatorSet, Level
from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import Role

VIEWERS = frozenset(
    {
        Role.ADMIN,
        Role.ORG_DEPARTMENT,
        Role.LEADER,
        Role.AUDITOR,
        Role.STREET_STAFF,
        Role.COMMUNITY_STAFF,
        Role.DEPARTMENT_HANDLER,
    }
)
EDITORS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})
COCKPIT_VIEWERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.LEADER, Role.AUDITOR, Role.STREET_STAFF})


def can_view(actor: Any, indicator_set: IndicatorSet) -> bool:
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return True
    path = indicator_set.area.path
    return any(
        g.role in VIEWERS and (path.startswith(g.area.path) or g.area.path.startswith(path))
        for g in grants_for(actor)
    )


def can_edit(actor: Any, indicator_set: IndicatorSet) -> bool:
    path = indicator_set.area.path
    if has_role(actor, EDITORS, at_path=path):
        return True
    return indicator_set.level == Level.COMMUNITY and has_role(actor, {Role.STREET_STAFF}, at_path=path)


def require_editor(actor: Any, indicator_set: IndicatorSet) -> None:
    if not can_edit(actor, indicator_set):
        raise PermissionDenied(_("只有本级组织部、系统管理员（街道考核社区时为街道工作人员）可以管理此考核"))


def require_creator(actor: Any, *, level: str, path: str) -> None:
    if has_role(actor, EDITORS, at_path=path):
        return
    if level == Level.COMMUNITY and has_role(actor, {Role.STREET_STAFF}, at_path=path):
        return
    raise PermissionDenied(_("您没有在此区域建立考核指标体系的权限"))


def can_submit(
    actor: Any, indicator_set: IndicatorSet, *, area_path: str | None, unit_id: int | None
) -> bool:
    if can_edit(actor, indicator_set):
        return True
    if unit_id is not None:
        return any(g.role == Role.DEPARTMENT_HANDLER and g.unit_id == unit_id for g in grants_for(actor))
    own = Role.STREET_STAFF if indicator_set.level == Level.STREET else Role.COMMUNITY_STAFF
    return area_path is not None and has_role(actor, {own}, at_path=area_path)


def require_submitter(
    actor: Any, indicator_set: IndicatorSet, *, area_path: str | None, unit_id: int | None
) -> None:
    if not can_submit(actor, indicator_set, area_path=area_path, unit_id=unit_id):
        raise PermissionDenied(_("只有被考核单位本身或考核单位可以提交自评材料"))


def can_view_cockpit(actor: Any) -> bool:
    return has_role(actor, COCKPIT_VIEWERS)


def require_cockpit_viewer(actor: Any) -> None:
    if not can_view_cockpit(actor):
        raise PermissionDenied(_("您没有查看领导驾驶舱的权限"))
