"""The whole e呼应 loop in a real browser: a resident submits on the map (phone) → the grid worker
escalates → the community escalates → the street accepts and whistles two departments → both
respond and the lead resolves → the resident rates 满意 through the link (no account) → the
department ranking shows the rates and scores. Set QUANYU_E2E_SHOTS to a folder to keep
screenshots of the pages at desktop and phone width."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from quanyu.assessment.periods import current_month
from quanyu.assessment.selectors import department_ranking
from quanyu.notify.channels import sms
from quanyu.notify.outbox import notify_drain
from quanyu.tickets.models import Ticket, Whistle
from tests.e2e.helpers import PHONE, login, no_sideways_scroll, shot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def act(page, action: str, fields: dict[str, str], *, scope: str = ".qy-actions-card") -> None:
    """Open an action of the ticket page, fill its form, submit, and wait for the page again."""
    box = page.locator(f"{scope} details[data-action={action}]")
    box.locator("summary").click()
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def test_the_whole_loop_in_a_browser(open_as, live_server, world):
    city, cat = world
    url = live_server.url

    # 1. A resident submits on the map, from a phone.
    resident = open_as("resident", phone=True)
    resident.goto(f"{url}/tickets/new/")
    resident.fill("textarea[name=text]", "楼下有人摆摊占道，堵住了消防通道")
    resident.locator("#suggestion [data-category='0101']").wait_for()
    assert "占道经营" in resident.locator("#suggestion").inner_text()
    resident.locator("#pick-map.qy-map-ready").wait_for()
    assert resident.locator("#pick-map").get_attribute("data-features") == "8"
    resident.locator(f"path.qy-grid-{city.grids[0].pk}").click()
    resident.locator(".qy-located-ok", has_text="网格1-1-1").wait_for()
    resident.fill("input[name=address]", "幸福路 8 号楼下")
    resident.fill("input[name=contact_phone]", "13812345678")
    no_sideways_scroll(resident)
    shot(resident, "ticket-submit-phone.png")
    with resident.expect_navigation():
        resident.click("#submit-ticket")
    match = re.search(r"/tickets/(\d+)/$", resident.url)
    assert match, resident.url
    ticket = Ticket.objects.get(pk=int(match.group(1)))
    assert (ticket.grid_id, ticket.tier, ticket.requester.username) == (city.grids[0].pk, "grid", "resident")
    assert "已提交" in resident.locator(".qy-messages").inner_text()
    no_sideways_scroll(resident)
    shot(resident, "ticket-detail-phone.png")

    # 2. The grid worker finds it in the grid inbox and escalates it.
    worker = open_as("grid_worker")
    worker.goto(f"{url}/tickets/grid/")
    card = worker.locator(f"article[data-ticket='{ticket.pk}']")
    assert "占道经营" in card.inner_text()
    shot(worker, "ticket-grid-inbox.png")
    with worker.expect_navigation():
        card.locator("a.qy-tcard-title").click()
    act(worker, "escalate", {"reason": "涉及消防通道，网格无法处置"})
    assert "已上报" in worker.locator(".qy-messages").inner_text()

    # 3. The community sees it on the triage board, and escalates to the street.
    community = open_as("community_x")
    community.goto(f"{url}/tickets/triage/")
    column = community.locator("section[data-col=new]")
    column.locator(f"article[data-ticket='{ticket.pk}']").wait_for()
    shot(community, "ticket-triage.png")
    community.goto(f"{url}/tickets/{ticket.pk}/")
    act(community, "escalate", {"reason": "需要街道协调城管与住建"})
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.status) == ("street", "new")

    # 4. The street accepts it on the dispatch console and whistles two departments.
    street = open_as("street_staff")
    street.goto(f"{url}/tickets/dispatch/")
    with street.expect_navigation():
        street.locator(
            f"section[data-col=new] article[data-ticket='{ticket.pk}'] button[data-quick=accept]"
        ).click()
    card = street.locator(f"section[data-col=dispatch] article[data-ticket='{ticket.pk}']")
    card.locator("button[data-quick=whistle]").click()
    form = street.locator(f"#act-{ticket.pk} form[data-action=whistle]")
    form.wait_for()
    form.locator(f"input[name=departments][value='{cat['housing'].pk}']").check()
    form.locator(f"input[name=departments][value='{cat['cg'].pk}']").check()
    form.locator("select[name=lead]").select_option(str(cat["housing"].pk))
    form.locator("textarea[name=note]").fill("住建局牵头，城管局配合清理")
    shot(street, "ticket-dispatch-whistle.png")
    with street.expect_navigation():
        form.locator("button[type=submit]").click()
    assert street.url.endswith("/tickets/dispatch/")
    street.locator(f"section[data-col=whistled] article[data-ticket='{ticket.pk}']").wait_for()
    lead = Whistle.objects.get(ticket=ticket, department=cat["housing"])
    assist = Whistle.objects.get(ticket=ticket, department=cat["cg"])
    assert lead.lead and not assist.lead
    shot(street, "ticket-dispatch.png")

    # 5. Both departments respond; the assisting part is done, then the lead resolves.
    helper = open_as("department_handler")
    helper.goto(f"{url}/tickets/department/")
    with helper.expect_navigation():
        helper.locator(f"article[data-whistle='{assist.pk}'] button[data-quick=respond]").click()
    assert "已响应" in helper.locator(".qy-messages").inner_text()

    housing = open_as("housing_handler")
    housing.goto(f"{url}/tickets/department/")
    housing.locator(f"article[data-whistle='{lead.pk}'] .qy-due-left").first.wait_for()
    shot(housing, "ticket-department.png")
    with housing.expect_navigation():
        housing.locator(f"article[data-whistle='{lead.pk}'] button[data-quick=respond]").click()
    # The assisting department reports its part first; the lead answers for all.
    helper.goto(f"{url}/tickets/{ticket.pk}/")
    act(
        helper,
        "resolve",
        {"explanation": "已清理占道摊位，配合住建局处置完毕"},
        scope=f"#w-actions-{assist.pk}",
    )
    housing.goto(f"{url}/tickets/{ticket.pk}/")
    act(
        housing,
        "resolve",
        {"explanation": "已联合城管清理占道摊位，消防通道恢复畅通"},
        scope=f"#w-actions-{lead.pk}",
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    shot(housing, "ticket-detail.png")

    # 6. "My requests" asks the resident to rate, on the request's own page; the SMS to the contact
    # number carries the single-use link, which works without an account.
    resident.goto(f"{url}/tickets/mine/")
    assert resident.locator("a.qy-rate-link").first.get_attribute("href") == f"/tickets/{ticket.pk}/"
    shot(resident, "ticket-mine-phone.png")
    notify_drain()
    link = next(m.text.split()[-1] for m in sms.outbox if m.phone == "13812345678")
    assert link.startswith("/rate/")
    anonymous = open_as(None, phone=True)
    anonymous.goto(f"{url}{link}")
    anonymous.locator("label.qy-level-satisfied").click()
    anonymous.fill("textarea[name=comment]", "处理及时，谢谢")
    no_sideways_scroll(anonymous)
    shot(anonymous, "ticket-rate-phone.png")
    with anonymous.expect_navigation():
        anonymous.click("#rate-submit")
    assert "感谢您的评价" in anonymous.locator("#rate-done").inner_text()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating_level) == ("closed", "satisfied")
    # A used link says so as soon as it is opened, and offers no form.
    anonymous.goto(f"{url}{link}")
    assert "该评价链接已使用" in anonymous.locator("#rate-error").inner_text()
    assert anonymous.locator("#rate-submit").count() == 0

    # 7. The department ranking shows the rates and the scores (10 % / 40 % / 50 %).
    admin = open_as("district_admin")
    admin.goto(f"{url}/tickets/{ticket.pk}/")
    timeline = admin.locator(".qy-timeline").inner_text()
    for step in [
        "提交诉求",
        "上报至社区",
        "上报至街道",
        "受理",
        "吹哨呼叫部门",
        "部门响应",
        "部门办结",
        "评价",
        "关闭",
    ]:
        assert step in timeline, step
    admin.goto(f"{url}/assessment/departments/")
    housing_row = admin.locator(f"#ranking-table tr[data-department='{cat['housing'].pk}']")
    cg_row = admin.locator(f"#ranking-table tr[data-department='{cat['cg'].pk}']")
    assert housing_row.locator("td strong").inner_text() == "100.00"
    # The assisting part was resolved in time too, so both departments score full marks.
    assert cg_row.locator("td strong").inner_text() == "100.00"
    cells = [c.strip().split("\n")[0] for c in housing_row.locator("td").all_inner_texts()]
    assert cells[:5] == ["1", "1", "100.00%", "100.00%", "100.00%"]
    cells = [c.strip().split("\n")[0] for c in cg_row.locator("td").all_inner_texts()]
    assert cells[:5] == ["1", "1", "100.00%", "100.00%", "100.00%"]
    shot(admin, "ranking.png")
    admin.goto(f"{url}/tickets/supervision/")
    admin.locator("#street-table").wait_for()
    shot(admin, "ticket-supervision.png")
    admin.goto(f"{url}/tickets/")
    admin.locator(f"#ticket-table tr[data-ticket='{ticket.pk}']").wait_for()
    shot(admin, "ticket-list.png")
    rows = {r.department_id: r for r in department_ranking(period=current_month())}
    assert rows[cat["housing"].pk].score == Decimal("100.00")
    assert rows[cat["cg"].pk].score == Decimal("100.00")


def test_patrol_entry_with_the_current_position_on_a_phone(browser, live_server, world):
    """The grid worker's quick entry on a phone: "use my position" fills the point."""
    city, _catalog = world
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 121.32, "latitude": 37.52},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server, "grid_worker", PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/tickets/grid/")
        with page.expect_navigation():
            page.click("#patrol-entry")
        page.fill("textarea[name=text]", "巡查发现井盖破损")
        page.locator("#pick-map.qy-map-ready").wait_for()
        page.click("#use-position")
        page.locator(".qy-located-ok", has_text="网格1-1-1").wait_for()
        page.set_input_files("input[name=photos]", files=[])
        no_sideways_scroll(page)
        shot(page, "ticket-patrol-phone.png")
        with page.expect_navigation():
            page.click("#submit-ticket")
        assert re.search(r"/tickets/\d+/$", page.url)
        ticket = Ticket.objects.get()
        assert (ticket.channel, ticket.grid_id) == ("patrol", city.grids[0].pk)
        page.goto(f"{live_server.url}/tickets/grid/")
        page.locator(f"article[data-ticket='{ticket.pk}']").wait_for()
        no_sideways_scroll(page)
        shot(page, "ticket-grid-inbox-phone.png")
    finally:
        context.close()
