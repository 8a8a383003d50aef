"""The venues API: one test per status of the map (200/201, 400 naming the field, 403, 404, 409)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.venues.models import Booking
from quanyu.venues.services import bookings, plans
from quanyu.venues.services.standards import profiles_seed
from tests.venues.factories import SIX, make_place, make_venue, slot

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def place(city):
    return make_place(city, 0)


def _body(room, /, days=1, **extra):
    start, end = slot(days)
    return {
        "room": room.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "purpose": "支部会",
        **extra,
    }


def test_resident_books_and_staff_approve(city, place):
    made = client_for("resident").post(
        "/api/venue-bookings/", _body(place.meeting), content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "requested"
    pk = made.json()["id"]
    listed = client_for("community_x").get("/api/venue-bookings/?status=requested")
    assert [b["id"] for b in listed.json()["results"]] == [pk]
    approved = client_for("community_x").post(f"/api/venue-bookings/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # a second approval: 409
    again = client_for("street_staff").post(f"/api/venue-bookings/{pk}/approve/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition" if "code" in again.json() else True


def test_double_booking_is_409(city, place):
    client = client_for("resident")
    assert (
        client.post("/api/venue-bookings/", _body(place.meeting), content_type="application/json").status_code
        == 201
    )
    second = client_for("community_x").post(
        "/api/venue-bookings/", _body(place.meeting), content_type="application/json"
    )
    assert second.status_code == 409
    assert "已被预约" in second.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"booker_kind": "branch"}, "org"),
        ({"org": 999999, "booker_kind": "branch"}, "org"),
        ({"expected": 500}, "expected"),
        ({"room": 999999}, "room"),
        ({"purpose": "x" * 201}, "purpose"),
    ],
)
def test_bad_booking_is_400_naming_the_field(city, place, change, field):
    answer = client_for("resident").post(
        "/api/venue-bookings/", _body(place.meeting, **change), content_type="application/json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert not Booking.objects.exists()


def test_approve_by_resident_is_403_and_other_community_is_404(city, place):
    booking = bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=slot()[0], ends_at=slot()[1], purpose="x"
    )
    assert client_for("resident").post(f"/api/venue-bookings/{booking.pk}/approve/").status_code == 403
    assert client_for("grid_worker").post(f"/api/venue-bookings/{booking.pk}/approve/").status_code == 404
    assert client_for("community_y").post(f"/api/venue-bookings/{booking.pk}/approve/").status_code == 404
    assert client_for("community_y").get(f"/api/venue-bookings/{booking.pk}/").status_code == 404
    assert client_for("outsider").get(f"/api/venues/{place.venue.pk}/").status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "requested"


def test_series_409_lists_dates_then_books_rest(city, place):
    start, end = slot(7)
    bookings.booking_request(
        actor=city.users["community_x"],
        room=place.meeting,
        purpose="x",
        starts_at=start + dt.timedelta(weeks=1),
        ends_at=end + dt.timedelta(weeks=1),
    )
    body = {
        "room": place.meeting.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "purpose": "合唱",
        "weeks": 3,
        "booker_kind": "team",
        "team": "合唱队",
    }
    client = client_for("resident")
    refused = client.post("/api/venue-bookings/series/", body, content_type="application/json")
    assert refused.status_code == 409
    assert (start + dt.timedelta(weeks=1)).date().isoformat() in refused.json()["detail"]
    done = client.post(
        "/api/venue-bookings/series/", {**body, "book_rest": True}, content_type="application/json"
    )
    assert done.status_code == 201
    assert len(done.json()["booked"]) == 2 and len(done.json()["conflicts"]) == 1


def test_venue_register_create_update_status(city):
    client = client_for("community_x")
    body = {
        "kind": "community_centre",
        "area": city.communities[0].pk,
        "name": "一社区党群服务中心",
        "floor_area": "1000.0",
        "ground_floor_area": "500.0",
        "status": "in_use",
    }
    made = client.post("/api/venues/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert client.patch(
        f"/api/venues/{pk}/", {"ground_floor_area": "2000"}, content_type="application/json"
    ).json() == {"ground_floor_area": ["一层面积不能大于建筑面积"]}
    room = client.post(
        f"/api/venues/{pk}/rooms/",
        {"name": "议事厅", "function": "deliberation", "capacity": 30},
        content_type="application/json",
    )
    assert room.status_code == 201
    assert (
        client.post(
            f"/api/venues/{pk}/status/", {"status": "planned"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/api/venues/{pk}/status/", {"status": "closed"}, content_type="application/json"
        ).status_code
        == 200
    )
    # community_y: out of scope
    assert (
        client_for("community_y")
        .post(f"/api/venues/{pk}/status/", {"status": "in_use"}, content_type="application/json")
        .status_code
        == 404
    )
    # closed, it is out of the resident's sight
    assert (
        client_for("resident")
        .post(f"/api/venues/{pk}/status/", {"status": "in_use"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        client_for("community_y").post("/api/venues/", body, content_type="application/json").status_code
        == 403
    )
    assert client.post(
        "/api/venues/", {**body, "kind": "palace"}, content_type="application/json"
    ).json().keys() == {"kind"}


def test_plan_post_and_read(city, place):
    client = client_for("community_x")
    month = dt.date.today().replace(day=1)
    body = {
        "month": month.isoformat(),
        "items": [
            {
                "day": month.isoformat(),
                "start": "09:00",
                "end": "11:00",
                "title": "主题党日",
                "room": place.hall.pk,
            }
        ],
    }
    assert (
        client.post(f"/api/venues/{place.venue.pk}/plan/", body, content_type="application/json").status_code
        == 200
    )
    got = client_for("resident").get(f"/api/venues/{place.venue.pk}/plan/?month={month:%Y-%m}")
    assert got.status_code == 200 and got.json()["items"][0]["title"] == "主题党日"
    assert client.get(f"/api/venues/{place.venue.pk}/plan/?month=2026-13").status_code == 400
    assert client.get(f"/api/venues/{place.venue.pk}/plan/?month=2020-01").status_code == 404


def test_compliance_and_usage(city):
    profiles_seed()
    make_venue(city, city.communities[0], floor_area="1000", ground="500", functions=SIX)
    make_venue(city, city.communities[2], floor_area="800", ground="500", functions=SIX)
    answer = client_for("district_admin").get("/api/venue-compliance/?profile=lianyungang&year_of_plan=2")
    assert answer.status_code == 200
    rollup = answer.json()["rollup"]
    assert (rollup["venues"], rollup["compliant"], rollup["target"]) == (2, 1, 0.8)
    assert [r["name"] for r in answer.json()["enlarge_first"]] == [f"{city.communities[2].name}党群服务中心"]
    assert client_for("district_admin").get("/api/venue-compliance/?profile=nope").status_code == 404
    assert client_for("district_admin").get("/api/venue-compliance/?year_of_plan=x").status_code == 400
    usage = client_for("community_x").get("/api/venue-usage/")
    assert usage.status_code == 200 and [r["cold"] for r in usage.json()] == [True]
    assert client_for("district_admin").get("/api/venue-standards/").json()[0]["code"] == "lianyungang"


def test_coverage_and_siting_api(city, place):
    from quanyu.venues.models import Venue

    b0 = city.buildings[0]
    Venue.objects.filter(pk=place.venue.pk).update(lon=b0.lon, lat=b0.lat)
    admin = client_for("district_admin")
    got = admin.get("/api/venue-coverage/?minutes=15")
    assert got.status_code == 200 and got.json()["uncovered_count"] == 7
    assert admin.get("/api/venue-coverage/?minutes=7").json().keys() == {"minutes"}
    assert admin.get("/api/venue-coverage/?kind=palace").status_code == 400
    siting = admin.get("/api/venue-siting/?k=3")
    assert siting.status_code == 200
    assert siting.json()["method"] == "exact" and len(siting.json()["sites"]) == 3
    assert siting.json()["added"] == 3 * 120
    assert client_for("resident").get("/api/venue-siting/?k=3").status_code == 403
    assert admin.get("/api/venue-siting/?k=0").status_code == 400


def test_export_and_import_xlsx(city, place):
    import io

    exported = client_for("community_x").get("/api/venues/export/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd.openxml")
    assert client_for("resident").get("/api/venues/export/").status_code == 403
    Booking.objects.all().delete()
    place.venue.rooms.all().delete()
    place.venue.events.all().delete()
    place.venue.delete()
    upload = io.BytesIO(exported.content)
    upload.name = "venues.xlsx"
    done = client_for("community_x").post("/api/venues/import/", {"file": upload})
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 1
    upload.seek(0)
    refused = client_for("community_y").post("/api/venues/import/", {"file": upload})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["column"] == "所属区域代码"
    assert client_for("community_x").post("/api/venues/import/", {}).json().keys() == {"file"}


def test_projects_api(city):
    from quanyu.venues.services.projects import DEPARTMENT_STEPS

    body = {
        "name": "新城社区党群服务中心",
        "area": city.communities[0].pk,
        "owners": dict.fromkeys(DEPARTMENT_STEPS, city.units[-1].pk),
        "planned_floor_area": "1200",
        "planned_ground_floor_area": "600",
    }
    assert (
        client_for("community_x")
        .post("/api/venue-projects/", body, content_type="application/json")
        .status_code
        == 403
    )
    made = client_for("district_admin").post("/api/venue-projects/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    handler = client_for("department_handler")
    step = handler.post(
        f"/api/venue-projects/{pk}/complete/",
        {"documents": [{"name": "控规批复"}]},
        content_type="application/json",
    )
    assert step.status_code == 200 and step.json()["step"] == "land"
    assert (
        client_for("community_x")
        .post(f"/api/venue-projects/{pk}/complete/", {}, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for("community_y").get(f"/api/venue-projects/{pk}/").status_code == 404
    assert handler.post(
        f"/api/venue-projects/{pk}/complete/", {"documents": [{}]}, content_type="application/json"
    ).json().keys() == {"documents"}
    admin = client_for("district_admin")
    assert (
        admin.post(
            f"/api/venue-projects/{pk}/cancel/", {"note": "选址调整"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        admin.post(
            f"/api/venue-projects/{pk}/cancel/", {"note": "x"}, content_type="application/json"
        ).status_code
        == 409
    )


def test_blackouts_and_waiting_list_api(city, place):
    start, end = slot(4)
    staff = client_for("community_x")
    body = {"starts_at": start.isoformat(), "ends_at": end.isoformat(), "reason": "维修"}
    assert (
        staff.post(
            f"/api/venues/{place.venue.pk}/blackouts/", body, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        client_for("resident")
        .post(f"/api/venues/{place.venue.pk}/blackouts/", body, content_type="application/json")
        .status_code
        == 403
    )
    refused = client_for("resident").post(
        "/api/venue-bookings/", _body(place.meeting, days=4), content_type="application/json"
    )
    assert refused.status_code == 400 and "维修" in refused.json()["starts_at"][0]
    # the waiting list of a taken slot
    taken = _body(place.hall, days=5)
    assert (
        client_for("resident")
        .post("/api/venue-bookings/", taken, content_type="application/json")
        .status_code
        == 201
    )
    wait = {k: taken[k] for k in ("room", "starts_at", "ends_at", "purpose")}
    joined = staff.post("/api/venue-bookings/wait/", wait, content_type="application/json")
    assert joined.status_code == 201 and joined.json()["status"] == "waiting"


def test_room_calendar(city, place):
    start, end = slot(1)
    bookings.booking_request(
        actor=city.users["resident"], room=place.meeting, starts_at=start, ends_at=end, purpose="x"
    )
    got = client_for("resident").get(f"/api/venue-rooms/{place.meeting.pk}/calendar/?days=3")
    assert got.status_code == 200 and len(got.json()) == 1 and "purpose" not in got.json()[0]
    assert (
        client_for("resident").get(f"/api/venue-rooms/{place.meeting.pk}/calendar/?from=x").status_code == 400
    )
    assert client_for("community_y").get(f"/api/venue-rooms/{place.meeting.pk}/calendar/").status_code == 404


def test_plan_attendance(city, place):
    month = dt.date.today().replace(day=1)
    plan = plans.plan_post(
        actor=city.users["community_x"],
        venue=place.venue,
        month=month,
        items=[{"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日"}],
    )
    item = plan.items.get()
    url = f"/api/venues/{place.venue.pk}/plan-attendance/"
    done = client_for("community_x").post(
        url, {"item": item.pk, "attendance": 35}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["attendance"] == 35
    assert (
        client_for("resident")
        .post(url, {"item": item.pk, "attendance": 1}, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for("community_x").post(
        url, {"item": 999999, "attendance": 1}, content_type="application/json"
    ).json().keys() == {"item"}


def test_plan_attendance_refused_before_the_activity(city, place):
    # the service, not only the page, refuses a count for an activity still ahead: the API gets
    # the same 400 naming the field, and nothing is written
    ahead = (dt.date.today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    plan = plans.plan_post(
        actor=city.users["community_x"],
        venue=place.venue,
        month=ahead,
        items=[{"day": ahead, "start": dt.time(9), "end": dt.time(11), "title": "主题党日"}],
    )
    item = plan.items.get()
    got = client_for("community_x").post(
        f"/api/venues/{place.venue.pk}/plan-attendance/",
        {"item": item.pk, "attendance": 20},
        content_type="application/json",
    )
    assert got.status_code == 400 and set(got.json()) == {"attendance"}
    assert "尚未举行" in got.json()["attendance"][0]
    item.refresh_from_db()
    assert item.attendance is None
