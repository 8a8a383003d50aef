"""Twenty organisers publish an activity in the same room and slot at once: exactly one activity
and one booking; the other nineteen get the 409 naming the room, and none of their activities is
left without its booking. On PostgreSQL (the room's row lock) and on a SQLite file as served
(``BEGIN IMMEDIATE``; tests/venues/racing.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from quanyu.core.roles import Role
from quanyu.core.workflow.errors import ConflictError
from quanyu.venues.models import Booking
from quanyu.volunteering import services
from quanyu.volunteering.models import Activity
from tests.factories import make_city, make_personas, make_user
from tests.venues.factories import make_place, slot
from tests.venues.racing import count, race, sqlite_file

ORGANISERS = 20

pytestmark = pytest.mark.django_db(transaction=True)


def _setup():
    city = make_city()
    make_personas(city)
    place = make_place(city)
    staff = city.users["community_x"]
    leaders = [make_user(f"lead{i}", Role.RESIDENT, city.communities[0]) for i in range(ORGANISERS)]
    projects = []
    for i, leader in enumerate(leaders):
        team = services.team_create(
            actor=staff,
            name=f"队{i}",
            kind="resident",
            community=city.communities[0],
            organisation="居委会",
            leader=leader,
        )
        projects.append(services.project_create(actor=staff, team=team, name=f"项目{i}"))
    return place, list(zip(leaders, projects, strict=True))


def _calls(place, pairs):
    start, end = slot(5)
    return [
        (
            lambda leader=leader, project=project: services.activity_create(
                actor=leader,
                project=project,
                title="同一时段",
                starts_at=start,
                ends_at=end,
                address="",
                capacity=10,
                signup_opens=start - dt.timedelta(days=1),
                signup_closes=start,
                room=place.hall,
            )
        )
        for leader, project in pairs
    ]


def _check(outcomes):
    made = [o for o in outcomes if isinstance(o, Activity)]
    refused = [o for o in outcomes if not isinstance(o, Activity)]
    assert len(made) == 1, outcomes[:3]
    assert len(refused) == ORGANISERS - 1
    assert all(isinstance(o, ConflictError) and "活动室" in o.messages[0] for o in refused), refused[:3]


@pytest.mark.postgres
def test_twenty_organisers_one_room_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL variant")
    place, pairs = _setup()
    run = race(_calls(place, pairs))
    _check(run.outcomes)
    assert Activity.objects.filter(title="同一时段").count() == 1
    assert Booking.objects.filter(room=place.hall).count() == 1
    assert Activity.objects.get(title="同一时段").booking.room == place.hall


def test_twenty_organisers_one_room_on_a_sqlite_file(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    place, pairs = _setup()
    path = tmp_path / "activities.sqlite3"
    with sqlite_file(path) as database:
        run = race(_calls(place, pairs), database=database)
    _check(run.outcomes)
    assert run.max_in_flight > 1
    activities, bookings = Activity._meta.db_table, Booking._meta.db_table
    assert count(path, f"SELECT count(*) FROM {activities} WHERE title = ?", "同一时段") == 1
    assert count(path, f"SELECT count(*) FROM {bookings} WHERE room_id = ?", place.hall.pk) == 1
    assert (
        count(path, f"SELECT count(*) FROM {activities} WHERE title = ? AND booking_id IS NULL", "同一时段")
        == 0
    )
