"""The ticket and whistle state machines as tables (STYLE.md §2). Only services assign ``status``.

Ticket::

    new ──accept/assign──▶ in_progress ──whistle──▶ whistled ──lead resolves──▶ resolved ──rate──▶ closed
     ▲ │ escalate/reassign     │ resolve locally        │ all whistles returned ▲   │ 不满意 / reopen
     └─┘ (next tier: new)      └────────────────────────┼──▶ in_progress ◀──────┼───┘
    any open state ──cancel / merge / emergency transfer──▶ cancelled / merged / transferred (final)

Whistle::

    pending ──respond──▶ responded ──resolve──▶ resolved
       │  └────────────────┴──return──▶ returned / withdraw (street, or the ticket ends) ──▶ cancelled
       └───────────────────┴──the ticket closes──▶ concluded

Assisting whistles (协办) after the lead resolved the ticket: they stay open — the department
finishes its part and is scored against its own limits — until the ticket closes (rated,
called back or closed by staff). Then the still-open ones are *concluded* (随工单结束): final, the
ticket's CLOSED event lists them (``concluded_whistles``). A concluded whistle still counts in its
department's figures: received, responded in time if it was, never resolved in time.

A self-loop (``new → new`` …) is an event that changes no status (escalation, assignment,
supervision, a callback on a closed ticket); states without one accept no further events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    NEW = "new", _("待受理")
    IN_PROGRESS = "in_progress", _("办理中")
    WHISTLED = "whistled", _("部门办理中")
    RESOLVED = "resolved", _("已办结待评价")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已撤销")
    MERGED = "merged", _("已合并")
    TRANSFERRED = "transferred", _("已转应急")


S = TicketStatus
ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.NEW, S.IN_PROGRESS, S.CANCELLED, S.MERGED, S.TRANSFERRED}),
    S.IN_PROGRESS: frozenset(
        {S.IN_PROGRESS, S.NEW, S.WHISTLED, S.RESOLVED, S.CANCELLED, S.MERGED, S.TRANSFERRED}
    ),
    S.WHISTLED: frozenset({S.WHISTLED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED, S.MERGED, S.TRANSFERRED}),
    S.RESOLVED: frozenset({S.RESOLVED, S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CANCELLED: frozenset(),
    S.MERGED: frozenset(),
    S.TRANSFERRED: frozenset(),
}

# Being worked on: deadlines run, the sweep looks at these.
OPEN_STATUSES: frozenset[TicketStatus] = frozenset({S.NEW, S.IN_PROGRESS, S.WHISTLED})
FINAL_STATUSES: frozenset[TicketStatus] = frozenset(s for s, targets in ALLOWED.items() if not targets)
INITIAL_STATUS = S.NEW


class WhistleStatus(models.TextChoices):
    PENDING = "pending", _("待响应")
    RESPONDED = "responded", _("已响应办理中")
    RESOLVED = "resolved", _("已办结")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤回")
    CONCLUDED = "concluded", _("随工单结束")


W = WhistleStatus
WHISTLE_ALLOWED: dict[WhistleStatus, frozenset[WhistleStatus]] = {
    W.PENDING: frozenset({W.RESPONDED, W.RETURNED, W.CANCELLED, W.CONCLUDED}),
    W.RESPONDED: frozenset({W.RESOLVED, W.RETURNED, W.CANCELLED, W.CONCLUDED}),
    W.RESOLVED: frozenset(),
    W.RETURNED: frozenset(),
    W.CANCELLED: frozenset(),
    W.CONCLUDED: frozenset(),
}
WHISTLE_OPEN: frozenset[WhistleStatus] = frozenset({W.PENDING, W.RESPONDED})
# Tickets whose open whistles are no longer anybody's work: closed (assisting whistles are
# concluded when the ticket closes) or ended (whistles withdrawn). Open-work reads ignore whistles of
# these tickets even where old rows were left open.
WORK_ENDED_STATUSES: frozenset[TicketStatus] = frozenset({S.CLOSED, S.CANCELLED, S.MERGED, S.TRANSFERRED})


def can_transition(current: str, target: str) -> bool:
    return TicketStatus(target) in ALLOWED[TicketStatus(current)]


def can_whistle_transition(current: str, target: str) -> bool:
    return WhistleStatus(target) in WHISTLE_ALLOWED[WhistleStatus(current)]


def replay(transitions: Iterable[tuple[str, str]]) -> TicketStatus:
    """The status a ticket must have after its events' (from_status, to_status) pairs, in order.

    Raises ValueError when the history is broken: an event that does not start where the previous
    one ended, or a step the table does not allow. The first event is the creation (from "")."""
    status: TicketStatus | None = None
    for from_status, to_status in transitions:
        if status is None:
            if from_status != "" or to_status != INITIAL_STATUS:
                raise ValueError(f"history must start with creation, got {from_status!r} → {to_status!r}")
            status = INITIAL_STATUS
            continue
        if from_status != status:
            raise ValueError(f"event starts at {from_status!r} but the ticket was {status!r}")
        if not can_transition(from_status, to_status):
            raise ValueError(f"{from_status!r} → {to_status!r} is not in the transition table")
        status = TicketStatus(to_status)
    if status is None:
        raise ValueError("empty history")
    return status
