"""A joint-meeting session books a venue room (issue 15): booked with the session in one
transaction through venues; a taken slot is a 409 naming the room and slot with nothing written;
booking again moves the booking; cancelling the session frees the room; a room outside the
keeper's places is refused. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import Session, SessionEvent, SessionEventKind
from quanyu.core.workflow import TransitionError
from quanyu.core.workflow.errors import ConflictError
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from quanyu.venues.states import BookingStatus
from tests.cogov.factories import planned_session
from tests.venues.factories import make_place

pytestmark = pytest.mark.django_db


def _day_slot(day: dt.date, hour: int = 14, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return start, start + dt.timedelta(hours=hours)


@pytest.fixture
def setup(city):
    day = timezone.localdate() + dt.timedelta(days=10)
    return planned_session(city, day=day), make_place(city, 0), day


def test_session_books_a_room_moves_it_and_cancelling_frees_it(city, setup):
    session, place, day = setup
    keeper = city.users["street_staff"]
    start, end = _day_slot(day)
    booked = services.session_book_room(
        actor=keeper, session=session, room=place.hall, starts_at=start, ends_at=end
    )
    booking = booked.booking
    assert booking.room == place.hall and booking.status == BookingStatus.APPROVED
    assert booking.booker_kind == Booking.BookerKind.TEAM and booking.team == session.body.name
    assert SessionEvent.objects.filter(session=session, kind=SessionEventKind.ROOM_BOOKED).count() == 1
    # booking again moves the same booking
    later, later_end = _day_slot(day, hour=16)
    moved = services.session_book_room(
        actor=keeper, session=booked, room=place.meeting, starts_at=later, ends_at=later_end
    )
    booking.refresh_from_db()
    assert moved.booking_id == booking.pk and booking.room == place.meeting and booking.starts_at == later
    assert booking.status == BookingStatus.REQUESTED  # the meeting room needs approval
    assert Booking.objects.count() == 1
    services.session_cancel(actor=keeper, session=moved, note="改期")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=later, ends_at=later_end, purpose="x"
    )
    assert again.status == BookingStatus.REQUESTED
    with pytest.raises(TransitionError):
        services.session_book_room(actor=keeper, session=moved, room=place.hall, starts_at=start, ends_at=end)


def test_taken_slot_is_a_409_and_nothing_is_written(city, setup):
    session, place, day = setup
    start, end = _day_slot(day)
    bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="合唱"
    )
    with pytest.raises(ConflictError) as caught:
        services.session_book_room(
            actor=city.users["street_staff"], session=session, room=place.hall, starts_at=start, ends_at=end
        )
    assert "活动室" in caught.value.messages[0] and "14:00" in caught.value.messages[0]
    session.refresh_from_db()
    assert session.booking_id is None and session.room_id is None
    assert Booking.objects.count() == 1
    assert not SessionEvent.objects.filter(session=session, kind=SessionEventKind.ROOM_BOOKED).exists()


def test_refusals(city, setup):
    session, place, day = setup
    start, end = _day_slot(day)
    far = make_place(city, 2)  # the other street's centre
    with pytest.raises(PermissionDenied):
        services.session_book_room(
            actor=city.users["street_staff"], session=session, room=far.hall, starts_at=start, ends_at=end
        )
    with pytest.raises(ValidationError) as caught:  # not on the session's day
        services.session_book_room(
            actor=city.users["street_staff"],
            session=session,
            room=place.hall,
            starts_at=start + dt.timedelta(days=1),
            ends_at=end + dt.timedelta(days=1),
        )
    assert "starts_at" in caught.value.message_dict
    with pytest.raises(PermissionDenied):  # a resident is no keeper
        services.session_book_room(
            actor=city.users["resident"], session=session, room=place.hall, starts_at=start, ends_at=end
        )
    assert Booking.objects.count() == 0


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_and_page(city, setup):
    session, place, day = setup
    far = make_place(city, 2)
    start, end = _day_slot(day)
    c = _client(city.users["street_staff"])
    url = f"/api/cogov/sessions/{session.pk}/book-room/"
    bad = c.post(
        url,
        {"room": far.hall.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "room" in bad.content.decode()
    ok = c.post(
        url,
        {"room": place.hall.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    data = ok.json()
    assert data["room"] == place.hall.pk and data["venue"] == place.venue.pk
    assert data["booking_status"] == BookingStatus.APPROVED
    other = planned_session(city, day=day)
    clash = c.post(
        f"/api/cogov/sessions/{other.pk}/book-room/",
        {"room": place.hall.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        content_type="application/json",
    )
    assert clash.status_code == 409 and "活动室" in clash.content.decode()
    page = c.get(f"/cogov/sessions/{session.pk}/").content.decode()
    assert f"/v/{place.venue.pk}/" in page and place.venue.name in page and 'id="book-room-form"' in page
    fmt = "%Y-%m-%dT%H:%M"
    later, later_end = _day_slot(day, hour=18)
    moved = c.post(
        f"/cogov/sessions/{other.pk}/room/",
        {
            "room": place.hall.pk,
            "starts_at": timezone.localtime(later).strftime(fmt),
            "ends_at": timezone.localtime(later_end).strftime(fmt),
        },
    )
    assert moved.status_code == 302
    assert Session.objects.get(pk=other.pk).booking.starts_at == later
    taken = c.post(
        f"/cogov/sessions/{other.pk}/room/",
        {
            "room": place.hall.pk,
            "starts_at": timezone.localtime(start).strftime(fmt),
            "ends_at": timezone.localtime(end).strftime(fmt),
        },
    )
    assert taken.status_code == 409 and "活动室" in taken.content.decode()


def test_venue_declining_clears_the_room_and_tells_the_keeper(city, setup):
    """The venue's staff decline the session's booking: the session stops showing the room (its
    page says why), the keeper who booked is told, in the decline's transaction; booking again
    makes a new booking."""
    from quanyu.notify.models import Notification

    session, place, day = setup
    keeper = city.users["street_staff"]
    start, end = _day_slot(day)
    booked = services.session_book_room(
        actor=keeper, session=session, room=place.meeting, starts_at=start, ends_at=end
    )
    bookings.booking_decline(actor=city.users["community_x"], booking=booked.booking, reason="已安排培训")
    session.refresh_from_db()
    assert session.room is None and session.booking.status == BookingStatus.DECLINED
    (note,) = Notification.objects.filter(recipient=keeper, kind="cogov_room_released")
    assert "未获批准" in note.title and "已安排培训" in note.body and note.link.endswith(f"/{session.pk}/")
    client = Client()
    client.force_login(keeper)
    page = client.get(note.link).content.decode()
    assert 'id="session-room-released"' in page and "议事室" in page
    again = services.session_book_room(
        actor=keeper, session=session, room=place.hall, starts_at=start, ends_at=end
    )
    assert again.room == place.hall and again.booking_id != booked.booking_id
    assert again.booking.status == BookingStatus.APPROVED
    # the keeper cancelling on the venue's pages clears the room, without telling themselves
    bookings.booking_cancel(actor=keeper, booking=again.booking)
    again.refresh_from_db()
    assert again.room is None
    assert Notification.objects.filter(kind="cogov_room_released").count() == 1
