"""Append-only events of the venues domain: one small typed function per kind, written in the
transaction of the change (docs/WORKFLOWS.md §3)."""

from __future__ import annotations

from typing import Any

from quanyu.core.workflow.events import actor_fields
from quanyu.venues.models import Booking, BookingEvent, ProjectEvent, Venue, VenueEvent, VenueProject

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


def venue_plan_reminded_event(*, venue: Venue, month: str, due: str, told: int) -> VenueEvent:
    return _venue(venue, "plan_reminded", None, month=month, due=due, told=told)


def venue_photo_added_event(*, venue: Venue, actor: Any, photo: int) -> VenueEvent:
    return _venue(venue, "photo_added", actor, photo=photo)


def venue_photo_removed_event(*, venue: Venue, actor: Any, photo: int) -> VenueEvent:
    return _venue(venue, "photo_removed", actor, photo=photo)


# --- a booking's history (kinds are the statuses reached, so states.replay rebuilds it) --------


def _booking(booking: Booking, kind: str, actor: Any, **payload: Any) -> BookingEvent:
    return BookingEvent.objects.create(booking=booking, kind=kind, payload=payload, **actor_fields(actor))


def booking_requested_event(*, booking: Booking, actor: Any) -> BookingEvent:
    return _booking(
        booking, "requested", actor, room=booking.room_id, starts_at=booking.starts_at.isoformat()
    )


def booking_moved_event(*, booking: Booking, actor: Any, was: dict[str, Any]) -> BookingEvent:
    """The booking moved to another slot or room (its holder rescheduled); ``was`` the old place."""
    return _booking(
        booking,
        "moved",
        actor,
        room=booking.room_id,
        starts_at=booking.starts_at.isoformat(),
        ends_at=booking.ends_at.isoformat(),
        was=was,
    )


def booking_restated_event(*, booking: Booking, actor: Any) -> BookingEvent:
    """After a move the booking's status changed (a room that needs approval asks again): the
    status reached, as its kind, so ``states.replay`` still rebuilds the history."""
    return _booking(booking, booking.status, actor, after_move=True)


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


# --- a venue project's history --------------------------------------------------------------


def _project(project: VenueProject, kind: str, actor: Any, **payload: Any) -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, kind=kind, payload=payload, **actor_fields(actor))


def project_created_event(*, project: VenueProject, actor: Any) -> ProjectEvent:
    return _project(project, "created", actor, owners=project.owners)


def project_step_event(
    *,
    project: VenueProject,
    actor: Any,
    from_step: str,
    to_step: str,
    note: str,
    documents: list[dict[str, str]],
) -> ProjectEvent:
    return _project(
        project, "step", actor, from_step=from_step, to_step=to_step, note=note, documents=documents
    )


def project_presale_restricted_event(
    *, project: VenueProject, actor: Any, short_m2: str, note: str
) -> ProjectEvent:
    return _project(project, "presale_restricted", actor, short_m2=short_m2, note=note)


def project_supervised_event(*, project: VenueProject, step: str, due: str) -> ProjectEvent:
    return _project(project, "supervised", None, step=step, due=due)
