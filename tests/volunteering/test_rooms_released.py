"""The venue's side ends an activity's room booking (issue 15): the venue's staff decline or
cancel it, or its booker cancels it on the venue's pages. In the same transaction the activity
stops showing the room (its page says why) and its organisers are told; a failed step changes
neither. An activity moving its booking onto a room that needs approval tells the venue's staff.
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from quanyu.notify.models import Notification
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from quanyu.venues.states import BookingStatus
from quanyu.volunteering import services
from quanyu.volunteering.models import Activity
from tests.venues.factories import make_place, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(city):
    return make_place(city, 0)


def _create(vs, room, start, end):
    return services.activity_create(
        actor=vs.leader,
        project=vs.project,
        title="敬老助餐",
        starts_at=start,
        ends_at=end,
        address="",
        capacity=10,
        signup_closes=start,
        signup_opens=start - dt.timedelta(days=2),
        room=room,
    )


def _told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_staff_decline_clears_the_room_and_tells_the_organiser(city, vs, place):
    start, end = slot(3)
    activity = _create(vs, place.meeting, start, end)
    assert activity.booking.status == BookingStatus.REQUESTED
    staff = city.users["community_x"]
    bookings.booking_decline(actor=staff, booking=activity.booking, reason="设备维修")
    activity.refresh_from_db()
    booking = Booking.objects.get(pk=activity.booking_id)
    assert activity.room is None and booking.status == BookingStatus.DECLINED
    (note,) = _told(vs.leader, "volunteering_room_released")
    assert "未获批准" in note.title and "设备维修" in note.body and "议事室" in note.body
    assert note.link.endswith(f"/{activity.pk}/")
    assert not _told(staff, "volunteering_room_released")  # who declined is not told
    # the activity's page says the room was released and why to pick another
    client = Client()
    client.force_login(vs.leader)
    page = client.get(note.link).content.decode()
    assert 'id="activity-venue-released"' in page and "议事室" in page
    # and the organiser books another room for it
    moved = services.activity_reschedule(actor=vs.leader, activity=activity, starts_at=start, ends_at=end)
    assert moved.booking is None and moved.room is None
    again = services.activity_reschedule(
        actor=vs.leader, activity=moved, starts_at=start, ends_at=end, room=place.hall
    )
    assert again.room == place.hall and again.booking.status == BookingStatus.APPROVED


def test_staff_or_booker_cancel_clears_the_room(city, vs, place):
    start, end = slot(4)
    activity = _create(vs, place.hall, start, end)
    bookings.booking_cancel(actor=city.users["community_x"], booking=activity.booking, reason="场馆停电")
    activity.refresh_from_db()
    assert activity.room is None
    (note,) = _told(vs.leader, "volunteering_room_released")
    assert "已被取消" in note.title and "场馆停电" in note.body
    # the booker cancelling on the venue's pages clears the room too, and is not told of it
    other = _create(vs, place.hall, start + dt.timedelta(days=1), end + dt.timedelta(days=1))
    bookings.booking_cancel(actor=vs.leader, booking=other.booking)
    other.refresh_from_db()
    assert other.room is None and len(_told(vs.leader, "volunteering_room_released")) == 1


def test_a_refused_decline_changes_nothing(city, vs, place):
    start, end = slot(3)
    activity = _create(vs, place.meeting, start, end)
    with pytest.raises(PermissionDenied):
        bookings.booking_decline(actor=city.users["community_y"], booking=activity.booking, reason="x")
    activity.refresh_from_db()
    assert activity.room == place.meeting and activity.booking.status == BookingStatus.REQUESTED
    assert not Notification.objects.filter(kind="volunteering_room_released").exists()


def test_the_activitys_own_cancel_is_not_a_release(city, vs, place):
    start, end = slot(3)
    activity = _create(vs, place.hall, start, end)
    services.activity_cancel(actor=vs.leader, activity=activity)
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.room == place.hall and activity.booking.status == BookingStatus.CANCELLED
    assert not Notification.objects.filter(kind="volunteering_room_released").exists()


def test_a_move_onto_a_room_needing_approval_tells_the_venue_staff(city, vs, place):
    start, end = slot(3)
    activity = _create(vs, place.hall, start, end)
    staff = city.users["community_x"]
    assert not _told(staff, "venue_booking_moved")
    later = start + dt.timedelta(days=1)
    moved = services.activity_reschedule(
        actor=vs.leader,
        activity=activity,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
        room=place.meeting,
    )
    assert moved.booking.status == BookingStatus.REQUESTED
    (note,) = _told(staff, "venue_booking_moved")
    assert "重新审批" in note.title and "议事室" in note.title and "敬老助餐" in note.body
    assert note.link.endswith(f"/venues/{place.venue.pk}/")
    # moving a request that still waits tells them again; a move on an auto-approving room does not
    services.activity_reschedule(actor=vs.leader, activity=moved, starts_at=start, ends_at=end)
    assert len(_told(staff, "venue_booking_moved")) == 2
    services.activity_reschedule(
        actor=vs.leader,
        activity=moved,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
        room=place.hall,
    )
    assert len(_told(staff, "venue_booking_moved")) == 2
