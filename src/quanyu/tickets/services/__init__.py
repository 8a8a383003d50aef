"""Every state change of the e呼应 loop, one function each (``git grep "def ticket_"``).

All take keyword-only arguments with the actor first, check the actor's role at the ticket's place
(``quanyu.tickets.access``), lock the ticket (then the whistle) with ``select_for_update``, check
the transition table (``quanyu.tickets.states``), save the changed fields, append one
``TicketEvent`` per step and register notifications with ``transaction.on_commit`` — all in one
transaction. They raise ``PermissionDenied`` (not allowed), ``ValidationError`` naming the field
(bad input), ``TransitionError`` (not in this state) or ``ConflictError`` (someone else was
first); nothing is written when they raise.

Lifecycle: ``ticket_create`` → ``ticket_accept``/``ticket_assign`` → ``ticket_escalate`` (grid →
community → street) → ``ticket_whistle`` → ``whistle_respond`` → ``whistle_resolve`` (lead resolves
the ticket) or ``whistle_return`` → street: ``ticket_whistle`` again or ``ticket_reassign`` → …
→ ``ticket_rate`` / ``ticket_callback`` → closed, or reopened. Also ``ticket_resolve`` (locally),
``ticket_merge``, ``ticket_cancel``, ``ticket_transfer_emergency``, ``ticket_supervise``,
``ticket_reopen``, ``ticket_close``, ``rating_appeal``/``rating_appeal_decide``. One-window
applications: ``window_notice_record`` (一次性告知 of missing materials) and
``window_materials_receive`` (补正).
"""

from quanyu.tickets.services.feedback import (
    rating_appeal,
    rating_appeal_decide,
    rehandling_close,
    ticket_callback,
    ticket_rate,
    ticket_rating_link_issue,
)
from quanyu.tickets.services.handling import (
    supervision_close,
    ticket_accept,
    ticket_assign,
    ticket_cancel,
    ticket_close,
    ticket_escalate,
    ticket_merge,
    ticket_reassign,
    ticket_reopen,
    ticket_resolve,
    ticket_supervise,
    ticket_transfer_emergency,
)
from quanyu.tickets.services.intake import ticket_categorise, ticket_create, ticket_create_batch
from quanyu.tickets.services.whistles import (
    ticket_whistle,
    whistle_cancel,
    whistle_resolve,
    whistle_respond,
    whistle_return,
)
from quanyu.tickets.services.window import window_materials_receive, window_notice_record

__all__ = [
    "rating_appeal",
    "rating_appeal_decide",
    "rehandling_close",
    "supervision_close",
    "ticket_accept",
    "ticket_assign",
    "ticket_callback",
    "ticket_cancel",
    "ticket_categorise",
    "ticket_close",
    "ticket_create",
    "ticket_create_batch",
    "ticket_escalate",
    "ticket_merge",
    "ticket_rate",
    "ticket_rating_link_issue",
    "ticket_reassign",
    "ticket_reopen",
    "ticket_resolve",
    "ticket_supervise",
    "ticket_transfer_emergency",
    "ticket_whistle",
    "whistle_cancel",
    "whistle_resolve",
    "whistle_respond",
    "whistle_return",
    "window_materials_receive",
    "window_notice_record",
]
