"""Who may take which co-governance step (docs/WORKFLOWS.md §4). Functions over the actor's roles at
the thing's place; they raise ``PermissionDenied`` with a Chinese message and import no services.

- Keepers (admin, organisation department, street and community staff) at a contract's or body's
  area draft, sign for the street or community, supervise, evaluate, renew, plan and hold sessions
  and review tasks.
- A unit's contact (a grant on behalf of the unit, ``RoleGrant.unit``) signs for the unit, writes
  its own report, and reports progress on the tasks its unit owns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import STAFF_ROLES, Role

KEEPERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
# Office roles that read contracts, bodies and tasks of their subtree (department handlers read
# only what their unit is party to).
READERS = frozenset(STAFF_ROLES - {Role.DEPARTMENT_HANDLER})


def deny(message: str | None = None) -> None:
    raise PermissionDenied(message or _("您没有执行此操作的权限"))


def is_keeper(actor: Any, path: str) -> bool:
    return has_role(actor, KEEPERS, at_path=path)


def actor_unit_ids(actor: Any) -> set[int]:
    return {g.unit_id for g in grants_for(actor) if getattr(g, "unit_id", None)}


def speaks_for(actor: Any, unit_ids: Iterable[int]) -> bool:
    return bool(actor_unit_ids(actor) & set(unit_ids))


def require_keeper(actor: Any, path: str) -> None:
    if not is_keeper(actor, path):
        deny(_("只有本街道/社区的工作人员可以办理"))


def require_unit_side(actor: Any, path: str, unit_ids: Iterable[int]) -> None:
    """The unit's contact, or a keeper recording the unit's paper signature or report."""
    if not (speaks_for(actor, unit_ids) or is_keeper(actor, path)):
        deny(_("只有共建单位的联系人或本街道/社区的工作人员可以办理"))


def require_task_owner(actor: Any, path: str, owner_unit_id: int) -> None:
    if not (speaks_for(actor, [owner_unit_id]) or is_keeper(actor, path)):
        deny(_("只有责任单位或本街道/社区的工作人员可以报告进展"))
