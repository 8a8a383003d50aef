"""Blackout periods and the waiting list of a taken slot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.core.workflow import ConflictError
from quanyu.venues.models import Booking, WaitEntry
from quanyu.venues.services import bookings
from quanyu.venues.services.waiting import blackout_add, wait_join, wait_withdraw
from tests.venues.factories import slot


def test_blackout_refuses_bookings_and_is_listed_in_a_series(city, place):
    start, end = slot(7)
    blackout_add(
        actor=city.users["community_x"],
        venue=place.venue,
        starts_at=start - dt.timedelta(hours=1),
        ends_at=end + dt.timedelta(hours=1),
        reason="换届选举",
    )
    with pytest.raises(ValidationError) as err:
        bookings.booking_request(
            actor=city.users["resident"], room=place.meeting, starts_at=start, ends_at=end, purpose="x"
        )
    assert "换届选举" in err.value.message_dict["starts_at"][0]
    with pytest.raises(ConflictError):
        bookings.booking_request_series(
            actor=city.users["resident"],
            room=place.meeting,
            starts_at=start,
            ends_at=end,
            weeks=3,
            purpose="x",
        )
    made, conflicts = bookings.booking_request_series(
        actor=city.users["resident"],
        room=place.meeting,
        starts_at=start,
        ends_at=end,
        weeks=3,
        purpose="x",
        book_rest=True,
    )
    assert len(made) == 2 and conflicts == [start.date()]
    with pytest.raises(PermissionDenied):
        blackout_add(
            actor=city.users["community_y"], venue=place.venue, starts_at=start, ends_at=end, reason="x"
        )


def test_waiting_list_gets_the_released_slot(city, place):
    start, end = slot(3)
    first = bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=start, ends_at=end, purpose="a"
    )
    with pytest.raises(ValidationError):  # free slots are booked, not waited for
        wait_join(
            actor=city.users["community_x"],
            room=place.meeting,
            starts_at=end,
            ends_at=end + dt.timedelta(hours=1),
            purpose="b",
        )
    entry = wait_join(
        actor=city.users["community_x"], room=place.meeting, starts_at=start, ends_at=end, purpose="支部会"
    )
    second = wait_join(
        actor=city.users["street_staff"], room=place.meeting, starts_at=start, ends_at=end, purpose="议事"
    )
    bookings.booking_decline(actor=city.users["community_x"], booking=first, reason="维修")
    entry.refresh_from_db()
    second.refresh_from_db()
    assert entry.status == "promoted" and entry.booking.booker == city.users["community_x"]
    assert second.status == "waiting"  # the slot went to the first in line
    assert Booking.objects.filter(status="requested").count() == 1
    with pytest.raises(PermissionDenied):
        wait_withdraw(actor=city.users["resident"], entry=second)
    assert wait_withdraw(actor=city.users["street_staff"], entry=second).status == "withdrawn"
    assert WaitEntry.objects.filter(status="waiting").count() == 0
