"""The registry's new pages in a real browser at 1280 and 390 px (issue 13 points 11, 3 and 4): a
unit's page and its members' records, the part-time committee members, the import upload with its
per-row report, and "use my position" converting a phone's GCJ-02. Each page: no sideways scroll,
no serious or critical axe finding, no script error."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from quanyu.areas.imports import AREA_COLUMNS
from quanyu.core.geo import gcj02_to_wgs84
from quanyu.core.roles import Role
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg
from quanyu.people import services as people_services
from tests.e2e.helpers import DESKTOP, PHONE, axe_problems, login, shot
from tests.factories import PASSWORD, make_user
from tests.people.helpers import add_member, make_branches

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
    "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.44.2502(0x28002C51) WeChat/arm64"
)


@pytest.fixture
def unit_world(world):
    city, _catalog = world
    unit = city.units[0]
    unit.credit_code = "91370602MA3C00001X"
    unit.contact_name = "驻区单位联系人"
    unit.contact_phone = "13912345678"
    unit.address = "芝罘区某某路1号"
    unit.save()
    PartyOrg.objects.add_child(
        city.orgs[city.communities[0].name],
        create_kwargs={
            "kind": OrgKind.BRANCH,
            "name": "驻区单位党支部",
            "area": city.communities[0],
            "unit": unit,
        },
    )
    PartTimeMember.objects.create(
        name="王兼职", unit=unit, unit_post="党委书记", committee=city.orgs[city.communities[0].name]
    )
    branches = make_branches(city)
    first = add_member(city, branches, 1, name="张三", work_unit_name=unit.name)
    add_member(city, branches, 2, name="阿明", work_unit_name=unit.name)
    people_services.report_submit_member(
        actor=city.users["district_admin"], member=first, community=city.communities[0]
    )
    make_user("unit_contact", Role.PARTY_MEMBER, city.communities[0], unit=unit)
    return city, unit


def no_sideways_scroll(page) -> None:
    """The page is no wider than its viewport (the phone's or the desktop's)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_page(browser, live_server, username, *, phone, **options):
    viewport = PHONE if phone else DESKTOP
    context = browser.new_context(
        locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone, **options
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    return context, page, errors


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
def test_unit_pages_for_staff_and_the_units_contact(browser, live_server, unit_world, phone):
    city, unit = unit_world
    width = "390" if phone else "1280"
    context, page, errors = open_page(browser, live_server, "community_x", phone=phone)
    try:
        for url, name, text in [
            (f"/units/{unit.pk}/", "unit", "驻区单位党支部"),
            (f"/units/{unit.pk}/members/", "unit-members", "阿明"),
            ("/orgs/part-time/", "part-time", "王兼职"),
            ("/units/", "units", unit.name),
        ]:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            page.get_by_text(text).first.wait_for()
            no_sideways_scroll(page)
            assert axe_problems(page) == [], url
            shot(page, f"{name}-{width}.png")
        page.goto(f"{live_server.url}/units/{unit.pk}/")
        assert page.locator("#unit-phone").inner_text() == "139****5678"
    finally:
        context.close()
    assert errors == []

    context, page, errors = open_page(browser, live_server, "unit_contact", phone=phone)
    try:
        page.locator("section[aria-labelledby=my-units] a", has_text="在职党员双报到与服务记录").click()
        page.wait_for_url(f"{live_server.url}/units/{unit.pk}/members/")
        assert page.locator("#unit-figures [data-members]").get_attribute("data-members") == "2"
        names = page.locator("#unit-member-table tbody tr td:first-child").all_inner_texts()
        assert names == ["阿明", "张三"]
        no_sideways_scroll(page)
        assert axe_problems(page) == []
        assert page.goto(f"{live_server.url}/units/{city.units[1].pk}/").status == 404
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize("phone", [False, True], ids=["1280", "390"])
def test_area_import_page_reports_bad_rows_with_their_values(
    browser, live_server, unit_world, phone, tmp_path
):
    city, _unit = unit_world
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in AREA_COLUMNS])
    sheet.append(["网格", "好网格", "", city.communities[0].code])
    sheet.append(["星球", "坏行", "", city.communities[0].code, "", "12"])
    path = tmp_path / "areas.xlsx"
    book.save(path)
    context, page, errors = open_page(browser, live_server, "community_x", phone=phone)
    try:
        page.goto(f"{live_server.url}/areas/import/")
        no_sideways_scroll(page)
        assert axe_problems(page) == []
        page.set_input_files("#import-file", str(path))
        with page.expect_navigation():
            page.click("#import-form button[type=submit]")
        page.locator("#import-errors").wait_for()
        row = page.locator("#import-errors tbody tr").first
        assert "层级" in row.inner_text() and "名称：坏行" in row.inner_text()
        assert "未导入任何数据" in page.locator("#import-summary").inner_text()
        no_sideways_scroll(page)
        assert axe_problems(page) == []
        shot(page, f"area-import-{'390' if phone else '1280'}.png")
        with page.expect_download() as download:
            page.click("a[href='/areas/import/errors.xlsx']")
        assert download.value.suggested_filename == "areas-errors.xlsx"
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize(
    ("user_agent", "converted"), [(WECHAT, True), (None, False)], ids=["wechat", "chrome"]
)
def test_use_my_position_converts_gcj02_where_the_phone_gives_it(
    browser, live_server, world, user_agent, converted
):
    gcj_lon, gcj_lat = 121.3512, 37.5262
    options = {"geolocation": {"longitude": gcj_lon, "latitude": gcj_lat}, "permissions": ["geolocation"]}
    if user_agent:
        options["user_agent"] = user_agent
    context, page, errors = open_page(browser, live_server, "resident", phone=True, **options)
    try:
        page.goto(f"{live_server.url}/tickets/new/")
        page.locator("#pick-map.qy-map-ready").wait_for()
        box = page.locator("#position-gcj02")
        assert box.is_checked() is converted
        page.click("#use-position")
        mapbox = page.locator("#pick-map")
        page.locator("#pick-map[data-picked]").wait_for(state="attached")
        wgs_lon, wgs_lat = (float(v) for v in gcj02_to_wgs84(gcj_lon, gcj_lat))
        expected = (wgs_lon, wgs_lat) if converted else (gcj_lon, gcj_lat)
        lon, lat = (float(v) for v in mapbox.get_attribute("data-picked").split(","))
        assert abs(lon - expected[0]) < 2e-6 and abs(lat - expected[1]) < 2e-6
        assert float(page.input_value("#id_lon")) == pytest.approx(expected[0], abs=2e-6)
        # The user switches when the pin lands beside them; the choice is kept for next time.
        box.click()
        other = (gcj_lon, gcj_lat) if converted else (wgs_lon, wgs_lat)
        page.wait_for_function(
            "([lon]) => Math.abs(parseFloat(document.getElementById('id_lon').value) - lon) < 2e-6",
            arg=[other[0]],
        )
        page.reload()
        page.locator("#pick-map.qy-map-ready").wait_for()
        assert page.locator("#position-gcj02").is_checked() is not converted
        no_sideways_scroll(page)
        assert axe_problems(page) == []
    finally:
        context.close()
    assert errors == []
