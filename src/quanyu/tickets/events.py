"""What can happen to a ticket: one small typed function per event kind, and appending the event
to the ticket's history (``TicketEvent``) in the caller's transaction.

Each ``<kind>(…)`` function below names an event kind and the facts its payload keeps; a service
passes what it returns (an ``EventSpec``) to ``services._base.move`` (or ``append_event`` /
``new_event``), which writes the row with the actor, the time and the status change. Events are
the history shown to users and auditors and what analytics read; nothing updates or deletes one.
Empty facts (None, "") are not stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from quanyu.core.compose import followed_by
from quanyu.core.rows import insert_one, new
from quanyu.core.workflow.events import actor_fields
from quanyu.tickets.models import EventKind, Ticket, TicketEvent, Whistle


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
    event = new(
        TicketEvent,
        ticket=ticket,
        kind=kind,
        **actor_fields(actor),
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


@dataclass(frozen=True)
class EventSpec:
    """An event's kind and the facts its payload keeps (the row itself is written by ``move``)."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)

    def as_fields(self) -> dict[str, Any]:
        """``kind`` and the payload, as ``new_event``/``append_event`` take them."""
        return {"kind": self.kind, **self.payload}


def _spec(kind: str, **payload: Any) -> EventSpec:
    return EventSpec(kind, payload)


# -- intake ----------------------------------------------------------------------------------------


def created(
    *, channel: str, tier: str, handling_area: int, category: str | None, suggested: str | None,
    score: float | None, building: int | None, model: int | None = None,
) -> EventSpec:  # fmt: skip
    """Where a new ticket went first, with the suggestion behind it (``model``: the routing
    model's version when a model suggested, absent for the keyword rules)."""
    extra = {} if model is None else {"model": model}
    return _spec(EventKind.CREATED, channel=channel, tier=tier, handling_area=handling_area,
                 category=category, suggested=suggested, score=score, building=building, **extra)  # fmt: skip


def categorised(*, previous: str | None, category: str) -> EventSpec:
    """The category (by its code) staff confirmed, and the one before."""
    return _spec(EventKind.CATEGORISED, previous=previous, category=category)


def window_notice(
    *, item: str, missing: list[str], received: list[str], note: str, notified: list[str] | None
) -> EventSpec:
    return _spec(EventKind.WINDOW_NOTICE, item=item, missing=missing, received=received, note=note,
                 notified=notified)  # fmt: skip


def materials_received(
    *,
    received: list[str],
    missing: list[str] | None,
    complete: bool,
    limits_restarted: bool | None,
    note: str,
) -> EventSpec:
    return _spec(EventKind.MATERIALS_RECEIVED, received=received, missing=missing, complete=complete,
                 limits_restarted=limits_restarted, note=note)  # fmt: skip


# -- handling at the tiers --------------------------------------------------------------------------


def accepted(*, tier: str, note: str) -> EventSpec:
    return _spec(EventKind.ACCEPTED, tier=tier, note=note)


def assigned(*, assignee: int, assignee_name: str, note: str) -> EventSpec:
    return _spec(EventKind.ASSIGNED, assignee=assignee, assignee_name=assignee_name, note=note)


def escalated(*, from_tier: str, to_tier: str, handling_area: int, reason: str) -> EventSpec:
    return _spec(EventKind.ESCALATED, from_tier=from_tier, to_tier=to_tier, handling_area=handling_area,
                 reason=reason)  # fmt: skip


def reassigned(*, to_tier: str, handling_area: int, reason: str) -> EventSpec:
    return _spec(EventKind.REASSIGNED, to_tier=to_tier, handling_area=handling_area, reason=reason)


def resolved(*, explanation: str) -> EventSpec:
    return _spec(EventKind.RESOLVED, explanation=explanation)


def merged(*, into: int, reason: str, withdrawn_whistles: list[int] | None) -> EventSpec:
    return _spec(EventKind.MERGED, into=into, reason=reason, withdrawn_whistles=withdrawn_whistles)


def duplicate_added(*, duplicate: int) -> EventSpec:
    return _spec(EventKind.DUPLICATE_ADDED, duplicate=duplicate)


def cancelled(*, by_requester: bool, reason: str, withdrawn_whistles: list[int] | None) -> EventSpec:
    return _spec(EventKind.CANCELLED, by_requester=by_requester, reason=reason,
                 withdrawn_whistles=withdrawn_whistles)  # fmt: skip


def transferred(*, target: str, note: str, withdrawn_whistles: list[int] | None) -> EventSpec:
    return _spec(EventKind.TRANSFERRED, target=target, note=note, withdrawn_whistles=withdrawn_whistles)


def closed(
    *, note: str = "", rating: int | None = None, concluded_whistles: list[int] | None = None
) -> EventSpec:
    return _spec(EventKind.CLOSED, note=note, rating=rating, concluded_whistles=concluded_whistles)


def reopened(*, reason: str, by_rating: bool) -> EventSpec:
    return _spec(EventKind.REOPENED, reason=reason, by_rating=by_rating)


def supervised(
    *, order: int, reason: str = "", manual: bool | None = None, auto: str | None = None,
    closed: bool | None = None, note: str = "",
) -> EventSpec:  # fmt: skip
    """A supervision order opened by hand (``manual``), by the sweep (``auto``: the order's kind)
    or closed."""
    return _spec(EventKind.SUPERVISED, order=order, reason=reason, manual=manual, auto=auto,
                 closed=closed, note=note)  # fmt: skip


# -- whistles to departments ------------------------------------------------------------------------


def whistled(
    *, departments: list[int], department_names: list[str], lead: int | None, note: str
) -> EventSpec:
    return _spec(EventKind.WHISTLED, departments=departments, department_names=department_names, lead=lead,
                 note=note)  # fmt: skip


def whistle_responded(*, department: int, on_time: bool, note: str) -> EventSpec:
    return _spec(EventKind.WHISTLE_RESPONDED, department=department, on_time=on_time, note=note)


def whistle_resolved(
    *,
    explanation: str,
    department: int | None = None,
    on_time: bool | None = None,
    override_reason: str | None = None,
    assisting_open: list[int] | None = None,
) -> EventSpec:
    """A department's 办结; the lead's carries ``override_reason`` and the assisting whistles still
    open (``assisting_open``) when it answered before they were done."""
    return _spec(EventKind.WHISTLE_RESOLVED, department=department, on_time=on_time,
                 explanation=explanation, override_reason=override_reason,
                 assisting_open=assisting_open)  # fmt: skip


def whistle_returned(*, department: int, reason: str, withdrawn: bool | None = None) -> EventSpec:
    """A department handed its whistle back (or the street withdrew it: ``withdrawn``)."""
    return _spec(EventKind.WHISTLE_RETURNED, department=department, reason=reason, withdrawn=withdrawn)


# -- the requester's word, appeals, re-handling -----------------------------------------------------


def rated(*, rating: int, level: str, via: str, comment: str) -> EventSpec:
    return _spec(EventKind.RATED, rating=rating, level=level, via=via, comment=comment)


def callback(*, rating: int, level: str, via: str, comment: str) -> EventSpec:
    """回访: the rating taken on the phone by staff."""
    return _spec(EventKind.CALLBACK, rating=rating, level=level, via=via, comment=comment)


def appealed(*, rating: int, unit: int, reason: str) -> EventSpec:
    return _spec(EventKind.APPEALED, rating=rating, unit=unit, reason=reason)


def appeal_decided(*, rating: int, upheld: bool, note: str) -> EventSpec:
    return _spec(EventKind.APPEAL_DECIDED, rating=rating, upheld=upheld, note=note)


def rehandled(*, entry: int, note: str) -> EventSpec:
    return _spec(EventKind.REHANDLED, entry=entry, note=note)
