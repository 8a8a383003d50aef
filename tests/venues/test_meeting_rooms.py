"""三会一课 books a venue room through the slot in people that venues fills from its apps.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quanyu.core.workflow import ConflictError
from quanyu.people.meeting_rooms import meeting_book_room
from quanyu.venues.models import Booking
from quanyu.venues.states import BookingStatus
from tests.people.helpers import make_branches
from tests.venues.factories import slot

pytestmark = pytest.mark.django_db


def test_branch_meeting_books_a_room_as_the_branch(city, place):
    branch = make_branches(city)[city.communities[0].name]
    start, end = slot(3)
    booking_id = meeting_book_room(
        actor=city.users["community_x"],
        branch=branch,
        kind="committee",
        topic="讨论发展党员",
        room_id=place.hall.pk,
        starts_at=start,
        ends_at=end,
    )
    booking = Booking.objects.get(pk=booking_id)
    assert booking.booker_kind == Booking.BookerKind.BRANCH
    assert booking.org_id == branch.pk
    assert booking.purpose == "支部委员会：讨论发展党员"
    assert booking.status == BookingStatus.APPROVED  # the hall auto-approves
    with pytest.raises(ConflictError):
        meeting_book_room(
            actor=city.users["community_x"],
            branch=branch,
            kind="lecture",
            topic="党课",
            room_id=place.hall.pk,
            starts_at=start,
            ends_at=end,
        )


@pytest.mark.parametrize(
    ("changes", "field"), [({"kind": "party"}, "kind"), ({"topic": " "}, "topic"), ({"room_id": 0}, "room")]
)
def test_bad_meeting_booking_names_the_field(city, place, changes, field):
    branch = make_branches(city)[city.communities[0].name]
    start, end = slot(3)
    args = {"kind": "group", "topic": "学习", "room_id": place.hall.pk} | changes
    with pytest.raises(ValidationError) as err:
        meeting_book_room(
            actor=city.users["community_x"], branch=branch, starts_at=start, ends_at=end, **args
        )
    assert field in err.value.message_dict
    assert not Booking.objects.exists()
