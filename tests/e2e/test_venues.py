"""Phone-sized: a community worker books a room for a branch meeting; a resident opens a venue's
public monthly plan; a street official sees the uncovered buildings and runs siting. Every page
is watched for console errors and CSP violations and passes axe (no serious or critical finding).
The 三会一课 page, the calendar, the usage report, projects and photos: test_venues_pages.py."""

from __future__ import annotations

import datetime as dt

import pytest

from quanyu.venues.models import Booking, Venue
from quanyu.venues.services import plans
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas
from tests.venues.factories import make_place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def place():
    city = make_city()
    make_personas(city)
    return city, make_place(city, 0)


def test_community_worker_books_a_room_for_a_branch_meeting(watched, live_server, place):
    city, p = place
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/venues/book/")
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "venues_book_phone.png")
    page.select_option("select[name=room]", str(p.meeting.pk))
    page.fill("input[name=day]", (dt.date.today() + dt.timedelta(days=3)).isoformat())
    page.fill("input[name=start]", "14:00")
    page.fill("input[name=end]", "16:00")
    page.fill("input[name=purpose]", "支部党员大会")
    page.select_option("select[name=booker_kind]", "branch")
    page.select_option("select[name=org]", str(city.orgs[city.communities[0].name].pk))
    page.click("#venue-book-form button[type=submit]")
    page.wait_for_selector("text=预约已提交")
    assert "支部党员大会" in page.locator("main").inner_text()
    booking = Booking.objects.get()
    assert (booking.booker_kind, booking.status, booking.org_id) == (
        "branch",
        "requested",
        city.orgs[city.communities[0].name].pk,
    )
    assert watched.problems == []


def test_resident_opens_the_public_monthly_plan(watched, live_server, place):
    city, p = place
    month = dt.date.today().replace(day=1)
    plans.plan_post(
        actor=city.users["community_x"],
        venue=p.venue,
        month=month,
        items=[{"day": month, "start": dt.time(9), "end": dt.time(11), "title": "主题党日：学习新思想"}],
    )
    page = watched.open(None, phone=True)
    page.goto(f"{live_server.url}/v/{p.venue.pk}/")
    assert "主题党日：学习新思想" in page.locator(".qy-plan").inner_text()
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "venues_public_phone.png")
    assert watched.problems == []


def test_street_official_sees_uncovered_buildings_and_runs_siting(watched, live_server, place):
    city, p = place
    b0 = city.buildings[0]
    Venue.objects.filter(pk=p.venue.pk).update(lon=b0.lon, lat=b0.lat)
    page = watched.open("street_staff", phone=True)
    page.goto(f"{live_server.url}/venues/coverage/")
    page.wait_for_selector("#coverage-map .qy-uncovered", state="attached")
    assert page.locator("#coverage-map .qy-uncovered").count() == 3  # the street's other buildings
    page.fill("input[name=k]", "2")
    page.click("#run-siting")
    page.wait_for_selector("#siting-result")
    assert page.locator("#coverage-map .qy-site").count() == 2
    assert "240" in page.locator("#siting-result").inner_text()
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, "venues_coverage_phone.png")
    assert watched.problems == []
