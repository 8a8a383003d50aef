"""The roles of PRODUCT.md. A grant ties a user to one role at one node of the area tree."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    ORG_DEPARTMENT = "org_department", _("组织部")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    BUILDING_HEAD = "building_head", _("楼长")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门经办人")
    PARTY_MEMBER = "party_member", _("党员")
    RESIDENT = "resident", _("居民")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


# Roles that manage the registry of their subtree (import, edit).
REGISTRY_EDITORS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
# Roles that may see personal data unmasked (on an explicit, audited reveal).
PII_REVEALERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
# Roles that work in the office (workbench, registry pages); residents and members use the
# self-service pages.
STAFF_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.ORG_DEPARTMENT,
        Role.STREET_STAFF,
        Role.COMMUNITY_STAFF,
        Role.GRID_WORKER,
        Role.BUILDING_HEAD,
        Role.DEPARTMENT_HANDLER,
        Role.LEADER,
        Role.AUDITOR,
        Role.SECURITY_ADMIN,
    }
)
