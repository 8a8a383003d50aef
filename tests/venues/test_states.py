from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quanyu.venues.states import (
    BOOKING_ALLOWED,
    BOOKING_FINAL,
    HOLDING,
    VENUE_ALLOWED,
    BookingStatus,
    VenueStatus,
    replay,
)


def test_tables_are_closed_over_their_statuses():
    assert set(BOOKING_ALLOWED) == set(BookingStatus.values)
    assert all(t <= set(BookingStatus.values) for t in BOOKING_ALLOWED.values())
    assert set(VENUE_ALLOWED) == set(VenueStatus.values)
    assert all(t <= set(VenueStatus.values) for t in VENUE_ALLOWED.values())


def test_booking_machine_is_the_issues():
    assert BOOKING_ALLOWED[BookingStatus.REQUESTED] == {"approved", "declined", "cancelled"}
    assert BOOKING_ALLOWED[BookingStatus.APPROVED] == {"used", "no_show", "cancelled"}
    assert {"declined", "used", "no_show", "cancelled"} == BOOKING_FINAL
    assert {"requested", "approved", "used"} == HOLDING


@given(st.lists(st.sampled_from(BookingStatus.values), max_size=8))
def test_replay_of_any_allowed_walk_ends_where_the_walk_does(targets):
    status = "requested"
    kinds = ["requested"]
    for target in targets:
        if target in BOOKING_ALLOWED[status]:
            status = target
            kinds.append(target)
    assert replay(kinds) == status
