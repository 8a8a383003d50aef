"""Phone-sized (issue 15): an organiser publishes a volunteering activity choosing a venue room;
the room is taken at that time, so the page says which room and which slot, keeps what was typed
and writes nothing; at a free time the activity is published and its booking is on the venue's
calendar. Every page is watched for console errors and CSP violations and passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanyu.venues.models import Booking
from quanyu.venues.services import bookings
from quanyu.volunteering.models import Activity
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas
from tests.venues.factories import make_place
from tests.volunteering.factories import make_setup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill(page, setup, room, day: dt.date, start: str, end: str) -> None:
    page.select_option("#activity-form select[name=project]", str(setup.project.pk))
    page.fill("#activity-form input[name=title]", "四点半课堂·作业辅导")
    page.fill("#activity-form input[name=starts_at]", f"{day.isoformat()}T{start}")
    page.fill("#activity-form input[name=ends_at]", f"{day.isoformat()}T{end}")
    page.select_option("#activity-room", str(room.pk))
    page.fill("#activity-form input[name=capacity]", "12")


def test_organiser_books_a_room_sees_the_conflict_and_finds_it_on_the_calendar(watched, live_server):
    city = make_city()
    make_personas(city)
    place = make_place(city, 0)
    setup = make_setup(city)
    day = timezone.localdate() + dt.timedelta(days=3)
    taken_from = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
    bookings.booking_request(
        actor=city.users["resident"],
        room=place.hall,
        starts_at=taken_from,
        ends_at=taken_from + dt.timedelta(hours=2),
        purpose="合唱排练",
    )

    before = Activity.objects.count()  # the setup's own activity
    page = watched.open(setup.leader.username, phone=True)
    page.goto(f"{live_server.url}/volunteering/organise/")
    page.click("details:has(#activity-form) > summary")
    _fill(page, setup, place.hall, day, "15:00", "17:00")
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    page.click("#activity-form button[type=submit]")

    alert = page.locator("#organise-errors")
    alert.wait_for()
    text = alert.inner_text()
    assert "活动室" in text and place.venue.name in text and "已被预约" in text
    assert f"{day.isoformat()} 15:00–17:00" in text
    assert alert.get_attribute("role") == "alert"
    # and again under the room field, which is marked invalid
    assert page.locator("#activity-room-taken").inner_text() == text
    assert page.get_attribute("#activity-room", "aria-invalid") == "true"
    assert page.get_attribute("#activity-room", "aria-describedby") == "activity-room-taken"
    # nothing written, and what was typed is still there to change
    assert Activity.objects.count() == before and Booking.objects.count() == 1
    assert page.input_value("#activity-form input[name=title]") == "四点半课堂·作业辅导"
    assert page.input_value("#activity-room") == str(place.hall.pk)
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "volunteering_room_taken_phone.png")

    page.fill("#activity-form input[name=starts_at]", f"{day.isoformat()}T16:00")
    page.fill("#activity-form input[name=ends_at]", f"{day.isoformat()}T18:00")
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("text=活动已发布")
    activity = Activity.objects.get(room=place.hall)
    assert activity.room == place.hall and activity.booking.status == "approved"

    page.goto(f"{live_server.url}/venues/{place.venue.pk}/calendar/?date={day.isoformat()}")
    entry = page.locator(f"#calendar-week li:has-text('志愿活动：{activity.title}')")
    assert entry.count() == 1 and "16:00–18:00" in entry.inner_text()
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "venue_calendar_activity_phone.png")
    watched.settle(page)
    # the refused post's own 409 is the only console line
    assert [p for p in watched.problems if "status of 409" not in p] == []
    assert len(watched.problems) == 1
