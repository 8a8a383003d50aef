"""Every step × every persona: the allowed go through and write their event, the refused raise
PermissionDenied and write nothing (docs/WORKFLOWS.md §11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quanyu.core.workflow import ConflictError, TransitionError
from quanyu.venues.models import Booking, BookingEvent, VenueEvent
from quanyu.venues.services import bookings, plans, register, standards
from quanyu.venues.states import BookingStatus, VenueStatus, replay
from tests.asserts import nothing_written
from tests.venues.factories import slot

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
]
EDITORS = {"district_admin", "street_staff", "community_x"}
BOOKERS = {"district_admin", "street_staff", "community_x", "grid_worker", "department_handler", "resident"}


def _request(city, place, who="resident", days=1):
    start, end = slot(days)
    return bookings.booking_request(
        actor=city.users[who], room=place.meeting, starts_at=start, ends_at=end, purpose="议事"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_venue_create(city, persona):
    actor = city.users[persona]
    area = city.communities[0]
    if persona in EDITORS:
        venue = register.venue_create(actor=actor, kind="station", area=area, name="驿站", floor_area="80")
        assert venue.events.get().kind == "created"
        return
    with nothing_written(area), pytest.raises(PermissionDenied):
        register.venue_create(actor=actor, kind="station", area=area, name="驿站", floor_area="80")


@pytest.mark.parametrize("persona", PERSONAS)
def test_venue_set_status(city, place, persona):
    actor = city.users[persona]
    if persona in EDITORS:
        venue = register.venue_set_status(actor=actor, venue=place.venue, status=VenueStatus.CLOSED)
        assert venue.status == "closed"
        assert venue.events.last().payload == {"from_status": "in_use", "to_status": "closed", "note": ""}
        return
    with nothing_written(place.venue), pytest.raises(PermissionDenied):
        register.venue_set_status(actor=actor, venue=place.venue, status=VenueStatus.CLOSED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_room_add_and_plan_post(city, place, persona):
    actor = city.users[persona]
    month = dt.date.today().replace(day=1)
    item = {"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日", "room": place.hall.pk}
    if persona in EDITORS:
        register.room_add(actor=actor, venue=place.venue, name="书屋", function="reading", capacity=10)
        plan = plans.plan_post(actor=actor, venue=place.venue, month=month, items=[item])
        assert plan.items.count() == 1
        assert [e.kind for e in place.venue.events.all()][-2:] == ["room_added", "plan_posted"]
        return
    with nothing_written(place.venue), pytest.raises(PermissionDenied):
        register.room_add(actor=actor, venue=place.venue, name="书屋", function="reading")
    with nothing_written(place.venue), pytest.raises(PermissionDenied):
        plans.plan_post(actor=actor, venue=place.venue, month=month, items=[item])


@pytest.mark.parametrize("persona", PERSONAS)
def test_booking_request(city, place, persona):
    if persona in BOOKERS:
        booking = _request(city, place, persona)
        assert booking.status == "requested"
        assert [e.kind for e in booking.events.all()] == ["requested"]
        return
    with nothing_written(place.meeting), pytest.raises(PermissionDenied):
        _request(city, place, persona)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_booking_approve_and_decline(city, place, persona):
    booking = _request(city, place)
    actor = city.users[persona]
    if persona in EDITORS:
        approved = bookings.booking_approve(actor=actor, booking=booking)
        assert approved.status == "approved"
        assert approved.decided_by == actor
        return
    with nothing_written(booking), pytest.raises(PermissionDenied):
        bookings.booking_approve(actor=actor, booking=booking)
    with nothing_written(booking), pytest.raises(PermissionDenied):
        bookings.booking_decline(actor=actor, booking=booking, reason="不便")


@pytest.mark.parametrize("persona", PERSONAS)
def test_booking_cancel(city, place, persona):
    booking = _request(city, place)
    actor = city.users[persona]
    if persona in EDITORS | {"resident"}:
        assert bookings.booking_cancel(actor=actor, booking=booking).status == "cancelled"
        return
    with nothing_written(booking), pytest.raises(PermissionDenied):
        bookings.booking_cancel(actor=actor, booking=booking)


@pytest.mark.parametrize("persona", PERSONAS)
def test_booking_check_in_and_no_show(city, place, persona):
    booking = bookings.booking_approve(actor=city.users["community_x"], booking=_request(city, place, days=0))
    actor = city.users[persona]
    began = timezone.now() - dt.timedelta(minutes=10)  # it began already
    Booking.objects.filter(pk=booking.pk).update(starts_at=began, ends_at=began + dt.timedelta(hours=2))
    booking = Booking.objects.get(pk=booking.pk)
    if persona in EDITORS:
        used = bookings.booking_check_in(actor=actor, booking=booking, attendance=12)
        assert (used.status, used.attendance) == ("used", 12)
        assert replay([e.kind for e in used.events.all()]) == "used"
        return
    with nothing_written(booking), pytest.raises(PermissionDenied):
        bookings.booking_check_in(actor=actor, booking=booking, attendance=3)
    with nothing_written(booking), pytest.raises(PermissionDenied):
        bookings.booking_no_show(actor=actor, booking=booking)


@pytest.mark.parametrize("persona", PERSONAS)
def test_profile_save(city, persona):
    actor = city.users[persona]
    if persona == "district_admin":
        profile = standards.profile_save(actor=actor, code="local", name="本地", min_area={"station": 60})
        assert profile.min_area == {"station": 60}
        return
    with pytest.raises(PermissionDenied):
        standards.profile_save(actor=actor, code="local", name="本地", min_area={"station": 60})


# --- transitions and bad input -----------------------------------------------------------------


def test_bad_transitions_are_409(city, place):
    staff = city.users["community_x"]
    booking = _request(city, place)
    bookings.booking_decline(actor=staff, booking=Booking.objects.get(pk=booking.pk), reason="维修")
    with nothing_written(booking), pytest.raises(TransitionError) as err:
        bookings.booking_approve(actor=staff, booking=Booking.objects.get(pk=booking.pk))
    assert "未通过" in err.value.messages[0]
    # the caller's stale copy still said "requested": someone else got there first
    with nothing_written(booking), pytest.raises(ConflictError):
        bookings.booking_approve(actor=staff, booking=booking)
    with pytest.raises(TransitionError):
        register.venue_set_status(actor=staff, venue=place.venue, status=VenueStatus.PLANNED)


def test_double_booking_is_refused_and_a_released_slot_is_free(city, place):
    first = _request(city, place)
    with nothing_written(place.meeting), pytest.raises(ConflictError) as err:
        _request(city, place, "community_x")
    assert err.value.code == "conflict"
    bookings.booking_cancel(actor=city.users["resident"], booking=first)
    assert _request(city, place, "community_x").status == "requested"


def test_adjacent_slots_do_not_overlap(city, place):
    start, end = slot(2)
    for s, e in ((start, end), (end, end + dt.timedelta(hours=1)), (start - dt.timedelta(hours=1), start)):
        bookings.booking_request(
            actor=city.users["resident"], room=place.meeting, starts_at=s, ends_at=e, purpose="x"
        )
    assert Booking.objects.count() == 3


def test_auto_approving_room(city, place):
    start, end = slot()
    booking = bookings.booking_request(
        actor=city.users["resident"], room=place.hall, starts_at=start, ends_at=end, purpose="排练"
    )
    assert booking.status == "approved"
    assert [(e.kind, e.payload.get("auto")) for e in booking.events.all()] == [
        ("requested", None),
        ("approved", True),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "start"}, "ends_at"),
        ({"purpose": " "}, "purpose"),
        ({"booker_kind": "branch"}, "org"),
        ({"booker_kind": "unit"}, "unit"),
        ({"booker_kind": "team"}, "team"),
        ({"booker_kind": "club"}, "booker_kind"),
        ({"expected": 21}, "expected"),
        ({"starts_at": "x"}, "starts_at"),
    ],
)
def test_bad_booking_input_names_the_field(city, place, changes, field):
    start, end = slot()
    kwargs = {"starts_at": start, "ends_at": end, "purpose": "议事", "booker_kind": "resident", "expected": 5}
    kwargs.update(changes)
    if kwargs["ends_at"] == "start":
        kwargs["ends_at"] = start
    with nothing_written(place.meeting), pytest.raises(ValidationError) as err:
        bookings.booking_request(actor=city.users["resident"], room=place.meeting, **kwargs)
    assert field in err.value.message_dict


def test_closed_venue_takes_no_booking(city, place):
    register.venue_set_status(actor=city.users["community_x"], venue=place.venue, status="closed")
    with pytest.raises(ValidationError) as err:
        _request(city, place)
    assert "room" in err.value.message_dict


def test_series_lists_conflicts_and_books_nothing_unless_asked(city, place):
    start, end = slot(7)
    taken = bookings.booking_request(
        actor=city.users["community_x"],
        room=place.meeting,
        starts_at=start + dt.timedelta(weeks=2),
        ends_at=end + dt.timedelta(weeks=2),
        purpose="x",
    )
    resident = city.users["resident"]
    with nothing_written(place.meeting), pytest.raises(ConflictError) as err:
        bookings.booking_request_series(
            actor=resident, room=place.meeting, starts_at=start, ends_at=end, weeks=4, purpose="合唱"
        )
    assert taken.starts_at.date().isoformat() in err.value.messages[0]
    assert Booking.objects.count() == 1
    made, conflicts = bookings.booking_request_series(
        actor=resident,
        room=place.meeting,
        starts_at=start,
        ends_at=end,
        weeks=4,
        purpose="合唱",
        book_rest=True,
    )
    assert len(made) == 3 and conflicts == [taken.starts_at.date()]
    assert len({b.series for b in made}) == 1


def test_sweep_releases_unchecked_bookings_once(city, place):
    booking = bookings.booking_approve(actor=city.users["community_x"], booking=_request(city, place))
    assert bookings.bookings_sweep(now=booking.starts_at + dt.timedelta(minutes=29)) == 0
    later = booking.starts_at + dt.timedelta(minutes=31)
    assert bookings.bookings_sweep(now=later) == 1
    assert bookings.bookings_sweep(now=later) == 0
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.NO_SHOW
    assert BookingEvent.objects.filter(booking=booking, kind="no_show").get().payload == {"by_sweep": True}
    assert _request(city, place, "community_x").status == "requested"  # the slot is free again


def test_quota_per_booker(city, place, settings):
    settings.VENUES_MAX_OPEN_BOOKINGS = 2
    _request(city, place, days=1)
    _request(city, place, days=2)
    with pytest.raises(ValidationError):
        _request(city, place, days=3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"floor_area": "-1"}, "floor_area"),
        ({"floor_area": "abc"}, "floor_area"),
        ({"floor_area": "100", "ground_floor_area": "120"}, "ground_floor_area"),
        ({"lon": 121.3}, "lat"),
        ({"lat": 91, "lon": 1}, "lat"),
        ({"photos": "x"}, "photos"),
        ({"owner": 1}, "owner"),
    ],
)
def test_bad_register_input_names_the_field(city, fields, field):
    fields = {"name": "站", **fields}
    before = VenueEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        register.venue_create(
            actor=city.users["district_admin"], kind="station", area=city.communities[0], **fields
        )
    assert field in err.value.message_dict
    assert VenueEvent.objects.count() == before


def test_venue_update_writes_changed_fields(city, place):
    venue = register.venue_update(actor=city.users["community_x"], venue=place.venue, floor_area="1500.04")
    assert venue.floor_area == Decimal("1500.0")
    assert venue.events.last().payload == {"fields": ["floor_area"]}
    with nothing_written(venue), pytest.raises(PermissionDenied):
        register.venue_update(actor=city.users["community_y"], venue=venue, name="改名")


def test_plan_item_errors_name_the_item(city, place):
    month = dt.date(2026, 3, 1)
    bad = [
        {"day": dt.date(2026, 3, 2), "start": dt.time(9), "end": dt.time(10), "title": "a"},
        {"day": dt.date(2026, 4, 2), "start": dt.time(9), "end": dt.time(10), "title": "b"},
    ]
    with nothing_written(place.venue), pytest.raises(ValidationError) as err:
        plans.plan_post(actor=city.users["community_x"], venue=place.venue, month=month, items=bad)
    assert "第2项" in err.value.message_dict["items"][0]


def test_the_release_task_is_on_the_beat_schedule(city, place):
    from quanyu.celery import app
    from quanyu.venues.tasks import RELEASE_TASK, release_no_shows_task

    app.loader.import_default_modules()
    assert any(e["task"] == RELEASE_TASK for e in app.conf.beat_schedule.values())
    booking = bookings.booking_approve(actor=city.users["community_x"], booking=_request(city, place))
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert release_no_shows_task() == 1
