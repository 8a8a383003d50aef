"""The new venues pages answer in a fixed number of queries, however many bookings, plan items
and projects they show (measured, then pinned)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.venues.services import bookings, plans, projects
from tests.people.helpers import make_branches
from tests.venues.factories import slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(city, place, other_place):
    make_branches(city)
    admin = city.users["district_admin"]
    for i in range(12):
        start, end = slot(1 + i % 6, hour=8 + 3 * (i // 6))
        bookings.booking_request(
            actor=admin,
            room=place.hall,
            starts_at=start,
            ends_at=end,
            purpose=f"会议{i}",
            booker_kind="branch",
            org=city.orgs[city.communities[0].name],
        )
        plans.plan_add_item(
            actor=admin,
            venue=place.venue,
            item={"day": start.date(), "start": dt.time(19), "end": dt.time(20), "title": f"活动{i}"},
        )
        projects.project_create(
            actor=admin,
            name=f"项目{i}",
            area=city.communities[i % 4],
            owners=dict.fromkeys(projects.DEPARTMENT_STEPS, city.units[-1].pk),
        )
    return place


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/venues/{venue}/calendar/", 9),
        ("/venues/{venue}/calendar/?view=month", 9),
        ("/venues/usage/", 10),
        ("/venues/projects/", 6),
        ("/venues/meetings/", 7),
    ],
)
def test_page_query_counts(busy, url, most, django_assert_max_num_queries):
    client = Client()
    client.force_login(User.objects.get(username="district_admin"))
    with django_assert_max_num_queries(most):
        assert client.get(url.format(venue=busy.venue.pk)).status_code == 200
