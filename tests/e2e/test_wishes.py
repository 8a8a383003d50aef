"""Phone-sized, the micro-wish loop: a resident posts a wish → community staff review it → a member
claims it from the wall in two taps → fulfils it with a photo → the resident confirms → the member's
points and 双报到 record show it. No console error or CSP violation on the way."""

from __future__ import annotations

import pytest

from quanyu.people import services as people
from quanyu.people.models import PointEntry
from quanyu.wishes.models import Wish
from tests.e2e.helpers import no_sideways_scroll
from tests.factories import make_city, make_personas
from tests.people.helpers import make_branches
from tests.wishes.factories import jpeg, member_with_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_wish_from_the_phone_to_the_members_record(watched, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    city = make_city()
    make_personas(city)
    member, user = member_with_account(city, make_branches(city), 7)
    report = people.report_submit_member(actor=user, member=member, community=city.communities[0])
    people.report_confirm(actor=city.users["community_x"], report=report)
    base = live_server.url

    resident = watched.open("resident", phone=True)
    resident.goto(f"{base}/wishes/new/")
    no_sideways_scroll(resident)
    resident.select_option("select[name=kind]", "repair")
    resident.fill("textarea[name=text]", "家里厨房的灯坏了，希望有人帮忙换一下")
    resident.fill("input[name=address_detail]", "5号楼302")
    resident.click("main button[type=submit]")
    resident.wait_for_url(f"{base}/wishes/mine/")
    wish = Wish.objects.get(wisher=city.users["resident"])
    assert resident.locator(f"[data-wish='{wish.pk}'] [data-status]").inner_text() == "待审核"

    staff = watched.open("community_x")
    staff.goto(f"{base}/wishes/manage/")
    staff.click(f"tr[data-wish='{wish.pk}'] a")
    staff.fill("textarea[name=public_text]", "某小区一户居民希望有人帮忙更换厨房灯")
    staff.click("button[data-action=approve]")
    staff.wait_for_selector("[data-status=published]")

    phone = watched.open(user.username, phone=True)
    phone.goto(f"{base}/wishes/wall/")
    no_sideways_scroll(phone)
    assert "5号楼302" not in phone.content()
    phone.click(f"[data-wish='{wish.pk}'] a")  # tap one
    phone.click("button[data-action=claim]")  # tap two
    phone.wait_for_url(f"{base}/wishes/claims/")
    card = phone.locator("[data-claim]").first
    card.locator("summary").first.click()
    card.locator("textarea[name=note], input[name=note]").first.fill("新灯已装好")
    card.locator("input[name=photos]").set_input_files(
        files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": jpeg().getvalue()}]
    )
    card.locator("button[data-action=fulfil]").click()
    phone.wait_for_selector("[data-claim] [data-status=fulfilled]")
    assert wish.photos.count() == 1

    resident.goto(f"{base}/wishes/{wish.pk}/")
    resident.click("button[data-action=confirm]")
    resident.wait_for_selector("[data-status=confirmed]")
    no_sideways_scroll(resident)

    phone.goto(f"{base}/wishes/record/")
    assert phone.locator("[data-realised]").inner_text() == "1"
    points = PointEntry.objects.get(member=member, rule__code="wish_fulfilled").points
    assert int(phone.locator("[data-points]").inner_text()) >= points > 0
    assert city.communities[0].name in phone.locator("[data-record=member]").inner_text()
    no_sideways_scroll(phone)
    for page in (resident, staff, phone):
        watched.settle(page)
    assert watched.problems == []
