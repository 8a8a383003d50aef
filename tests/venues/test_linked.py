"""``linked_book``: the one "book the room, or move the booking the record already holds" that
volunteering's activities and cogov's sessions call. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from quanyu.core.workflow.errors import ConflictError
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from quanyu.venues.services.linked import linked_book
from quanyu.venues.states import BookingStatus
from tests.venues.factories import make_place, slot

pytestmark = pytest.mark.django_db


def test_books_moves_what_it_holds_and_books_anew_once_the_venue_cancelled(city):
    place = make_place(city, 0)
    actor, staff = city.users["community_x"], city.users["district_admin"]
    start, end = slot(3)
    first = linked_book(
        held=None, room=place.meeting, slot=(start, end), purpose="议事会", actor=actor, team="议事会"
    )
    assert first.status == BookingStatus.REQUESTED and first.booker_kind == Booking.BookerKind.TEAM
    assert first.team == "议事会" and first.purpose == "议事会"
    later = (start + dt.timedelta(hours=3), end + dt.timedelta(hours=3))
    moved = linked_book(held=first, room=place.hall, slot=later, purpose="议事会", actor=actor, team="议事会")
    assert moved.pk == first.pk and moved.room == place.hall and moved.status == BookingStatus.APPROVED
    bookings.booking_cancel(actor=staff, booking=moved, reason="维修")
    moved.refresh_from_db()
    anew = linked_book(held=moved, room=place.hall, slot=later, purpose="议事会", actor=actor, team="议事会")
    assert anew.pk != moved.pk and anew.status == BookingStatus.APPROVED
    assert Booking.objects.count() == 2


def test_a_taken_slot_names_room_and_slot_and_writes_nothing(city):
    place = make_place(city, 0)
    start, end = slot(3)
    bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="合唱"
    )
    held = linked_book(
        held=None,
        room=place.meeting,
        slot=(start, end),
        purpose="x",
        actor=city.users["community_x"],
        team="队",
    )
    with pytest.raises(ConflictError) as caught:
        linked_book(
            held=held,
            room=place.hall,
            slot=(start, end),
            purpose="x",
            actor=city.users["community_x"],
            team="队",
        )
    assert "活动室" in caught.value.messages[0] and place.venue.name in caught.value.messages[0]
    held.refresh_from_db()
    assert held.room == place.meeting and Booking.objects.count() == 2
