"""三会一课 books a room from a page and from the API: the branches a worker may book for, the
booking as the branch, and each refusal with its status and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from quanyu.accounts.models import User
from quanyu.venues.meetings import meeting_branches_for
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from tests.asserts import nothing_written
from tests.people.helpers import make_branches
from tests.venues.factories import slot

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def branches(city):
    return make_branches(city)


def _form(branch, room, **extra):
    day = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    return {
        "branch": branch.pk,
        "kind": "congress",
        "topic": "发展党员表决",
        "room": room.pk,
        "day": day,
        "start": "14:00",
        "end": "16:00",
        **extra,
    }


def test_branches_a_worker_may_book_for(city, branches):
    names = set(meeting_branches_for(city.users["community_x"]).values_list("name", flat=True))
    assert names == {branches[city.communities[0].name].name}
    assert meeting_branches_for(city.users["street_staff"]).count() == 2  # its two communities
    assert not meeting_branches_for(city.users["resident"]).exists()


def test_community_worker_books_a_room_for_a_branch_meeting(city, place, branches):
    branch = branches[city.communities[0].name]
    client = client_for("community_x")
    page = client.get("/venues/meetings/")
    assert page.status_code == 200 and branch.name in page.content.decode()
    done = client.post("/venues/meetings/", _form(branch, place.meeting))
    assert done.status_code == 302
    booking = Booking.objects.get()
    assert (booking.booker_kind, booking.org_id, booking.status) == ("branch", branch.pk, "requested")
    assert booking.purpose == "支部党员大会：发展党员表决"
    listed = client.get("/venues/meetings/").content.decode()
    assert "支部党员大会：发展党员表决" in listed and f'data-booking="{booking.pk}"' in listed


def test_an_editor_without_branches_is_told_so(city, place):
    page = client_for("community_x").get("/venues/meetings/")
    assert page.status_code == 200 and 'id="no-branches"' in page.content.decode()
    assert client_for("grid_worker").get("/venues/meetings/").status_code == 403


def test_meeting_page_refusals(city, place, branches, other_place):
    client = client_for("community_x")
    other_branch = branches[city.communities[2].name]
    assert client_for("resident").get("/venues/meetings/").status_code == 403
    cases = [
        (_form(other_branch, place.meeting), 400, "请选择党支部"),
        (_form(branches[city.communities[0].name], other_place.meeting), 400, "请选择功能室"),
        (_form(branches[city.communities[0].name], place.meeting, kind="party"), 400, "会议类型"),
        (_form(branches[city.communities[0].name], place.meeting, topic=" "), 400, "会议主题"),
        (_form(branches[city.communities[0].name], place.meeting, day="x"), 400, "日期和时间"),
    ]
    for form, status, text in cases:
        with nothing_written(place.venue):
            answer = client.post("/venues/meetings/", form)
        assert answer.status_code == status, form
        assert text in answer.content.decode()
    assert not Booking.objects.exists()
    ok = _form(branches[city.communities[0].name], place.meeting)
    assert client.post("/venues/meetings/", ok).status_code == 302
    taken = client.post("/venues/meetings/", {**ok, "kind": "lecture"})
    assert taken.status_code == 409 and "已被预约" in taken.content.decode()
    assert Booking.objects.count() == 1


def test_booking_as_a_branch_needs_an_editor_at_the_branch(city, place, branches):
    start, end = slot(2)
    branch = branches[city.communities[0].name]
    for persona in ("resident", "community_y", "grid_worker"):
        with nothing_written(place.venue), pytest.raises(PermissionDenied):
            bookings.booking_request(
                actor=city.users[persona],
                room=place.hall,
                starts_at=start,
                ends_at=end,
                purpose="支部会",
                booker_kind="branch",
                org=branch,
            )
    made = bookings.booking_request(
        actor=city.users["street_staff"],
        room=place.hall,
        starts_at=start,
        ends_at=end,
        purpose="支部会",
        booker_kind="branch",
        org=branch,
    )
    assert made.org_id == branch.pk


def _api(branch, room, days=3, **extra):
    start, end = slot(days, hour=19)
    return {
        "branch": branch.pk,
        "kind": "lecture",
        "topic": "基层治理专题",
        "room": room.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        **extra,
    }


def test_meeting_api(city, place, branches, other_place):
    branch = branches[city.communities[0].name]
    client = client_for("community_x")
    made = client.post(
        "/api/venue-bookings/meeting/", _api(branch, place.hall), content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json()["org"] == branch.pk and made.json()["status"] == "approved"  # the hall auto-approves
    assert made.json()["purpose"] == "党课：基层治理专题"
    again = client.post(
        "/api/venue-bookings/meeting/", _api(branch, place.hall), content_type="application/json"
    )
    assert again.status_code == 409
    for body, field in [
        (_api(branch, place.hall, days=4, kind="x"), "kind"),
        (_api(branches[city.communities[2].name], place.hall, days=4), "branch"),
        (_api(branch, other_place.hall, days=4), "room"),
        ({**_api(branch, place.hall, days=4), "starts_at": "bad"}, "starts_at"),
    ]:
        answer = client.post("/api/venue-bookings/meeting/", body, content_type="application/json")
        assert answer.status_code == 400 and field in answer.json(), body
    resident = client_for("resident").post(
        "/api/venue-bookings/meeting/", _api(branch, place.hall, days=5), content_type="application/json"
    )
    assert resident.status_code == 400 and "branch" in resident.json()
    assert Booking.objects.count() == 1
