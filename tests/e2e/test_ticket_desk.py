"""The one-window front desk in a real browser, on a phone: pick the item (htmx loads its
materials checklist), tick one material only → what is missing (nothing registered) → register with
the one-time notice (recorded, printable) → the applicant brings the rest → the receipt with the
number and the time limit. Also the appeal, ledger and callback pages render without sideways
scrolling. QUANYU_E2E_SHOTS keeps screenshots at 1280 and 390 px."""

from __future__ import annotations

import pytest

from quanyu.tickets.models import Channel, Ticket
from tests.e2e.helpers import PHONE, no_sideways_scroll, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_on_a_phone(world, open_as, live_server):
    _city, catalog = world
    page = open_as("community_x", phone=True)
    page.goto(f"{live_server.url}/tickets/window/")
    page.select_option("select[name=item]", str(catalog["permit"].pk))
    page.wait_for_selector("text=申请材料核对")  # htmx swapped in the checklist
    assert page.locator("input[name=materials]").count() == 2
    page.check("input[name=materials][value=身份证]")
    page.fill("input[name=contact_name]", "张三")
    page.fill("input[name=contact_phone]", "13912345678")
    shot(page, "desk-form-390.png")
    no_sideways_scroll(page)
    with page.expect_navigation():
        page.click("text=受理并出具回执")
    assert page.locator("h1", has_text="申请材料不全").is_visible()
    assert page.locator(".qy-missing li", has_text="房产证").is_visible()
    assert Ticket.objects.count() == 0
    with page.expect_navigation():
        page.click("#record-notice")
    ticket = Ticket.objects.get()
    assert ticket.materials_notice_at is not None and ticket.materials == ["身份证"]
    assert page.locator("h1", has_text="一次性告知单").is_visible()
    assert page.locator(".qy-slip-number", has_text=f"#{ticket.pk}").is_visible()
    assert page.locator(".qy-missing li", has_text="房产证").is_visible()
    no_sideways_scroll(page)
    shot(page, "desk-notice-390.png")
    with page.expect_navigation():
        page.click("#materials-link")
    page.check("input[name=materials][value=房产证]")
    with page.expect_navigation():
        page.click("text=登记补正材料")
    ticket.refresh_from_db()
    assert ticket.channel == Channel.WINDOW and ticket.materials == ["身份证", "房产证"]
    assert ticket.materials_notice_at is None and ticket.completion_due is not None
    assert page.locator(".qy-slip-number", has_text=f"#{ticket.pk}").is_visible()
    assert page.locator("text=承诺办结时限").is_visible()
    no_sideways_scroll(page)
    shot(page, "desk-receipt-390.png")


def test_feedback_pages_fit_desktop_and_phone(world, open_as, live_server):
    for phone in (False, True):
        page = open_as("street_staff", phone=phone)
        width = 390 if phone else 1280
        for name, url in [
            ("desk", "/tickets/window/?item={}"),
            ("appeals", "/tickets/appeals/"),
            ("rehandling", "/tickets/rehandling/"),
            ("callbacks", "/tickets/callbacks/"),
        ]:
            page.goto(live_server.url + url.format(world[1]["permit"].pk))
            assert page.locator("h1").is_visible()
            if phone:
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            shot(page, f"{name}-{width}.png")
