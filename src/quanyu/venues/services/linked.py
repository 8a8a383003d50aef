"""Bookings held by a record of another app (a volunteering activity, a joint-meeting session books
its room): that app's service checks the actor over its own record, then books or moves
(``linked_book``) or cancels the record's booking through these in its own transaction, so the
record and its booking change together or not at all.

Booking and moving stay the venues' rules: the room's row lock, the actor may book the room
(``access.may_book``), bookable and in use, capacity, blackouts, quota, the overlap 409 (and on
PostgreSQL the exclusion constraint). Only cancelling skips the booker check, because whoever may
cancel the holding record may cancel its booking.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import ConflictError, lock
from quanyu.notify.services import notify_send
from quanyu.venues import events
from quanyu.venues.models import Booking, Room
from quanyu.venues.services.bookings import (
    _clean_slot,
    _lock_room,
    _move,
    _taken,
    blacked_out,
    booking_request,
    overlapping,
    promote_waiting,
)
from quanyu.venues.services.plans import keepers_for
from quanyu.venues.states import BookingStatus

MOVABLE = frozenset({BookingStatus.REQUESTED, BookingStatus.APPROVED})


def slot_text(start: dt.datetime, end: dt.datetime) -> str:
    a, b = timezone.localtime(start), timezone.localtime(end)
    tail = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%Y-%m-%d %H:%M}"
    return f"{a:%Y-%m-%d %H:%M}–{tail}"


def released_details(booking: Booking, reason: str) -> dict[str, str]:
    """What a holder's notice says of a booking the venue's side declined or cancelled: the room,
    the slot, what happened to it and why (``venues.holders``)."""
    return {
        "room": str(booking.room),
        "slot": slot_text(booking.starts_at, booking.ends_at),
        "what": booking.get_status_display(),
        "reason": reason or _("未说明"),
    }


def room_taken(room: Room, start: dt.datetime, end: dt.datetime) -> ConflictError:
    """The 409 a holding record shows its user: the room and the slot named."""
    return ConflictError(
        _("功能室“%(room)s”在%(slot)s已被预约，请换一个时段或功能室")
        % {"room": str(room), "slot": slot_text(start, end)}
    )


def linked_book(
    *,
    held: Booking | None,
    room: Room,
    slot: tuple[dt.datetime, dt.datetime],
    purpose: str,
    actor: Any,
    team: str,
    expected: int = 0,
) -> Booking:
    """Book ``room`` for ``slot`` for a record of another app, or move the booking the record
    already holds (``held``, while requested or approved) there; the booking is the team's
    (``team``: the volunteer team, the joint-meeting body). A taken slot is the 409 naming the
    room and the slot (``room_taken``); a bad field is venues' ``ValidationError``. Inside the
    caller's transaction, which holds its record's lock, so nothing is written on a refusal."""
    start, end = slot
    try:
        if held is not None and held.status in MOVABLE:
            return linked_booking_move(
                actor=actor, booking=held, room=room, starts_at=start, ends_at=end, expected=expected
            )
        return booking_request(
            actor=actor,
            room=room,
            starts_at=start,
            ends_at=end,
            purpose=purpose[:200],
            booker_kind=Booking.BookerKind.TEAM,
            team=team[:100],
            expected=expected,
        )
    except ConflictError:
        raise room_taken(room, start, end) from None


def linked_booking_move(
    *,
    actor: Any,
    booking: Booking,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    expected: int = 0,
) -> Booking:
    """Move a requested or approved booking to ``room`` and [starts_at, ends_at). The booking's own
    old slot does not count as a conflict; the slot it leaves goes to its waiting list. On a room
    that does not auto-approve, a moved booking waits for approval again."""
    slot = _clean_slot(starts_at, ends_at)
    try:
        with transaction.atomic():
            held = lock(Booking.objects).get(pk=booking.pk)
            if held.status not in MOVABLE:
                raise ConflictError(_("该预约已%(status)s，不能改期") % {"status": held.get_status_display()})
            # Both rooms' locks in id order: two moves crossing between the same rooms cannot deadlock.
            list(lock(Room.objects).filter(pk__in={held.room_id, room.pk}).order_by("pk"))
            target = _lock_room(room, actor, expected)
            closed = blacked_out(target, *slot)
            if closed is not None:
                raise ValidationError({"starts_at": [_("该时段不开放预约：%(r)s") % {"r": closed}]})
            if overlapping(target.pk, *slot).exclude(pk=held.pk).exists():
                raise _taken()
            was = {
                "room": held.room_id,
                "starts_at": held.starts_at.isoformat(),
                "ends_at": held.ends_at.isoformat(),
                "status": held.status,
            }
            old = (held.room_id, held.starts_at, held.ends_at)
            was_approved = held.status == BookingStatus.APPROVED
            held.room, held.venue = target, target.venue
            held.starts_at, held.ends_at, held.expected = slot[0], slot[1], expected
            status = BookingStatus.APPROVED if target.auto_approve else BookingStatus.REQUESTED
            changed = status != held.status
            held.status = status
            held.save(update_fields=["room", "venue", "starts_at", "ends_at", "expected", "status"])
            events.booking_moved_event(booking=held, actor=actor, was=was)
            if changed:  # the history's kinds stay the statuses reached (states.replay)
                events.booking_restated_event(
                    booking=held, actor=actor if status == BookingStatus.REQUESTED else None
                )
            if status == BookingStatus.REQUESTED:
                _tell_staff_moved(held, again=was_approved)
            promote_waiting(*old)
            return held
    except IntegrityError:
        raise _taken() from None


def _tell_staff_moved(booking: Booking, *, again: bool) -> None:
    """The venue's staff (its keepers, ``plans.keepers_for``) are told a moved booking waits for
    their decision, approved before or not (inside the move's transaction)."""
    path = booking.venue.area.path
    notify_send(
        recipients=keepers_for({path})[path],
        kind="venue_booking_moved",
        title=(_("已批准的预约改期，需重新审批：%(room)s") if again else _("待审批的预约已改期：%(room)s"))
        % {"room": str(booking.room)},
        body=_("%(purpose)s 改为 %(slot)s，请审批。")
        % {"purpose": booking.purpose, "slot": slot_text(booking.starts_at, booking.ends_at)},
        link=reverse("web:venue_detail", args=[booking.venue_id]),
    )


def linked_booking_cancel(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    """Cancel the booking with the record holding it (its waiting list gets the slot)."""
    return _move(
        actor=actor,
        booking=booking,
        target=BookingStatus.CANCELLED,
        action=_("取消"),
        check="holder",
        reason=(reason or "")[:500],
    )
