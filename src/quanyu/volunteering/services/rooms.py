"""An activity books a venue room (issue 15): creating, rescheduling and cancelling the activity
book, move and cancel its booking in the same transaction as the activity change, through venues'
booking service (``venues.services``; volunteering and venues are the same rank and venues never
imports volunteering). A taken slot is a 409 naming the room and the slot, and nothing is written.

The organiser (``access.require_organiser``) acts; the room is venues' rule: only rooms the
organiser may book (``venues.selectors.bookable_rooms_for``), bookable and in use, capacity,
blackouts, quota. The activity's address and point are the venue's while a room is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import ConflictError, lock
from quanyu.venues import holders
from quanyu.venues.models import Booking, Room
from quanyu.venues.services.linked import MOVABLE, linked_book, linked_booking_cancel
from quanyu.volunteering import access, notifications
from quanyu.volunteering.models import Activity

KEEP: Any = object()


def _renamed(exc: ValidationError) -> ValidationError:
    """Venues' field names as the activity's: the expected number is the activity's capacity."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({("capacity" if k == "expected" else k): v for k, v in exc.error_dict.items()})


def place_from_room(room: Room) -> dict[str, Any]:
    """The activity's address and point from the room's venue."""
    venue = room.venue
    return {
        "address": (f"{venue.address} {venue.name} {room.name}" if venue.address else str(room))[:200],
        "latitude": venue.lat,
        "longitude": venue.lon,
    }


def book_room(*, actor: Any, activity: Activity, room: Room, held: Booking | None = None) -> Booking:
    """Book ``room`` for the activity's time, or move the booking it holds there (inside the
    caller's transaction): ``venues.services.linked.linked_book``."""
    try:
        return linked_book(
            held=held,
            room=room,
            slot=(activity.starts_at, activity.ends_at),
            purpose=_("志愿活动：%(t)s") % {"t": activity.title},
            actor=actor,
            team=activity.project.team.name,
            expected=activity.capacity,
        )
    except ValidationError as exc:
        raise _renamed(exc) from None


def _check_times(starts_at: Any, ends_at: Any) -> None:
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ValidationError({"starts_at": [_("请填写正确的时间")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError({"ends_at": [_("一次活动不能超过24小时")]})


def activity_reschedule(
    *, actor: Any, activity: Activity, starts_at: dt.datetime, ends_at: dt.datetime, room: Any = KEEP
) -> Activity:
    """Move the activity to [starts_at, ends_at) (and to ``room``: a Room, None for no room, or
    unchanged); its booking moves with it in the same transaction: a taken slot is a 409 naming
    the room and slot, and neither the activity nor the booking changes."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        locked = (
            lock(Activity.objects)
            .select_related("project__team", "booking", "room__venue")
            .get(pk=activity.pk)
        )
        access.require_organiser(actor, locked.project.team)
        if locked.cancelled_at is not None:
            raise ValidationError({"starts_at": [_("活动已取消，不能改期")]})
        shift = starts_at - locked.starts_at
        target = locked.room if room is KEEP else room
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.signup_opens = min(locked.signup_opens + shift, starts_at)
        locked.signup_closes = min(locked.signup_closes + shift, ends_at)
        booking = locked.booking
        if target is not None:
            locked.booking = book_room(actor=actor, activity=locked, room=target, held=booking)
        else:
            if booking is not None and booking.status in MOVABLE:
                linked_booking_cancel(actor=actor, booking=booking, reason=_("志愿活动不再使用该功能室"))
            locked.booking = None
        locked.room = target
        fields = ["starts_at", "ends_at", "signup_opens", "signup_closes", "room", "booking"]
        if target is not None:
            for name, value in place_from_room(target).items():
                setattr(locked, name, value)
            fields += ["address", "latitude", "longitude"]
        locked.save(update_fields=fields)
        return locked


def activity_cancel(*, actor: Any, activity: Activity, reason: str = "") -> Activity:
    """Cancel the activity: its room booking is cancelled in the same transaction (the room is
    free again, its waiting list gets the slot); no more sign-ups."""
    with transaction.atomic():
        locked = lock(Activity.objects).select_related("project__team", "booking").get(pk=activity.pk)
        access.require_organiser(actor, locked.project.team)
        if locked.cancelled_at is not None:
            raise ConflictError(_("活动已取消"))
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        if locked.booking is not None and locked.booking.status in MOVABLE:
            locked.booking = linked_booking_cancel(
                actor=actor, booking=locked.booking, reason=(reason or _("志愿活动取消"))[:500]
            )
        return locked


def _lock_holding(booking_id: int) -> None:
    list(lock(Activity.objects).filter(booking_id=booking_id).values_list("pk", flat=True))


def _room_released(booking: Booking, actor: Any, reason: str) -> None:
    """The venue declined or cancelled the activity's booking (``venues.holders``): the activity
    no longer shows the room (the booking stays linked, so its page says why) and its organisers
    are told, in the booking's transaction."""
    activity = Activity.objects.select_related("project__team__leader").filter(booking_id=booking.pk).first()
    if activity is None or activity.room_id is None:
        return
    activity.room = None
    activity.save(update_fields=["room"])
    notifications.tell_room_released(activity, booking, actor, reason)


def register_holder() -> None:
    holders.register(holders.Holder(name="volunteering", lock=_lock_holding, released=_room_released))
