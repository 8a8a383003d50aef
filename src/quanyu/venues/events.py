"""Append-only events of the venues domain: one small typed function per kind, written in the
transaction of the change (docs/WORKFLOWS.md §3)."""

from __future__ import annotations

from typing import Any

from quanyu.core.workflow.events import actor_fields
from quanyu.venues.models import Booking, BookingEvent, Venue, VenueEvent

# --- a venue's history ------------------------------------------------------------------------


def _venue(venue: Venue, kind: str, actor: Any, **payload: Any) -> VenueEvent:
    return VenueEvent.objects.create(venue=venue, kind=kind, payload=payload, **actor_fields(actor))


def venue_created_event(*, venue: Venue, actor: Any) -> VenueEvent:
    return _venue(venue, "created", actor, status=venue.status)


def venue_changed_event(*, venue: Venue, actor: Any, fields: list[str]) -> VenueEvent:
    return _venue(venue, "changed", actor, fields=fields)


def venue_status_event(
    *, venue: Venue, actor: Any, from_status: str, to_status: str, note: str
) -> VenueEvent:
    return _venue(venue, "status", actor, from_status=from_status, to_status=to_status, note=note)


def venue_room_added_event(*, venue: Venue, actor: Any, room: str, function: str) -> VenueEvent:
    return _venue(venue, "room_added", actor, room=room, function=function)


def venue_plan_posted_event(*, venue: Venue, actor: Any, month: str, items: int) -> VenueEvent:
    return _venue(venue, "plan_posted", actor, month=month, items=items)


# --- a booking's history (kinds are the statuses reached, so states.replay rebuilds it) --------


def _booking(booking: Booking, kind: str, actor: Any, **payload: Any) -> BookingEvent:
    return BookingEvent.objects.create(booking=booking, kind=kind, payload=payload, **actor_fields(actor))


def booking_requested_event(*, booking: Booking, actor: Any) -> BookingEvent:
    return _booking(
        booking, "requested", actor, room=booking.room_id, starts_at=booking.starts_at.isoformat()
    )


def booking_approved_event(*, booking: Booking, actor: Any, auto: bool) -> BookingEvent:
    return _booking(booking, "approved", actor, auto=auto)


def booking_declined_event(*, booking: Booking, actor: Any, reason: str) -> BookingEvent:
    return _booking(booking, "declined", actor, reason=reason)


def booking_cancelled_event(*, booking: Booking, actor: Any, reason: str) -> BookingEvent:
    return _booking(booking, "cancelled", actor, reason=reason)


def booking_used_event(*, booking: Booking, actor: Any, attendance: int) -> BookingEvent:
    return _booking(booking, "used", actor, attendance=attendance)


def booking_no_show_event(*, booking: Booking, actor: Any, by_sweep: bool) -> BookingEvent:
    return _booking(booking, "no_show", actor, by_sweep=by_sweep)
