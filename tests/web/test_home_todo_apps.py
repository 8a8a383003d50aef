"""The to-do lines of the apps that came after the e呼应 loop (wishes, volunteering,
co-governance): each count equals the linked page's list for the same user, and each line shows
only for the roles that work it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from quanyu.cogov import selectors as cogov_selectors
from quanyu.cogov import services as cogov
from quanyu.volunteering import selectors as volunteering_selectors
from quanyu.volunteering import services as volunteering
from quanyu.wishes import services as wishes
from tests.cogov.factories import held_session_with_task
from tests.volunteering.factories import make_setup
from tests.web.test_home_todo import count_in
from tests.wishes.factories import claimed, fulfilled, make_world, published, resident_wish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("zh-hans"):
        yield


def home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def listed(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_wish_desk_lines_equal_the_desk_and_the_wisher_is_asked_to_confirm(city):
    world = make_world(city)
    resident_wish(city)  # waiting for review
    resident_wish(city, text="楼道灯坏了，希望有人帮忙修")  # waiting for review
    done = resident_wish(city, text="想借一辆轮椅用两周")
    claim = claimed(world, published(done, city))
    fulfilled(world, claim)
    staff = city.users["community_x"]
    html = home(staff)
    assert count_in(html, "wishes_submitted") == 2
    assert count_in(html, "wishes_fulfilled") == 1
    assert count_in(html, "wishes_disputed") == 0
    assert 'href="/wishes/manage/?status=submitted"' in html
    desk = listed(staff, "/wishes/manage/?status=submitted")
    assert desk.count('href="/wishes/') >= 2 and "楼道灯坏了" in desk
    # The wisher is asked to confirm the one fulfilled; staff of another street see nothing.
    assert count_in(home(city.users["resident"]), "wishes_to_confirm") == 1
    assert count_in(home(city.users["community_y"]), "wishes_submitted") == 0
    wishes.wish_confirm(actor=city.users["resident"], wish=done)
    assert 'data-todo="wishes_to_confirm"' not in home(city.users["resident"])


def test_organiser_sees_hours_waiting_and_a_volunteer_does_not(city):
    setup = make_setup(city)
    volunteer = setup.volunteers[0].user
    signup = volunteering.signup_create(actor=volunteer, activity=setup.activity)
    start = setup.activity.starts_at
    volunteering.rollcall_check_in(actor=setup.leader, signup=signup, at=start)
    volunteering.rollcall_check_out(actor=setup.leader, signup=signup, at=start + dt.timedelta(hours=1))
    pending = volunteering_selectors.signup_list_for(actor=setup.leader, hours_status="pending").count()
    html = home(setup.leader)
    assert count_in(html, "hours_pending") == pending == 1
    assert count_in(html, "hours_corrections") == 0
    assert 'href="/volunteering/hours/"' in html
    assert 'data-todo="hours_pending"' not in home(volunteer)


def test_overdue_resolution_tasks_equal_the_filtered_task_list(city):
    held_session_with_task(city, due=dt.date(2026, 4, 30))
    cogov.meetings.tasks_sweep_overdue(today=dt.date(2026, 5, 2))
    street = city.users["street_staff"]
    n = cogov_selectors.task_list_for(actor=street, overdue=True).count()
    assert n == 1
    html = home(street)
    assert count_in(html, "cogov_tasks_overdue") == 1
    assert 'href="/cogov/tasks/?overdue=1"' in html
    assert 'data-todo="cogov_tasks_overdue"' not in home(city.users["resident"])
