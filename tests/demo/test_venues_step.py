"""The venues demo step: centres at the seeds' proportions, about 70 % compliant, a year of
bookings with cold venues among them, this month's plans, every booking history replayable."""

from collections import Counter

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
