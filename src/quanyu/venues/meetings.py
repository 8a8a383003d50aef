"""Venues' booker for the people app's 三会一课 slot (``people.meeting_rooms``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.orgs.models import PartyOrg
from quanyu.venues.models import Booking, Room
from quanyu.venues.services.bookings import booking_request


def book_for_meeting(
    *, actor: Any, room_id: int, branch: PartyOrg, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str
) -> int:
    """Book ``room_id`` as ``branch`` through the booking service (all its checks); the id."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise ValidationError({"room": [_("房间不存在")]})
    booking = booking_request(
        actor=actor,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        booker_kind=Booking.BookerKind.BRANCH,
        org=branch,
    )
    return booking.pk
