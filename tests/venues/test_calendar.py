"""The booking calendar: a week's and a month's days with the rooms' bookings and the plan's
activities; details only for the venue's office and the booker; the month's plan posted or late;
staff add an activity to the month's plan from the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.venues.calendar import month_grid, plan_state, venue_calendar, week_of
from quanyu.venues.models import ActivityPlan, PlanItem
from quanyu.venues.services import bookings, plans
from tests.asserts import nothing_written
from tests.venues.factories import slot

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_week_and_month_bounds():
    assert week_of(dt.date(2026, 12, 3)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 7))
    start, end = month_grid(dt.date(2026, 2, 10))  # Feb 2026 starts on a Sunday
    assert (start, end) == (dt.date(2026, 1, 26), dt.date(2026, 3, 2))
    assert (end - start).days % 7 == 0


@pytest.fixture
def busy(city, place):
    start, end = slot(1, hour=9)
    booking = bookings.booking_request(
        actor=city.users["community_x"],
        room=place.meeting,
        starts_at=start,
        ends_at=end,
        purpose="议事协商会",
    )
    day = timezone.localtime(start).date()
    plans.plan_add_item(
        actor=city.users["community_x"],
        venue=place.venue,
        item={"day": day, "start": dt.time(14), "end": dt.time(16), "title": "书画班", "room": place.hall.pk},
    )
    return booking, day


def test_calendar_shows_details_to_the_office_and_the_booker_only(city, place, busy):
    _booking, day = busy
    start, end = week_of(day)
    for persona, shown in [("community_x", True), ("street_staff", True), ("resident", False)]:
        days = venue_calendar(actor=city.users[persona], venue=place.venue, start=start, end=end)
        (that,) = [d for d in days if d.date == day]
        labels = [(e.kind, e.label, e.room) for e in that.entries]
        taken = ("booking", "议事协商会", "议事室") if shown else ("booking", "", "议事室")
        assert labels == [taken, ("activity", "书画班", "活动室")], persona
        assert sum(len(d.entries) for d in days) == 2


def test_calendar_pages(city, place, busy):
    _booking, day = busy
    staff = client_for("community_x")
    week = staff.get(f"/venues/{place.venue.pk}/calendar/?date={day}")
    assert week.status_code == 200
    body = week.content.decode()
    assert "议事协商会" in body and "书画班" in body and 'id="plan-activity-form"' in body
    month = staff.get(f"/venues/{place.venue.pk}/calendar/?view=month&date={day}")
    assert month.status_code == 200 and 'id="calendar-month"' in month.content.decode()
    resident = client_for("resident").get(f"/venues/{place.venue.pk}/calendar/?date={day}")
    assert resident.status_code == 200
    assert "议事协商会" not in resident.content.decode() and "已被预约" in resident.content.decode()
    assert 'id="plan-activity-form"' not in resident.content.decode()
    assert client_for("community_y").get(f"/venues/{place.venue.pk}/calendar/").status_code == 404
    assert staff.get(f"/venues/{place.venue.pk}/calendar/?date=bad&view=x").status_code == 200


def test_plan_state_posted_late_or_missing(city, place):
    month = dt.date(2026, 3, 1)
    missing = plan_state(venue=place.venue, month=month, today=dt.date(2026, 3, 2))
    assert (missing.plan, missing.due, missing.late) == (None, dt.date(2026, 3, 3), False)
    assert plan_state(venue=place.venue, month=month, today=dt.date(2026, 3, 4)).late is True
    plans.plan_post(actor=city.users["community_x"], venue=place.venue, month=month, items=[])
    posted = plan_state(venue=place.venue, month=month, today=dt.date(2026, 3, 20))
    assert posted.plan is not None and posted.late is (timezone.localdate() > dt.date(2026, 3, 3))


def test_add_an_activity_to_the_month(city, place):
    day = timezone.localdate() + dt.timedelta(days=1)
    staff = client_for("community_x")
    form = {
        "title": "健康讲座",
        "day": day.isoformat(),
        "start": "09:00",
        "end": "10:30",
        "room": place.hall.pk,
    }
    done = staff.post(f"/venues/{place.venue.pk}/calendar/activity/", form)
    assert done.status_code == 302 and f"date={day}" in done["Location"]
    plan = ActivityPlan.objects.get(venue=place.venue, month=day.replace(day=1))
    assert [i.title for i in plan.items.all()] == ["健康讲座"]
    for bad, text in [({"end": "08:00"}, "结束时间"), ({"day": ""}, "日期"), ({"title": ""}, "活动名称")]:
        with nothing_written(place.venue):
            answer = staff.post(f"/venues/{place.venue.pk}/calendar/activity/", {**form, **bad})
        assert answer.status_code == 400 and text in answer.content.decode()
    refused = client_for("resident").post(f"/venues/{place.venue.pk}/calendar/activity/", form)
    assert refused.status_code == 403
    assert (
        client_for("community_y").post(f"/venues/{place.venue.pk}/calendar/activity/", form).status_code
        == 404
    )
    assert PlanItem.objects.count() == 1


def test_plan_add_item_checks(city, place, other_place):
    day = timezone.localdate()
    item = {"day": day, "start": dt.time(9), "end": dt.time(10), "title": "学习"}
    with nothing_written(place.venue), pytest.raises(PermissionDenied):
        plans.plan_add_item(actor=city.users["resident"], venue=place.venue, item=item)
    with nothing_written(place.venue), pytest.raises(ValidationError) as err:
        plans.plan_add_item(
            actor=city.users["community_x"], venue=place.venue, item={**item, "room": other_place.hall.pk}
        )
    assert "items" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        plans.plan_add_item(actor=city.users["community_x"], venue=place.venue, item={**item, "day": None})
    assert "day" in err.value.message_dict
    assert not ActivityPlan.objects.exists()
