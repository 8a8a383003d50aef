"""Phone-sized browser tests of the venues pages added for issue 15: a community worker books a room
for a branch meeting from the 三会一课 page; the venue's booking calendar (week and month) and
adding an activity to the month's plan; the 重管轻用 report; a department completes its step of a
build-and-handover project; staff upload a photo that the public page shows. Every page passes axe
(no serious or critical finding), fits a 390 px screen, and logs no console error or CSP violation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from quanyu.venues.models import Booking, PlanItem, VenuePhoto, VenueProject
from quanyu.venues.services import bookings, projects
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas
from tests.people.helpers import make_branches
from tests.venues.factories import make_place, slot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def place(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    make_personas(city)
    return city, make_place(city, 0)


def _check(page, watched, name: str) -> None:
    no_sideways_scroll(page)
    assert axe_problems(page) == []
    shot(page, name)
    assert watched.problems == []


def test_community_worker_books_a_room_for_a_branch_meeting(watched, live_server, place):
    city, p = place
    branch = make_branches(city)[city.communities[0].name]
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/venues/meetings/")
    _check(page, watched, "venues_meetings_phone.png")
    page.select_option("select[name=branch]", str(branch.pk))
    page.select_option("select[name=kind]", "committee")
    page.fill("input[name=topic]", "讨论发展党员")
    page.select_option("select[name=room]", str(p.hall.pk))
    page.fill("input[name=day]", (dt.date.today() + dt.timedelta(days=2)).isoformat())
    page.fill("input[name=start]", "19:00")
    page.fill("input[name=end]", "21:00")
    page.click("#meeting-book-form button[type=submit]")
    page.wait_for_selector("text=已为支部会议预约场地")
    booking = Booking.objects.get()
    assert (booking.booker_kind, booking.org_id, booking.status) == ("branch", branch.pk, "approved")
    assert page.locator(f"[data-booking='{booking.pk}']").inner_text().count("支部委员会：讨论发展党员") == 1
    page.click(f"[data-booking='{booking.pk}'] a")  # to the venue's calendar, on the meeting's week
    page.wait_for_selector("#calendar-week")
    assert "支部委员会：讨论发展党员" in page.locator("#calendar-week").inner_text()
    _check(page, watched, "venues_calendar_week_phone.png")


def test_calendar_month_and_adding_an_activity(watched, live_server, place):
    city, p = place
    start, end = slot(1, hour=9)
    bookings.booking_request(
        actor=city.users["resident"], room=p.meeting, starts_at=start, ends_at=end, purpose="楼道议事"
    )
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/venues/{p.venue.pk}/calendar/?view=month")
    page.wait_for_selector("#calendar-month")
    _check(page, watched, "venues_calendar_month_phone.png")
    day = timezone.localdate() + dt.timedelta(days=1)
    page.fill("input[name=title]", "老年人智能手机课堂")
    page.fill("input[name=day]", day.isoformat())
    page.fill("input[name=start]", "14:00")
    page.fill("input[name=end]", "15:30")
    page.select_option("#plan-activity-form select[name=room]", str(p.hall.pk))
    page.click("#plan-activity-form button[type=submit]")
    page.wait_for_selector("text=活动已加入月度计划")
    assert PlanItem.objects.get().title == "老年人智能手机课堂"
    page.click(f"#calendar-month a[href$='date={day.isoformat()}']")
    page.wait_for_selector("#calendar-week")
    week = page.locator("#calendar-week").inner_text()
    assert "老年人智能手机课堂" in week and "楼道议事" in week
    _check(page, watched, "venues_calendar_after_phone.png")


def test_street_official_reads_the_usage_report(watched, live_server, place):
    page = watched.open("street_staff", phone=True)
    page.goto(f"{live_server.url}/venues/usage/")
    page.wait_for_selector("#usage-cold")
    assert place[1].venue.name in page.locator("#usage-cold").inner_text()  # never used: cold
    _check(page, watched, "venues_usage_phone.png")


def test_department_completes_its_step(watched, live_server, place):
    city, _p = place
    project = projects.project_create(
        actor=city.users["district_admin"],
        name="新城社区党群服务中心",
        area=city.communities[0],
        owners=dict.fromkeys(projects.DEPARTMENT_STEPS, city.units[-1].pk),
        planned_floor_area="1200",
        planned_ground_floor_area="600",
    )
    VenueProject.objects.filter(pk=project.pk).update(step_due=timezone.localdate() - dt.timedelta(days=3))
    projects.projects_supervise()
    page = watched.open("department_handler", phone=True)
    page.goto(f"{live_server.url}/venues/projects/")
    assert "已督办" in page.locator("#project-list").inner_text()
    _check(page, watched, "venues_projects_phone.png")
    page.click(f"#project-list a[href='/venues/projects/{project.pk}/']")
    page.wait_for_selector("#project-steps")
    _check(page, watched, "venues_project_phone.png")
    page.fill("input[name=note]", "已纳入控制性详细规划")
    page.fill("input[name=doc_name]", "控规批复")
    page.click("#project-complete-form button[type=submit]")
    page.wait_for_selector("[data-step=planning][data-state=done]")
    assert VenueProject.objects.get().step == "land"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (179, 22, 27)).save(out, format="PNG")
    return out.getvalue()


def test_staff_upload_a_photo_the_public_page_shows(watched, live_server, place):
    _city, p = place
    page = watched.open("community_x", phone=True)
    page.goto(f"{live_server.url}/venues/{p.venue.pk}/")
    page.set_input_files(
        "#photo-form input[name=photo]",
        files=[{"name": "hall.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.fill("#photo-form input[name=caption]", "一楼大厅")
    page.click("#photo-form button[type=submit]")
    page.wait_for_selector("text=照片已上传")
    assert VenuePhoto.objects.count() == 1
    _check(page, watched, "venues_detail_photo_phone.png")
    public = watched.open(None, phone=True)
    public.goto(f"{live_server.url}/v/{p.venue.pk}/")
    img = public.locator("#venue-photos img")
    assert img.get_attribute("alt") == "一楼大厅"
    assert public.evaluate("document.querySelector('#venue-photos img').decode().then(() => true)")
    _check(public, watched, "venues_public_photo_phone.png")


def test_coordinator_starts_a_project(watched, live_server, place):
    city, _p = place
    page = watched.open("district_admin", phone=True)
    page.goto(f"{live_server.url}/venues/projects/new/")
    _check(page, watched, "venues_project_new_phone.png")
    page.fill("input[name=name]", "滨河社区党群服务中心")
    page.select_option("select[name=area]", str(city.communities[1].pk))
    page.fill("input[name=planned_floor_area]", "1100")
    page.fill("input[name=planned_ground_floor_area]", "600")
    for step in projects.DEPARTMENT_STEPS:
        page.select_option(f"select[name=owner_{step}]", str(city.units[-1].pk))
    page.click("#project-new-form button[type=submit]")
    page.wait_for_selector("#project-steps [data-step=planning][data-state=current]")
    assert VenueProject.objects.get().name == "滨河社区党群服务中心"
