"""Who may act on a ticket or a whistle (role + place), and who hears about it.

Roles per tier: an actor may act for the tier that handles a ticket when it holds that tier's role,
or a role of a higher tier, at a node whose subtree contains the handling area (a community's staff
may act for its grids; a street's staff for everything in the street). Department handlers act
only on whistles to their own department (``RoleGrant.unit``) inside their grant's subtree.

Building heads (楼长) hold their grant at a building, below the grid a ticket is located to. They
report problems of their building (patrol channel: the ticket records the building, and the
permission is checked at the building) and follow them: they see the tickets whose ``building``
lies under their grant and those they registered (``selectors.ticket_visibility_q``). Handling
stays with the grid worker, to whose inbox their reports go.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.catalog.models import Tier
from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import Role
from quanyu.tickets.models import Ticket, Whistle

TIER_ROLES: dict[str, frozenset[str]] = {
    Tier.GRID: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN}),
    Tier.COMMUNITY: frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN}),
    Tier.STREET: frozenset({Role.STREET_STAFF, Role.ADMIN}),
}
# The role that works a tier day to day (who gets its notifications).
TIER_OWNER: dict[str, str] = {
    Tier.GRID: Role.GRID_WORKER,
    Tier.COMMUNITY: Role.COMMUNITY_STAFF,
    Tier.STREET: Role.STREET_STAFF,
}
STREET_ROLES = frozenset({Role.STREET_STAFF, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.STREET_STAFF, Role.ORG_DEPARTMENT, Role.LEADER, Role.ADMIN})
CALLBACK_ROLES = frozenset({Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.ADMIN})
# Roles whose grant path scopes the tickets they see by where a ticket is located
# (``Ticket.area_path``). Residents and department handlers see tickets by other rules.
AREA_VIEWER_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.ORG_DEPARTMENT,
        Role.STREET_STAFF,
        Role.COMMUNITY_STAFF,
        Role.GRID_WORKER,
        Role.LEADER,
        Role.AUDITOR,
    }
)
# Roles whose grant path scopes the tickets they see by the building a ticket was reported in
# (``Ticket.building_path``), plus the tickets they registered themselves.
BUILDING_VIEWER_ROLES = frozenset({Role.BUILDING_HEAD})
# Everybody who works with tickets in their part of the tree (the ticket list page).
TICKET_VIEWER_ROLES = AREA_VIEWER_ROLES | BUILDING_VIEWER_ROLES
# Who may register a ticket for each staff channel (anyone may use web/open311; api needs a login).
CHANNEL_ROLES: dict[str, frozenset[str]] = {
    "patrol": frozenset(
        {Role.GRID_WORKER, Role.BUILDING_HEAD, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN}
    ),
    "window": frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN}),
    "hotline": frozenset({Role.STREET_STAFF, Role.ORG_DEPARTMENT, Role.ADMIN}),
}


def deny() -> PermissionDenied:
    return PermissionDenied(_("您没有执行此操作的权限"))


def can_act_at_tier(actor: Any, ticket: Ticket) -> bool:
    return has_role(actor, TIER_ROLES[ticket.tier], at_path=ticket.handling_area.path)


def require_tier(actor: Any, ticket: Ticket) -> None:
    if not can_act_at_tier(actor, ticket):
        raise deny()


def require_at_ticket(actor: Any, ticket: Ticket, roles: frozenset[str]) -> None:
    if not has_role(actor, roles, at_path=ticket.area_path):
        raise deny()


def is_requester(actor: Any, ticket: Ticket) -> bool:
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and ticket.requester_id is not None
        and ticket.requester_id == actor.pk
    )


def handler_unit_ids(actor: Any, *, at_path: str | None = None) -> set[int]:
    """Departments the actor handles (optionally only grants whose subtree holds ``at_path``)."""
    return {
        g.unit_id
        for g in grants_for(actor)
        if g.role == Role.DEPARTMENT_HANDLER
        and g.unit_id is not None
        and (at_path is None or at_path.startswith(g.area.path))
    }


def can_handle_whistle(actor: Any, whistle: Whistle, ticket: Ticket) -> bool:
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return True
    return whistle.department_id in handler_unit_ids(actor, at_path=ticket.area_path)


def require_handler(actor: Any, whistle: Whistle, ticket: Ticket) -> None:
    if not can_handle_whistle(actor, whistle, ticket):
        raise deny()
