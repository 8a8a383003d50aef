"""重管轻用: use rolled up per street and district, the cold venues and the centres whose month's
plan is missing, on the report page for street and district staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.venues import selectors
from quanyu.venues.services import plans
from quanyu.venues.services.bulk import PastBooking, bookings_bulk_record
from quanyu.venues.usage import plans_missing_for, usage_rollup

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def used(city, place, other_place):
    """The first place used 5 hours in each of the last four weeks; the other not at all."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    rows = [
        PastBooking(
            room=place.hall,
            booker=city.users["resident"],
            starts_at=now - dt.timedelta(days=3 + 7 * w, hours=6),
            ends_at=now - dt.timedelta(days=3 + 7 * w, hours=1),
            purpose="活动",
            status="used",
            attendance=20,
        )
        for w in range(4)
    ]
    bookings_bulk_record(actor=city.users["district_admin"], rows=rows)
    return place, other_place


def test_rollup_per_street_and_district(city, used):
    rows = selectors.usage_for(actor=city.users["district_admin"], weeks=4)
    cold = {r["venue"].pk for r in rows if r["cold"]}
    assert cold == {used[1].venue.pk}
    streets = usage_rollup(rows, level="street")
    assert [(s["name"], s["venues"], s["cold"], s["hours"], s["people"]) for s in streets] == [
        (city.streets[1].name, 1, 1, 0.0, 0),  # worst first
        (city.streets[0].name, 1, 0, 20.0, 80),
    ]
    (district,) = usage_rollup(rows, level="district")
    assert (district["venues"], district["cold"], district["cold_share"], district["hours_per_venue"]) == (
        2,
        1,
        0.5,
        10.0,
    )


def test_plans_missing_for_the_month(city, used):
    month = timezone.localdate().replace(day=1)
    plans.plan_post(actor=city.users["community_x"], venue=used[0].venue, month=month, items=[])
    found = plans_missing_for(actor=city.users["district_admin"], month=month, today=month)
    assert (found["centres"], found["missing_count"], found["late"]) == (2, 1, False)
    assert [v.pk for v in found["missing"]] == [used[1].venue.pk]
    late = plans_missing_for(
        actor=city.users["district_admin"], month=month, today=month + dt.timedelta(days=5)
    )
    assert late["late"] is True
    street = plans_missing_for(actor=city.users["street_staff"], month=month)
    assert (street["centres"], street["missing_count"]) == (1, 0)


def test_usage_page(city, used):
    page = client_for("district_admin").get("/venues/usage/?weeks=4&level=district")
    assert page.status_code == 200
    body = page.content.decode()
    assert used[1].venue.name in body and 'id="usage-cold"' in body and 'id="plans-missing"' in body
    street = client_for("street_staff").get("/venues/usage/?weeks=x")
    assert street.status_code == 200 and used[1].venue.name not in street.content.decode()
    assert client_for("resident").get("/venues/usage/").status_code == 403
