"""On a phone: a sign-up to a full activity lands on the waiting list, a cancellation promotes it,
QR check-in and check-out, the organiser approves the hours, and the proof PDF downloads with the
volunteer's name and hours in its text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quanyu.volunteering.models import Signup
from quanyu.volunteering.pdf import pdf_text
from tests.e2e.helpers import no_sideways_scroll
from tests.factories import make_city, make_personas
from tests.volunteering.factories import make_activity, make_setup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_waiting_list_promotion_qr_hours_and_proof(watched, live_server, tmp_path):
    city = make_city()
    make_personas(city)
    setup = make_setup(city, capacity=1, volunteers=2)
    activity = make_activity(city, setup.project, capacity=1, starts_in=-dt.timedelta(minutes=70))
    first, second = setup.volunteers
    url = f"{live_server.url}/volunteering/activities/{activity.pk}/"

    a = watched.open(first.user.username, phone=True)
    a.goto(url)
    a.click("#signup-button")
    assert "已报名" in a.locator("#my-status").inner_text()

    b = watched.open(second.user.username, phone=True)
    b.goto(f"{live_server.url}/volunteering/")
    b.click(f"[data-activity='{activity.pk}'] a")
    b.click("#signup-button")
    assert "候补" in b.locator("#my-status").inner_text()
    no_sideways_scroll(b)

    a.click("#my-status + form button")  # cancel
    b.goto(url)
    assert "已报名" in b.locator("#my-status").inner_text()

    organiser = watched.open(setup.leader.username)
    organiser.goto(url)
    link = organiser.locator("#qr-link").get_attribute("href")
    assert organiser.locator(".qy-qr svg").count() == 1
    b.goto(link or "")
    b.click("#check-in")
    signup = Signup.objects.get(activity=activity, volunteer=second)
    assert signup.status == "checked_in"
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=activity.starts_at)  # arrived on time
    b.goto(link or "")
    b.click("#check-out")
    signup.refresh_from_db()
    assert signup.status == "checked_out" and signup.minutes and signup.minutes >= 70

    organiser.goto(url)
    organiser.click(f"tr[data-signup='{signup.pk}'] button[data-step=hours_approve]")
    signup.refresh_from_db()
    assert signup.hours_status == "approved"

    b.goto(f"{live_server.url}/volunteering/me/")
    b.click("#request-proof")
    with b.expect_download() as download:
        b.click("#certificates a")
    path = Path(tmp_path / "proof.pdf")
    download.value.save_as(path)
    text = pdf_text(path.read_bytes())
    assert second.name in text
    assert f"{round(signup.minutes / 60, 2):g}" in text
    watched.settle(b)
    assert watched.problems == []
