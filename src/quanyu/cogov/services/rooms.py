"""A joint-meeting session books a venue room (issue 15), the way volunteering activities do: the
booking is made, moved or cancelled in the same transaction as the session, through venues'
booking service (cogov and venues are the same rank; venues never imports cogov). A taken slot is
a 409 naming the room and the slot, with nothing written; only rooms the keeper may book
(``venues.selectors.bookable_rooms_for``, venues' ``may_book``); the booking is the body's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.cogov import access
from quanyu.cogov import events as ev
from quanyu.cogov.models import Session
from quanyu.cogov.states import SessionStatus
from quanyu.core.workflow import TransitionError, lock
from quanyu.notify.services import notify_send
from quanyu.venues import holders
from quanyu.venues.models import Booking, Room
from quanyu.venues.services.linked import (
    MOVABLE,
    linked_book,
    linked_booking_cancel,
    released_details,
)
from quanyu.venues.states import BookingStatus


def _moment(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field: [_("请填写正确的时间")]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def session_book_room(*, actor: Any, session: Session, room: Room, starts_at: Any, ends_at: Any) -> Session:
    """Book ``room`` for the planned session on its day; a session that holds a booking already
    moves it (another time or room). 409 naming the room and slot when it is taken."""
    start, end = _moment(starts_at, "starts_at"), _moment(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    with transaction.atomic():
        locked = lock(Session.objects).select_related("body__area", "booking").get(pk=session.pk)
        access.require_keeper(actor, locked.body.area.path)
        if locked.status != SessionStatus.PLANNED:
            raise TransitionError(
                _("会议%(status)s，不能预约会议室") % {"status": locked.get_status_display()}
            )
        if timezone.localtime(start).date() != locked.held_on:
            raise ValidationError(
                {"starts_at": [_("会议室须预约在会议当天（%(d)s）") % {"d": locked.held_on}]}
            )
        booking = linked_book(
            held=locked.booking,
            room=room,
            slot=(start, end),
            purpose=f"{locked.body.name}：{locked.title}",
            actor=actor,
            team=locked.body.name,
        )
        locked.room, locked.booking = room, booking
        locked.save(update_fields=["room", "booking"])
        ev.session_room_booked_event(session=locked, actor=actor)
        return locked


def release_room(*, actor: Any, session: Session, reason: str) -> None:
    """The cancelled session's booking is cancelled with it (inside the caller's transaction)."""
    if session.booking_id is None:
        return
    booking = Booking.objects.get(pk=session.booking_id)
    if booking.status in MOVABLE:
        linked_booking_cancel(actor=actor, booking=booking, reason=reason or _("会议取消"))


def _lock_holding(booking_id: int) -> None:
    list(lock(Session.objects).filter(booking_id=booking_id).values_list("pk", flat=True))


def _room_released(booking: Booking, actor: Any, reason: str) -> None:
    """The venue declined or cancelled the session's booking (``venues.holders``): the session no
    longer shows the room (the booking stays linked, so its page says why) and the keeper who
    booked it is told, in the booking's transaction."""
    session = Session.objects.filter(booking_id=booking.pk).first()
    if session is None or session.room_id is None:
        return
    session.room = None
    session.save(update_fields=["room"])
    declined = booking.status == BookingStatus.DECLINED
    notify_send(
        recipients=[booking.booker] if booking.booker != actor else [],
        kind="cogov_room_released",
        title=(_("会议室预约未获批准：%(title)s") if declined else _("会议室预约已被取消：%(title)s"))
        % {"title": session.title},
        body=_("%(room)s（%(slot)s）%(what)s。原因：%(reason)s。请为会议另选会议室。")
        % released_details(booking, reason),
        link=reverse("web:cogov_session", args=[session.pk]),
    )


def register_holder() -> None:
    holders.register(holders.Holder(name="cogov", lock=_lock_holding, released=_room_released))
