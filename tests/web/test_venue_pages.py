"""Venue pages: 200 for the roles they serve, scoping 404, a refused step shown again with its
status, the public plan without signing in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings, plans
from quanyu.venues.services.standards import profiles_seed
from tests.venues.factories import make_place, slot

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def place(city):
    profiles_seed()
    return make_place(city, 0)


@pytest.mark.parametrize("persona", ["district_admin", "street_staff", "community_x", "community_y"])
def test_office_pages(city, place, persona):
    client = client_for(persona)
    listed = client.get("/venues/")
    assert listed.status_code == 200
    assert (place.venue.name in listed.content.decode()) is (persona != "community_y")
    assert client.get(f"/venues/{place.venue.pk}/").status_code == (404 if persona == "community_y" else 200)
    assert client.get("/venues/compliance/").status_code == 200


def test_resident_is_kept_from_office_pages_but_books(city, place):
    client = client_for("resident")
    assert client.get("/venues/").status_code == 403
    page = client.get("/venues/book/")
    assert page.status_code == 200 and place.meeting.name in page.content.decode()
    day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    form = {"room": place.meeting.pk, "day": day, "start": "09:00", "end": "11:00", "purpose": "支部党员大会"}
    done = client.post("/venues/book/", {**form, "booker_kind": "resident"})
    assert done.status_code == 302
    again = client_for("community_x").post("/venues/book/", {**form, "booker_kind": "resident"})
    assert again.status_code == 409 and "已被预约" in again.content.decode()
    bad = client.post("/venues/book/", {**form, "day": "", "booker_kind": "resident"})
    assert bad.status_code == 400
    assert Booking.objects.count() == 1


def test_staff_approve_from_detail_and_refusals_keep_their_status(city, place):
    booking = bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=slot()[0], ends_at=slot()[1], purpose="x"
    )
    staff = client_for("community_x")
    assert staff.post(f"/venues/bookings/{booking.pk}/approve/").status_code == 302
    again = staff.post(f"/venues/bookings/{booking.pk}/approve/")
    assert again.status_code == 409
    assert client_for("resident").post(f"/venues/bookings/{booking.pk}/approve/").status_code == 403
    assert client_for("community_y").post(f"/venues/bookings/{booking.pk}/approve/").status_code == 404
    assert staff.post(f"/venues/bookings/{booking.pk}/decline/", {"reason": ""}).status_code == 400
    assert staff.post(f"/venues/bookings/{booking.pk}/decline/", {"reason": "维修"}).status_code == 409
    cancelled = client_for("resident").post(f"/venues/bookings/{booking.pk}/cancel/", {"back": "mine"})
    assert cancelled.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_public_monthly_plan_without_signing_in(city, place):
    month = dt.date.today().replace(day=1)
    plans.plan_post(
        actor=city.users["community_x"],
        venue=place.venue,
        month=month,
        items=[{"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日活动"}],
    )
    page = Client().get(f"/v/{place.venue.pk}/")
    assert page.status_code == 200 and "主题党日活动" in page.content.decode()
    assert Client().get(f"/v/{place.venue.pk}/?month=bad").status_code == 200
    assert Client().get("/v/999999/").status_code == 404


def test_coverage_page_with_siting(city, place):
    from quanyu.venues.models import Venue

    b0 = city.buildings[0]
    Venue.objects.filter(pk=place.venue.pk).update(lon=b0.lon, lat=b0.lat)
    page = client_for("street_staff").get("/venues/coverage/?minutes=15&k=2")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="uncovered-data"' in body and 'id="siting-result"' in body
    assert client_for("resident").get("/venues/coverage/").status_code == 403


def test_plan_print_and_xlsx(city, place):
    import io

    from openpyxl import load_workbook

    month = dt.date.today().replace(day=1)
    plans.plan_post(
        actor=city.users["community_x"],
        venue=place.venue,
        month=month,
        items=[{"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日活动"}],
    )
    printed = Client().get(f"/v/{place.venue.pk}/print/?month={month:%Y-%m}")
    assert printed.status_code == 200 and "主题党日活动" in printed.content.decode()
    sheet = Client().get(f"/v/{place.venue.pk}/plan.xlsx?month={month:%Y-%m}")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == "主题党日活动"


def test_keepers_record_attendance_of_a_plan_activity(city, place):
    """The venue's page lets its keepers record how many came to an activity that has taken place
    (the usage figures count it); a future activity, a bad number, a reader without the right and
    another community's staff are refused, nothing written."""
    from django.utils import timezone

    from quanyu.venues.models import PlanItem

    today = timezone.localdate()
    month = today.replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    keeper = city.users["community_x"]
    plans.plan_post(
        actor=keeper,
        venue=place.venue,
        month=month,
        items=[{"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日活动"}],
    )
    plans.plan_post(
        actor=keeper,
        venue=place.venue,
        month=following,
        items=[{"day": following, "start": dt.time(9), "end": dt.time(11), "title": "下月活动"}],
    )
    held = PlanItem.objects.get(title="主题党日活动")
    ahead = PlanItem.objects.get(title="下月活动")
    staff = client_for("community_x")
    page = staff.get(f"/venues/{place.venue.pk}/").content.decode()
    assert f"/venues/plan-items/{held.pk}/attendance/" in page
    done = staff.post(f"/venues/plan-items/{held.pk}/attendance/", {"attendance": "36"})
    assert done.status_code == 302
    assert PlanItem.objects.get(pk=held.pk).attendance == 36
    assert 'data-attendance="36"' in staff.get(f"/venues/{place.venue.pk}/").content.decode()
    for bad in ("", "-1", "abc", "10001"):
        r = staff.post(f"/venues/plan-items/{held.pk}/attendance/", {"attendance": bad})
        assert r.status_code == 400 and "实到人数" in r.content.decode()
    r = staff.post(f"/venues/plan-items/{ahead.pk}/attendance/", {"attendance": "5"})
    assert r.status_code == 400 and "尚未举行" in r.content.decode()
    assert PlanItem.objects.get(pk=ahead.pk).attendance is None
    assert (
        client_for("community_y")
        .post(f"/venues/plan-items/{held.pk}/attendance/", {"attendance": "1"})
        .status_code
        == 404
    )
    assert client_for("resident").post(
        f"/venues/plan-items/{held.pk}/attendance/", {"attendance": "1"}
    ).status_code in (403, 404)
    assert PlanItem.objects.get(pk=held.pk).attendance == 36
    public = Client().get(f"/v/{place.venue.pk}/").content.decode()
    assert "/attendance/" not in public
