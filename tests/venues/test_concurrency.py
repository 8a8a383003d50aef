"""Fifty clients book the same room and slot at once: exactly one booking, 49 clear 409s
(PostgreSQL: the room's row lock, the exclusion constraint behind it; SQLite, on a real file as
served: BEGIN IMMEDIATE, see tests/venues/racing.py). Overlapping series: the conflicts listed,
nothing half-booked."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from quanyu.core.workflow.errors import ConflictError
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from quanyu.venues.states import BookingStatus
from tests.factories import make_city, make_personas, make_user
from tests.venues.factories import make_place, slot
from tests.venues.racing import count, race, sqlite_file

CLIENTS = 50


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []
    guard = threading.Lock()

    def run(call) -> None:
        barrier.wait()
        try:
            result: object = call()
        except Exception as exc:
            result = exc
        finally:
            connections.close_all()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_clients_one_room_one_slot():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole writes (test_services covers it)")
    city = make_city()
    make_personas(city)
    place = make_place(city)
    from quanyu.core.roles import Role

    users = [make_user(f"r{i}", Role.RESIDENT, city.communities[0]) for i in range(CLIENTS)]
    start, end = slot(3)

    def book(user):
        return lambda: bookings.booking_request(
            actor=user, room=place.hall, starts_at=start, ends_at=end, purpose="议事"
        )

    outcomes = _race([book(u) for u in users])
    winners = [o for o in outcomes if isinstance(o, Booking)]
    losers = [o for o in outcomes if not isinstance(o, Booking)]
    assert len(winners) == 1 and winners[0].status == BookingStatus.APPROVED
    assert len(losers) == CLIENTS - 1
    assert all(isinstance(o, ConflictError) and o.code == "conflict" for o in losers), losers[:3]
    assert Booking.objects.filter(room=place.hall).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_series_at_once_nothing_half_booked():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    city = make_city()
    make_personas(city)
    place = make_place(city)
    start, end = slot(7)
    a, b = city.users["resident"], city.users["community_x"]

    def series(user, shift):
        return lambda: bookings.booking_request_series(
            actor=user,
            room=place.meeting,
            starts_at=start + dt.timedelta(weeks=shift),
            ends_at=end + dt.timedelta(weeks=shift),
            weeks=4,
            purpose="合唱",
        )

    outcomes = _race([series(a, 0), series(b, 2)])
    won = [o for o in outcomes if isinstance(o, tuple)]
    lost = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(won) == 1 and len(lost) == 1
    assert "以下日期" in lost[0].messages[0]
    assert Booking.objects.filter(room=place.meeting).count() == 4  # the winner's four, none of the loser's


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_is_the_last_word():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    city = make_city()
    make_personas(city)
    place = make_place(city)
    first = bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=slot()[0], ends_at=slot()[1], purpose="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():  # past the service: the database refuses
        Booking.objects.create(
            room=place.meeting,
            venue=place.venue,
            booker=first.booker,
            booker_kind="resident",
            purpose="y",
            starts_at=first.starts_at + dt.timedelta(minutes=30),
            ends_at=first.ends_at,
        )


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_one_room_one_slot_on_a_sqlite_file(tmp_path):
    """The same guarantee on SQLite as served (a file in WAL mode, ``BEGIN IMMEDIATE``,
    ``busy_timeout``): each request's transaction takes SQLite's write lock at BEGIN and checks
    for an overlap inside it, so the fifty queue and exactly one books; the other 49 get the 409."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    city = make_city()
    make_personas(city)
    place = make_place(city)
    from quanyu.core.roles import Role

    users = [make_user(f"s{i}", Role.RESIDENT, city.communities[0]) for i in range(CLIENTS)]
    start, end = slot(3)
    path = tmp_path / "race.sqlite3"
    with sqlite_file(path) as database:
        run = race(
            [
                (
                    lambda u=u: bookings.booking_request(
                        actor=u, room=place.hall, starts_at=start, ends_at=end, purpose="x"
                    )
                )
                for u in users
            ],
            database=database,
        )
    winners = [o for o in run.outcomes if isinstance(o, Booking)]
    losers = [o for o in run.outcomes if not isinstance(o, Booking)]
    assert len(winners) == 1 and winners[0].status == BookingStatus.APPROVED, run.outcomes[:3]
    assert len(losers) == CLIENTS - 1
    assert all(isinstance(o, ConflictError) and o.code == "conflict" for o in losers), losers[:3]
    assert run.max_in_flight > 1  # the threads were inside the service together
    table = Booking._meta.db_table
    assert count(path, f"SELECT count(*) FROM {table} WHERE room_id = ?", place.hall.pk) == 1
    assert not Booking.objects.filter(room=place.hall).exists()  # the race wrote to the file only


@pytest.mark.django_db(transaction=True)
def test_overlapping_series_on_a_sqlite_file_nothing_half_booked(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    city = make_city()
    make_personas(city)
    place = make_place(city)
    start, end = slot(7)
    a, b = city.users["resident"], city.users["community_x"]
    path = tmp_path / "series.sqlite3"
    with sqlite_file(path) as database:
        run = race(
            [
                (
                    lambda user=user, shift=shift: bookings.booking_request_series(
                        actor=user,
                        room=place.meeting,
                        starts_at=start + dt.timedelta(weeks=shift),
                        ends_at=end + dt.timedelta(weeks=shift),
                        weeks=4,
                        purpose="合唱",
                    )
                )
                for user, shift in ((a, 0), (b, 2))
            ],
            database=database,
        )
    won = [o for o in run.outcomes if isinstance(o, tuple)]
    lost = [o for o in run.outcomes if isinstance(o, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, run.outcomes
    assert "以下日期" in lost[0].messages[0]
    table = Booking._meta.db_table
    assert count(path, f"SELECT count(*) FROM {table} WHERE room_id = ?", place.meeting.pk) == 4
