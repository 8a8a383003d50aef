"""The street's whistle form in a real browser (issue 13 point 7): the catalogue's departments come
first, pre-ticked, with its lead pre-selected and said so; the rest are grouped by the level that
registered them, in pinyin order; typing filters the names (ticked ones stay); the lead is asked
for plainly on the first call. Desktop and phone, with axe."""

from __future__ import annotations

import pytest

from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import services
from quanyu.tickets.models import Ticket, Whistle
from tests.e2e.helpers import axe_problems, no_sideways_scroll, shot
from tests.tickets.factories import new_ticket, to_street

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_whistle_form_suggests_groups_and_filters(world, open_as, live_server):
    city, cat = world
    for name in ("区民政局", "区卫健局", "区教体局"):
        Unit.objects.create(kind=UnitKind.DEPARTMENT, name=name, area=city.district)
    Unit.objects.create(kind=UnitKind.DEPARTMENT, name="市公安局", area=city.city)
    ticket = to_street(city, new_ticket(city, text="电梯停运三天了，老人下不了楼"))
    services.ticket_categorise(
        actor=city.users["street_staff"], ticket=Ticket.objects.get(pk=ticket.pk), category=cat["lift"]
    )

    for phone in (False, True):
        page = open_as("street_staff", phone=phone)
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        box = page.locator(".qy-actions-card details[data-action=whistle]")
        box.locator("summary").click()
        form = box.locator("form")
        suggested = form.locator(".qy-dept-suggested")
        assert "按事项目录建议呼叫（已预选）" in suggested.inner_text()
        # The catalogue names 区住建局 (lead) and 区城管局 for lifts: both ticked, the lead marked.
        assert suggested.locator("input:checked").count() == 2
        assert "目录主办" in suggested.locator("label", has_text="区住建局").inner_text()
        lead = form.locator("select[name=lead]")
        assert lead.input_value() == str(cat["housing"].pk)
        assert "目录建议主办" in lead.locator("option:checked").inner_text()
        assert "仅增加协办" not in lead.inner_text()
        headings = form.locator(".qy-dept-heading").all_inner_texts()
        assert headings[1:] == ["烟台市的部门", "芝罘区的部门"]
        district = form.locator(".qy-dept-group", has_text="芝罘区的部门").locator("label").all_inner_texts()
        assert [t.strip() for t in district] == ["区教体局", "区民政局", "区卫健局"]  # pinyin order
        form.locator("input.qy-dept-search").fill("民政")
        visible = [t.strip() for t in form.locator("label.qy-check:visible").all_inner_texts()]
        assert "区民政局" in visible and "区卫健局" not in visible and "市公安局" not in visible
        assert any("区住建局" in t for t in visible)  # ticked boxes stay in view
        assert form.locator(".qy-dept-group", has_text="烟台市的部门").is_hidden()
        if phone:
            no_sideways_scroll(page)
        assert axe_problems(page) == []
        shot(page, f"whistle-form-{'390' if phone else '1280'}.png")

    form.locator("label", has_text="区民政局").locator("input").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    called = set(Whistle.objects.filter(ticket=ticket).values_list("department__name", "lead"))
    assert called == {("区住建局", True), ("区城管局", False), ("区民政局", False)}
