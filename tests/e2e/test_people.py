"""A community worker imports a roster with errors, reads the report, fixes it, imports, finds a
member, reveals the ID number (audited), and confirms an in-service member's 双报到 report."""

import pytest

from quanyu.core.models import AuditEntry
from quanyu.people import services
from quanyu.people.models import PartyMember, Report
from tests.e2e.helpers import login
from tests.factories import PASSWORD, make_city, make_personas
from tests.people.helpers import add_member, make_branches, make_id, roster_row, write_roster

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_roster_import_reveal_and_confirm(page, live_server, tmp_path):
    city = make_city()
    make_personas(city)
    branches = make_branches(city)
    community = city.communities[0]
    # An in-service member whose branch is elsewhere, living in community_x's community, has reported.
    commuter = add_member(
        city, branches, 90, name="在职甲", branch=branches[city.communities[2].name], category="在职党员"
    )
    services.report_submit_member(actor=city.users["district_admin"], member=commuter, community=community)

    branch = branches[community.name].name
    bad = write_roster(
        tmp_path / "roster.xlsx",
        [
            roster_row(1, community.name, branch, 姓名="刘晓东"),
            roster_row(2, community.name, branch, 党员类别="外星党员"),
        ],
    )
    login(page, live_server, "community_x", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/people/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors")
    assert "党员类别" in errors.inner_text() and "3" in errors.inner_text()
    assert "已导入 0 行" in page.locator("#import-summary").inner_text()
    assert PartyMember.objects.filter(name="刘晓东").count() == 0

    fixed = write_roster(
        tmp_path / "roster-fixed.xlsx",
        [
            roster_row(1, community.name, branch, 姓名="刘晓东"),
            roster_row(2, community.name, branch, 党员类别="在职党员"),
        ],
    )
    page.set_input_files("input[name=file]", str(fixed))
    page.click("#import-form button[type=submit]")
    assert "已导入 2 行" in page.locator("#import-summary").inner_text()

    page.goto(f"{live_server.url}/people/members/")
    page.fill("#member-q", "刘晓东")
    page.press("#member-q", "Enter")
    page.click("#member-table >> text=刘晓东")
    page.wait_for_selector("h1:has-text('刘晓东')")
    assert make_id(1) not in page.content()
    box = f"#reveal-member-{PartyMember.objects.get(name='刘晓东').pk}-id_number"
    page.click(f"{box} summary")
    page.fill("input[data-reveal-reason=id_number]", "核实党员身份")
    page.click(f"{box} button[type=submit]")
    page.wait_for_selector("[data-revealed=id_number]")
    assert page.locator("[data-revealed=id_number]").inner_text() == make_id(1)
    assert (
        AuditEntry.objects.filter(action="reveal", reason="核实党员身份", actor_name="community_x").count()
        == 1
    )

    page.goto(f"{live_server.url}/people/reports/")
    row = page.locator("tr", has_text="在职甲")
    row.locator("button[value=confirm]").click()
    page.wait_for_selector("text=已确认")
    assert Report.objects.get(member=commuter).status == "confirmed"
