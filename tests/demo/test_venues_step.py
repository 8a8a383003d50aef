"""The venues demo step: centres at the seeds' proportions, about 70 % compliant, a year of
bookings with cold venues among them, this month's plans, every booking history replayable."""

from collections import Counter
from itertools import pairwise

import pytest
from django.db import transaction

from quanyu.demo.build import build_demo
from quanyu.venues import selectors
from quanyu.venues.models import Booking, BookingEvent, StandardProfile, Venue
from quanyu.venues.states import replay

SEED = 11
SCALE = 0.05


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = build_demo(seed=SEED, scale=SCALE)
        yield ctx
        transaction.set_rollback(True)


def test_venues_at_the_seeds_proportions(demo, db):
    kinds = Counter(Venue.objects.values_list("kind", flat=True))
    assert kinds["street_centre"] == len(demo.streets)
    from quanyu.venues.models import VenueProject

    handed_over = VenueProject.objects.filter(step="done").count()
    assert kinds["community_centre"] == len(demo.communities) + handed_over
    assert kinds["station"] == 2 * len(demo.communities)
    assert kinds["unit_venue"] >= 1
    rows = selectors.compliance_for(actor=demo.actor, profile=StandardProfile.objects.get(code="lianyungang"))
    share = sum(r["compliant"] for r in rows) / len(rows)
    assert 0.4 <= share <= 0.95, share


def test_a_year_of_bookings_and_cold_venues(demo, db):
    assert Booking.objects.count() > 100
    statuses = Counter(Booking.objects.values_list("status", flat=True))
    assert statuses["used"] > statuses["no_show"] > 0
    usage = selectors.usage_for(actor=demo.actor)
    assert any(u["cold"] for u in usage) and not all(u["cold"] for u in usage)
    for booking in Booking.objects.order_by("?")[:50]:
        kinds = list(
            BookingEvent.objects.filter(booking=booking).order_by("at", "id").values_list("kind", flat=True)
        )
        assert replay(kinds) == booking.status


def test_projects_in_every_step(demo, db):
    from quanyu.venues.models import VenueProject
    from quanyu.venues.states import PROJECT_ORDER

    assert set(VenueProject.objects.values_list("step", flat=True)) == {s.value for s in PROJECT_ORDER}
    assert VenueProject.objects.get(step="done").venue is not None


def test_activities_and_sessions_book_rooms(demo, db):
    """Indoor volunteering projects and the joint meetings book the centres' rooms (issue 15):
    most of them, each booking on its record's room and slot, used once held; meal delivery books
    none; no room double-booked."""
    from django.utils import timezone

    from quanyu.cogov.models import Session
    from quanyu.venues.states import HOLDING
    from quanyu.volunteering.models import Activity

    now = timezone.now()
    activities = list(Activity.objects.select_related("project", "booking", "room__venue"))
    indoor = [a for a in activities if a.project.kind in ("after_school", "health", "policy")]
    assert not any(a.room_id for a in activities if a.project.kind == "meals")
    share = sum(a.room_id is not None for a in indoor) / len(indoor)
    assert 0.6 <= share <= 1, share
    for a in (a for a in indoor if a.room_id):
        b = a.booking
        assert (b.room_id, b.starts_at, b.ends_at, b.booker_kind) == (
            a.room_id,
            a.starts_at,
            a.ends_at,
            "team",
        )
        assert a.room.venue.name in a.address
        assert b.status == (
            "used" if a.starts_at <= now else ("approved" if a.room.auto_approve else "requested")
        )
    sessions = list(Session.objects.select_related("booking"))
    booked = [s for s in sessions if s.room_id]
    assert len(booked) >= 0.75 * len(sessions)
    for s in booked:
        assert s.booking.room_id == s.room_id
        assert timezone.localtime(s.booking.starts_at).date() == s.held_on
        assert s.booking.status == ("used" if s.status != "planned" else "requested")
    slots: dict[int, list] = {}
    for room_id, start, end in Booking.objects.filter(status__in=HOLDING).values_list(
        "room_id", "starts_at", "ends_at"
    ):
        slots.setdefault(room_id, []).append((start, end))
    for held in slots.values():
        held.sort()
        assert all(e1 <= s2 for (_s1, e1), (s2, _e2) in pairwise(held))
