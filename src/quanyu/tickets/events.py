"""Appending to a ticket's history (``TicketEvent``), in the caller's transaction.

Events are the history shown to users and auditors and what analytics read. Every service calls
``append_event`` exactly once per step it takes; nothing updates or deletes an event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanyu.core.compose import followed_by
from quanyu.core.rows import insert_one, new
from quanyu.core.workflow.events import actor_label
from quanyu.tickets.models import Ticket, TicketEvent, Whistle


def new_event(
    *,
    ticket: Ticket,
    kind: str,
    actor: Any,
    at: dt.datetime,
    from_status: str,
    to_status: str,
    whistle: Whistle | None = None,
    whistle_id: int | None = None,
    **payload: Any,
) -> TicketEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = new(
        TicketEvent,
        ticket=ticket,
        kind=kind,
        actor=actor if is_user else None,
        actor_name=actor_label(actor),
        at=at,
        from_status=from_status,
        to_status=to_status,
        whistle_id=whistle.pk if whistle is not None else whistle_id,
        payload={k: v for k, v in payload.items() if v not in (None, "")},
    )
    return event


def _inserted(event: TicketEvent) -> TicketEvent:
    insert_one(event)  # append-only: never saved twice, no signal listens
    return event


# ``append_event(**fields)``: write the event ``new_event(**fields)`` builds, in the caller's
# transaction (its ``pk`` set). ``new_event`` alone builds it unsaved, for a batch to insert.
append_event = followed_by(new_event, _inserted, name="append_event")
