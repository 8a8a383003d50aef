"""What each tier of e呼应 contributes to its users' to-do list on the home page (see
``quanyu.web.todo``). Every count reads through the ticket selectors with the linked page's own
filter, so it equals the rows that page lists for the same user; each provider is one query
(conditional counts over the selector's queryset)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.catalog.models import Tier
from quanyu.core.roles import Role
from quanyu.tickets import selectors
from quanyu.tickets.states import TicketStatus, WhistleStatus
from quanyu.web.tickets.views.common import DEPARTMENT_ROLES, DISPATCH_ROLES, PATROL_ROLES, TRIAGE_ROLES
from quanyu.web.todo import TodoItem, TodoProvider, register_todo

S = TicketStatus
W = WhistleStatus
OPEN = [S.NEW, S.IN_PROGRESS, S.WHISTLED]
GRID_ROLES = frozenset({Role.GRID_WORKER, Role.BUILDING_HEAD})
RESIDENT_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER})
LEADER_ROLES = frozenset({Role.LEADER, Role.ORG_DEPARTMENT})


def _counts(qs: Any, **conditions: Q) -> dict[str, int]:
    """One query: how many rows of ``qs`` meet each condition."""
    return qs.order_by().aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})


def grid_work(user: Any) -> list[TodoItem]:
    n = _counts(
        selectors.ticket_list_for(actor=user).filter(tier=Tier.GRID),
        new=Q(status=S.NEW),
        doing=Q(status=S.IN_PROGRESS),
    )
    items = [
        TodoItem(
            key="grid_new",
            label=_("网格待受理诉求"),
            count=n["new"],
            url_name="web:ticket_grid_inbox",
            query="tab=todo",
            order=10,
        ),
        TodoItem(
            key="grid_doing",
            label=_("网格办理中诉求"),
            count=n["doing"],
            url_name="web:ticket_grid_inbox",
            query="tab=doing",
            order=11,
        ),
    ]
    if PATROL_ROLES & getattr(user, "roles", frozenset()) or getattr(user, "is_superuser", False):
        items.append(TodoItem(key="patrol", label=_("巡查上报"), url_name="web:ticket_patrol", order=12))
    return items


def community_work(user: Any) -> list[TodoItem]:
    qs = selectors.ticket_list_for(actor=user).order_by().filter(tier=Tier.COMMUNITY, status=S.NEW)
    return [
        TodoItem(
            key="triage_new",
            label=_("社区待分拨诉求"),
            count=qs.count(),
            url_name="web:ticket_triage",
            order=20,
        )
    ]


def street_work(user: Any) -> list[TodoItem]:
    late, _soon = selectors.ticket_deadline_q(timezone.now())
    n = _counts(
        selectors.ticket_list_for(actor=user, filters={"open": True}),
        dispatch=Q(tier=Tier.STREET, status__in=[S.NEW, S.IN_PROGRESS]),
        overdue=late,
    )
    return [
        TodoItem(
            key="dispatch",
            label=_("街道待调度诉求"),
            count=n["dispatch"],
            url_name="web:ticket_dispatch",
            order=30,
        ),
        TodoItem(
            key="overdue",
            label=_("辖区超期未办结"),
            count=n["overdue"],
            url_name="web:ticket_list",
            query="status=open&overdue=true",
            urgent=True,
            order=31,
        ),
    ]


def department_work(user: Any) -> list[TodoItem]:
    # The inbox's tabs read whistle_list_for(status=[PENDING]) and (status=[RESPONDED]); both
    # leave out whistles of tickets whose work has ended, as this open-whistle query does.
    n = _counts(
        selectors.whistle_list_for(actor=user, status=[W.PENDING, W.RESPONDED]),
        pending=Q(status=W.PENDING),
        responded=Q(status=W.RESPONDED),
        late=Q(is_overdue=True),
    )
    return [
        TodoItem(
            key="whistles_pending",
            label=_("待响应的吹哨"),
            count=n["pending"],
            url_name="web:ticket_department",
            query="tab=pending",
            order=40,
        ),
        TodoItem(
            key="whistles_responded",
            label=_("待办结的吹哨"),
            count=n["responded"],
            url_name="web:ticket_department",
            query="tab=responded",
            order=41,
        ),
        TodoItem(
            key="whistles_late",
            label=_("已超期的吹哨"),
            count=n["late"],
            url_name="web:ticket_department",
            urgent=True,
            order=42,
        ),
    ]


def resident_work(user: Any) -> list[TodoItem]:
    n = _counts(
        selectors.ticket_list_for(actor=user, filters={"mine": True}).filter(requester_id=user.pk),
        rate=Q(status=S.RESOLVED),
        open=Q(status__in=OPEN),
    )
    return [
        TodoItem(
            key="to_rate",
            label=_("待评价的诉求"),
            count=n["rate"],
            url_name="web:ticket_mine",
            order=50,
        ),
        TodoItem(
            key="my_open",
            label=_("办理中的诉求"),
            count=n["open"],
            url_name="web:ticket_mine",
            order=51,
        ),
        TodoItem(key="submit", label=_("我要反映诉求"), url_name="web:ticket_submit", order=52),
    ]


def leader_figures(user: Any) -> list[TodoItem]:
    late, _soon = selectors.ticket_deadline_q(timezone.now())
    n = _counts(
        selectors.ticket_list_for(actor=user),
        open=Q(status__in=OPEN),
        overdue=Q(status__in=OPEN) & late,
        whistled=Q(status=S.WHISTLED),
        rate=Q(status=S.RESOLVED),
    )
    return [
        TodoItem(
            key="fig_open",
            label=_("在办诉求"),
            count=n["open"],
            url_name="web:ticket_list",
            query="status=open",
            figure=True,
            order=60,
        ),
        TodoItem(
            key="fig_overdue",
            label=_("超期未办结"),
            count=n["overdue"],
            url_name="web:ticket_list",
            query="status=open&overdue=true",
            urgent=True,
            figure=True,
            order=61,
        ),
        TodoItem(
            key="fig_whistled",
            label=_("部门办理中"),
            count=n["whistled"],
            url_name="web:ticket_list",
            query=f"status={S.WHISTLED.value}",
            figure=True,
            order=62,
        ),
        TodoItem(
            key="fig_to_rate",
            label=_("已办结待评价"),
            count=n["rate"],
            url_name="web:ticket_list",
            query=f"status={S.RESOLVED.value}",
            figure=True,
            order=63,
        ),
    ]


register_todo(
    TodoProvider(key="tickets.grid", roles=GRID_ROLES, items=grid_work, order=10),
    TodoProvider(
        key="tickets.community", roles=TRIAGE_ROLES - {Role.STREET_STAFF}, items=community_work, order=20
    ),
    TodoProvider(key="tickets.street", roles=DISPATCH_ROLES, items=street_work, order=30),
    TodoProvider(key="tickets.department", roles=DEPARTMENT_ROLES, items=department_work, order=40),
    TodoProvider(key="tickets.resident", roles=RESIDENT_ROLES, items=resident_work, order=50),
    TodoProvider(key="tickets.leader", roles=LEADER_ROLES, items=leader_figures, order=60),
)
