"""A volunteering activity books a venue room (issue 15): created with a room it books it in the
same transaction; a taken slot is a 409 naming the room and the slot with nothing written;
rescheduling moves the booking; cancelling frees the room; a room outside the organiser's places
is refused. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from quanyu.core.workflow.errors import ConflictError
from quanyu.venues.models import Booking, BookingEvent
from quanyu.venues.services import bookings
from quanyu.venues.states import BookingStatus, replay
from quanyu.volunteering import services
from quanyu.volunteering.models import Activity
from tests.venues.factories import make_place, slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(city):
    return make_place(city, 0)


def _create(city, vs, room, start, end, **kw):
    return services.activity_create(
        actor=kw.pop("actor", city.users["community_x"]),
        project=vs.project,
        title="敬老助餐",
        starts_at=start,
        ends_at=end,
        address="",
        capacity=kw.pop("capacity", 10),
        signup_closes=start,
        signup_opens=start - dt.timedelta(days=2),
        room=room,
        **kw,
    )


def test_activity_books_its_room_and_takes_the_venues_place(city, vs, place):
    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    booking = activity.booking
    assert booking is not None and booking.room == place.hall and booking.status == BookingStatus.APPROVED
    assert (booking.starts_at, booking.ends_at) == (start, end)
    assert booking.booker_kind == Booking.BookerKind.TEAM and booking.team == vs.team.name
    assert activity.room == place.hall
    assert place.venue.name in activity.address and activity.latitude == place.venue.lat
    # a room that needs approval: the booking waits for the venue's staff
    other = _create(city, vs, place.meeting, start, end)
    assert other.booking.status == BookingStatus.REQUESTED


def test_taken_slot_is_a_409_naming_room_and_slot_and_nothing_is_written(city, vs, place):
    start, end = slot(3)
    bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="合唱"
    )
    before = (Activity.objects.count(), Booking.objects.count())
    with pytest.raises(ConflictError) as caught:
        _create(city, vs, place.hall, start + dt.timedelta(minutes=30), end + dt.timedelta(hours=1))
    assert caught.value.code == "conflict"
    text = caught.value.messages[0]
    assert "活动室" in text and place.venue.name in text
    assert timezone_hm(start + dt.timedelta(minutes=30)) in text
    assert (Activity.objects.count(), Booking.objects.count()) == before


def timezone_hm(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M")


def test_reschedule_moves_the_booking(city, vs, place):
    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    booking_id = activity.booking_id
    later = start + dt.timedelta(days=1)
    moved = services.activity_reschedule(
        actor=city.users["community_x"],
        activity=activity,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
    )
    booking = Booking.objects.get(pk=booking_id)
    assert moved.booking_id == booking_id and booking.starts_at == later
    assert booking.status == BookingStatus.APPROVED
    assert Booking.objects.filter(room=place.hall).count() == 1
    # the old slot is free again
    bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="合唱"
    )
    kinds = list(BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True))
    assert "moved" in kinds and replay(kinds) == booking.status
    # onto a room that needs approval: the booking asks again
    services.activity_reschedule(
        actor=vs.leader,
        activity=moved,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
        room=place.meeting,
    )
    booking.refresh_from_db()
    assert booking.room == place.meeting and booking.status == BookingStatus.REQUESTED
    kinds = list(BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True))
    assert replay(kinds) == BookingStatus.REQUESTED


def test_reschedule_onto_a_taken_slot_changes_nothing(city, vs, place):
    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    later = start + dt.timedelta(days=1)
    bookings.booking_request(
        actor=city.users["resident"],
        room=place.hall,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
        purpose="x",
    )
    with pytest.raises(ConflictError) as caught:
        services.activity_reschedule(
            actor=city.users["community_x"],
            activity=activity,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
        )
    assert "活动室" in caught.value.messages[0]
    activity.refresh_from_db()
    booking = Booking.objects.get(pk=activity.booking_id)
    assert (
        activity.starts_at == start
        and booking.starts_at == start
        and booking.status == BookingStatus.APPROVED
    )
    # overlapping its own old slot is no conflict
    services.activity_reschedule(
        actor=city.users["community_x"],
        activity=activity,
        starts_at=start + dt.timedelta(hours=1),
        ends_at=end + dt.timedelta(hours=1),
    )
    booking.refresh_from_db()
    assert booking.starts_at == start + dt.timedelta(hours=1)


def test_cancel_frees_the_room(city, vs, place):
    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    done = services.activity_cancel(actor=vs.leader, activity=activity, reason="天气")
    assert done.cancelled_at is not None
    assert Booking.objects.get(pk=activity.booking_id).status == BookingStatus.CANCELLED
    again = bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="合唱"
    )
    assert again.status == BookingStatus.APPROVED
    with pytest.raises(ConflictError):
        services.activity_cancel(actor=vs.leader, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_reschedule(actor=vs.leader, activity=activity, starts_at=start, ends_at=end)


def test_out_of_scope_room_is_refused(city, vs):
    far = make_place(city, 2)  # another street's centre: community X's staff hold no role there
    start, end = slot(3)
    before = (Activity.objects.count(), Booking.objects.count())
    with pytest.raises(PermissionDenied):
        _create(city, vs, far.hall, start, end)
    assert (Activity.objects.count(), Booking.objects.count()) == before
    from quanyu.venues.selectors import bookable_rooms_for

    offered = set(bookable_rooms_for(city.users["community_x"]).values_list("pk", flat=True))
    assert far.hall.pk not in offered


def test_room_too_small_names_the_capacity(city, vs, place):
    start, end = slot(3)
    with pytest.raises(ValidationError) as caught:
        _create(city, vs, place.meeting, start, end, capacity=50)  # the meeting room holds 20
    assert "capacity" in caught.value.message_dict
    assert not Activity.objects.filter(title="敬老助餐").exists()


def test_repeat_books_every_date_or_none(city, vs, place):
    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    taken = start + dt.timedelta(days=14)
    bookings.booking_request(
        actor=city.users["resident"],
        room=place.hall,
        starts_at=taken,
        ends_at=taken + dt.timedelta(hours=1),
        purpose="x",
    )
    before = (Activity.objects.count(), Booking.objects.count())
    with pytest.raises(ConflictError):
        services.activity_repeat(actor=city.users["community_x"], activity=activity, every_days=7, times=3)
    assert (Activity.objects.count(), Booking.objects.count()) == before
    made = services.activity_repeat(actor=city.users["community_x"], activity=activity, every_days=7, times=1)
    assert made[0].booking.starts_at == start + dt.timedelta(days=7)


def test_cancelled_activity_takes_no_signups(city, vs, place):
    services.activity_cancel(actor=vs.leader, activity=vs.activity)
    user = vs.volunteers[0].user
    with pytest.raises(ValidationError):
        services.signup_create(actor=user, activity=vs.activity)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, url: str, data: dict):
    return c.post(url, data, content_type="application/json")


def test_api_books_moves_and_cancels(city, vs, place):
    c = client_for(city.users["community_x"])
    rooms = c.get("/api/volunteer-activities/rooms/").json()
    assert place.hall.pk in {r["id"] for r in rooms}
    start, end = slot(3)
    body = {
        "project": vs.project.pk,
        "title": "义诊",
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "capacity": 10,
        "room": place.hall.pk,
        "signup_closes": start.isoformat(),
    }
    made = post(c, "/api/volunteer-activities/", body)
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["room"] == place.hall.pk and data["venue"] == place.venue.pk
    assert data["booking_status"] == BookingStatus.APPROVED and place.venue.name in data["address"]
    # the same slot again: 409 naming the room, nothing written
    before = (Activity.objects.count(), Booking.objects.count())
    clash = post(c, "/api/volunteer-activities/", body)
    assert clash.status_code == 409 and "活动室" in clash.content.decode()
    assert (Activity.objects.count(), Booking.objects.count()) == before
    later = start + dt.timedelta(days=2)
    moved = post(
        c,
        f"/api/volunteer-activities/{data['id']}/reschedule/",
        {"starts_at": later.isoformat(), "ends_at": (later + dt.timedelta(hours=1)).isoformat()},
    )
    assert moved.status_code == 200, moved.content
    assert Booking.objects.get(pk=data["booking"]).starts_at == later
    gone = post(c, f"/api/volunteer-activities/{data['id']}/cancel/", {"reason": "下雨"})
    assert gone.status_code == 200 and gone.json()["booking_status"] == BookingStatus.CANCELLED
    assert post(c, f"/api/volunteer-activities/{data['id']}/cancel/", {}).status_code == 409
    # without a room the address is still required, named
    bad = post(c, "/api/volunteer-activities/", {**body, "room": None})
    assert bad.status_code == 400 and "address" in bad.json().get("errors", bad.json()).__str__()


def test_api_out_of_scope_room_is_a_400_naming_room(city, vs):
    far = make_place(city, 2)
    c = client_for(city.users["community_x"])
    start, end = slot(3)
    r = post(
        c,
        "/api/volunteer-activities/",
        {
            "project": vs.project.pk,
            "title": "义诊",
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "capacity": 10,
            "room": far.hall.pk,
        },
    )
    assert r.status_code == 400 and "room" in r.content.decode()
    assert not Booking.objects.filter(room=far.hall).exists()
    # someone else's activity cannot be moved: 404
    other = client_for(city.users["resident"])
    assert (
        post(
            other,
            f"/api/volunteer-activities/{vs.activity.pk}/reschedule/",
            {"starts_at": start.isoformat(), "ends_at": end.isoformat()},
        ).status_code
        == 404
    )


def _form(vs, room, start, end) -> dict:
    fmt = "%Y-%m-%dT%H:%M"
    from django.utils import timezone

    return {
        "form": "activity",
        "project": vs.project.pk,
        "title": "读书会",
        "starts_at": timezone.localtime(start).strftime(fmt),
        "ends_at": timezone.localtime(end).strftime(fmt),
        "capacity": "10",
        "room": room.pk if room is not None else "",
        "address": "",
    }


def test_pages_book_show_move_and_cancel(city, vs, place):
    c = client_for(city.users["community_x"])
    page = c.get("/volunteering/organise/")
    assert page.status_code == 200 and f'value="{place.hall.pk}"' in page.content.decode()
    start, end = slot(4)
    assert c.post("/volunteering/organise/", _form(vs, place.hall, start, end)).status_code == 302
    activity = Activity.objects.get(title="读书会")
    assert activity.booking.room == place.hall
    clash = c.post("/volunteering/organise/", _form(vs, place.hall, start, end))
    assert clash.status_code == 409 and "活动室" in clash.content.decode()
    assert Activity.objects.filter(title="读书会").count() == 1
    detail = c.get(f"/volunteering/activities/{activity.pk}/").content.decode()
    assert (
        f"/v/{place.venue.pk}/" in detail and place.venue.name in detail and 'id="reschedule-form"' in detail
    )
    later = start + dt.timedelta(days=1)
    moved = c.post(
        f"/volunteering/activities/{activity.pk}/manage/",
        {
            "action": "reschedule",
            "starts_at": _form(vs, None, later, later)["starts_at"],
            "ends_at": _form(vs, None, later + dt.timedelta(hours=1), later)["starts_at"],
            "room": "keep",
        },
    )
    assert moved.status_code == 302
    assert Booking.objects.get(pk=activity.booking_id).starts_at == later
    gone = c.post(f"/volunteering/activities/{activity.pk}/manage/", {"action": "cancel", "reason": "x"})
    assert gone.status_code == 302
    assert Booking.objects.get(pk=activity.booking_id).status == BookingStatus.CANCELLED
    assert "活动已取消" in c.get(f"/volunteering/activities/{activity.pk}/").content.decode()
    listing = c.get("/volunteering/").content.decode()
    assert "活动已取消" in listing
    # a volunteer sees the venue but no management forms, and cannot post them (404)
    other = client_for(vs.volunteers[0].user)
    page = other.get(f"/volunteering/activities/{activity.pk}/").content.decode()
    assert place.venue.name in page and "reschedule-form" not in page
    assert (
        other.post(f"/volunteering/activities/{activity.pk}/manage/", {"action": "cancel"}).status_code == 404
    )


def test_page_refuses_a_room_out_of_reach(city, vs):
    far = make_place(city, 2)
    c = client_for(city.users["community_x"])
    start, end = slot(4)
    r = c.post("/volunteering/organise/", _form(vs, far.hall, start, end))
    assert r.status_code == 400 and "功能室不存在或您无权预约" in r.content.decode()
    assert not Booking.objects.filter(room=far.hall).exists()
    # no room and no address: the address is named
    r = c.post("/volunteering/organise/", _form(vs, None, start, end))
    assert r.status_code == 400 and "地点" in r.content.decode()


def test_admin_lists_the_room_and_booking(city, vs, place):
    from quanyu.accounts.models import User

    start, end = slot(3)
    activity = _create(city, vs, place.hall, start, end)
    User.objects.filter(pk=city.users["community_x"].pk).update(is_staff=True)
    c = client_for(User.objects.get(pk=city.users["community_x"].pk))
    listing = c.get("/admin/volunteering/activity/")
    assert listing.status_code == 200 and "活动室" in listing.content.decode()
    assert c.get(f"/admin/volunteering/activity/{activity.pk}/change/").status_code == 200


def test_the_conflict_reads_in_english(city, vs, place):
    from django.utils import translation

    start, end = slot(3)
    _create(city, vs, place.hall, start, end)
    with translation.override("en"), pytest.raises(ConflictError) as caught:
        _create(city, vs, place.hall, start, end)
    assert "is already booked for" in caught.value.messages[0]
