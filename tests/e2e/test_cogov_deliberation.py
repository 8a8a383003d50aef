"""一征三议两公开 in the browser: community staff open a deliberation on a desktop, a resident posts
an opinion from a phone-sized page and another supports it, the party organisation proposes, the two
committees deliberate, residents vote from their phones (quorum met), the votes are counted, the
decision is published, its accountability items set out and reported (the resident who gave an
opinion is told), the result is published; anyone reads the history, and the community's list,
without logging in. Every
page passes axe and fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanyu.cogov.models import Deliberation, Opinion, Result, Vote
from quanyu.core.roles import Role
from quanyu.notify.models import Notification
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.factories import make_city, make_personas, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_deliberation_from_opinions_to_the_published_result(watched, live_server, settings):
    settings.QUANYU_COGOV_NOTICE_DAYS = 0
    city = make_city()
    make_personas(city)
    community = city.communities[0]
    neighbours = [make_user(f"nb{i}", Role.RESIDENT, community) for i in range(2)]
    base = live_server.url

    staff = watched.open("community_x")
    staff.goto(f"{base}/cogov/deliberations/")
    staff.fill("input[name=title]", "小区违建棚舍清理")
    staff.fill("textarea[name=description]", "部分楼栋间绿地被私搭棚舍占用。")
    staff.fill("input[name=opinions_close]", _local(timezone.now() + dt.timedelta(days=3)))
    staff.click("button[data-action=open]")
    staff.wait_for_selector("#deliberation-status[data-status=collecting]")
    d = Deliberation.objects.get()
    assert axe_problems(staff) == []
    shot(staff, "cogov_deliberation_staff.png")

    resident = watched.open("resident", phone=True)
    resident.goto(f"{base}/cogov/deliberations/")
    resident.click(f"[data-deliberation='{d.pk}'] a")
    resident.fill("textarea[name=text]", "棚舍占用绿地，建议限期清理")
    resident.click("button[data-action=opinion]")
    resident.wait_for_selector("[data-opinion]")
    no_sideways_scroll(resident)
    assert axe_problems(resident) == []
    shot(resident, "cogov_deliberation_phone.png")

    neighbour = watched.open(neighbours[0].username, phone=True)
    neighbour.goto(f"{base}/cogov/deliberations/{d.pk}/")
    neighbour.click("button[data-action=support]")
    neighbour.wait_for_selector("[data-opinion] [data-supporters]:text('1')")
    assert Opinion.objects.get().supporters == 1

    staff.goto(f"{base}/cogov/deliberations/{d.pk}/")
    staff.fill("textarea[name=proposal]", "拆除违建棚舍，恢复绿地")
    staff.click("button[data-action=propose]")
    staff.wait_for_selector("#deliberation-status[data-status=proposed]")
    staff.fill("textarea[name=note]", "两委同意提交居民代表会议")
    staff.fill("input[name=participants_party]", "王书记")
    staff.fill("input[name=participants_residents_committee]", "李主任、张委员")
    staff.click("button[data-action=committees]")
    staff.wait_for_selector("#deliberation-status[data-status=deliberated]")
    staff.fill("input[name=entitled]", "3")
    staff.fill("input[name=vote_close]", _local(timezone.now() + dt.timedelta(days=1)))
    staff.click("button[data-action=open_vote]")
    staff.wait_for_selector("#deliberation-status[data-status=voting]")

    for page, choice in ((resident, "for"), (neighbour, "for")):
        page.goto(f"{base}/cogov/deliberations/{d.pk}/")
        page.check(f"input[name=choice][value={choice}]")
        page.click("button[data-action=vote]")
        page.wait_for_selector("[data-voted]")
        no_sideways_scroll(page)
    assert Vote.objects.filter(deliberation=d).count() == 2  # 2 of 3 entitled: quorum met

    staff.goto(f"{base}/cogov/deliberations/{d.pk}/")
    staff.fill("textarea[name=decision]", "限期30天清理违建棚舍")
    staff.click("button[data-action=close_vote]")
    staff.wait_for_selector("#deliberation-status[data-status=decided]")
    staff.click("button[data-action=publish]")
    staff.wait_for_selector("#deliberation-status[data-status=published]")
    # Who does what by when: an item with two weighted sub-results, progress reported.
    staff.click("#results > details summary")
    staff.fill("#results > details input[name=title]", "清理违建棚舍")
    staff.fill("#results > details input[name=owner]", "社区居委会")
    staff.fill(
        "#results > details input[name=due]", (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    staff.click("button[data-action=result_add]")
    staff.wait_for_selector("[data-result]")
    parent = Result.objects.get()
    for title, weight in (("拆除棚舍", "3"), ("补种绿地", "1")):
        staff.click("#results > details summary")
        staff.fill("#results > details input[name=title]", title)
        staff.fill("#results > details input[name=owner]", "物业公司")
        staff.fill(
            "#results > details input[name=due]", (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        )
        staff.fill("#results > details input[name=weight]", weight)
        staff.select_option("#results > details select[name=parent]", str(parent.pk))
        staff.click("button[data-action=result_add]")
        staff.wait_for_selector(f"[data-result]:has-text('{title}')")
    sheds = Result.objects.get(title="拆除棚舍")
    staff.click(f"[data-result='{sheds.pk}'] details:has(form) summary")
    staff.fill(f"[data-result='{sheds.pk}'] input[name=progress]", "100")
    staff.fill(f"[data-result='{sheds.pk}'] input[name=note]", "棚舍已拆除")
    staff.click(f"[data-result='{sheds.pk}'] button[data-action=result_progress]")
    staff.wait_for_selector("#overall-progress:text('75%')")
    assert axe_problems(staff) == []
    shot(staff, "cogov_deliberation_results.png")
    staff.fill("textarea[name=result]", "棚舍已全部清理，绿地恢复")
    staff.click("button[data-action=publish_result]")
    staff.wait_for_selector("#deliberation-status[data-status=result_published]")
    assert axe_problems(staff) == []

    public = watched.open(None, phone=True)
    public.goto(f"{base}/cogov/deliberations/{d.pk}/")
    assert "棚舍已全部清理" in public.locator("#result").inner_text()
    assert "2" in public.locator("#vote-count").inner_text()
    assert public.locator("#overall-progress").inner_text() == "75%"
    no_sideways_scroll(public)
    assert axe_problems(public) == []
    shot(public, "cogov_deliberation_public.png")
    public.click("#community-list-link")
    public.wait_for_selector(f"[data-deliberation='{d.pk}']")
    no_sideways_scroll(public)
    assert axe_problems(public) == []
    shot(public, "cogov_community_deliberations_phone.png")
    assert Notification.objects.filter(recipient=city.users["resident"], kind="cogov_result").exists()
    for page in (staff, resident, neighbour, public):
        watched.settle(page)
    assert watched.problems == []
