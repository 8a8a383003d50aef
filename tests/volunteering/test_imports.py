"""xlsx import of teams and volunteers: all or nothing, errors naming row and column."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from quanyu.volunteering import services
from quanyu.volunteering.models import Team, TeamMember, Volunteer, VolunteerEvent
from tests.volunteering.factories import make_id

pytestmark = pytest.mark.django_db


def sheet(headers: list[str], rows: list[list[str]]) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


TEAM_HEADERS = ["队伍名称", "类型", "所在社区", "组织单位", "负责人", "联系电话", "服务特长"]
VOL_HEADERS = ["姓名", "身份证号", "手机号", "所在社区", "所属队伍", "服务特长"]


def test_teams_then_volunteers(city):
    c0 = city.communities[0].name
    result = services.teams_import(
        actor=city.users["community_x"],
        source=sheet(TEAM_HEADERS, [["红马甲服务队", "居民志愿服务队", c0, "居委会", "李", "", "巡逻"]]),
    )
    assert (result.created, result.errors) == (1, [])
    result = services.volunteers_import(
        actor=city.users["community_x"],
        source=sheet(
            VOL_HEADERS,
            [["张一", make_id(1), "13900000001", c0, "红马甲服务队", ""], ["张二", "", "", c0, "", "理发"]],
        ),
    )
    assert (result.created, result.errors) == (2, [])
    assert TeamMember.objects.filter(team__name="红马甲服务队").count() == 1
    assert VolunteerEvent.objects.filter(kind="registered").count() == 2


def test_one_bad_row_writes_nothing(city):
    c0 = city.communities[0].name
    result = services.volunteers_import(
        actor=city.users["community_x"],
        source=sheet(
            VOL_HEADERS,
            [["张一", "", "", c0, "", ""], ["张二", "123", "", c0, "", ""], ["张三", "", "", "火星", "", ""]],
        ),
    )
    assert result.created == 0
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号"), (4, "所在社区")]
    assert "身份证" in result.errors[0].message or "18" in result.errors[0].message
    assert Volunteer.objects.count() == 0


def test_out_of_scope_rows_are_refused(city):
    c2 = city.communities[2].name
    result = services.teams_import(
        actor=city.users["community_x"],
        source=sheet(TEAM_HEADERS, [["队", "社会组织", c2, "协会", "", "", ""]]),
    )
    assert result.created == 0 and result.errors and Team.objects.count() == 0


def test_import_page(city):
    from django.test import Client

    c = Client()
    c.force_login(city.users["community_x"])
    assert c.get("/volunteering/import/").status_code == 200
    upload = sheet(VOL_HEADERS, [["张一", "", "", city.communities[0].name, "", ""]])
    upload.name = "v.xlsx"
    r = c.post("/volunteering/import/", {"kind": "volunteers", "file": upload})
    assert r.status_code == 200 and "已导入 1 条" in r.content.decode()
    bad = sheet(VOL_HEADERS, [["张一", "", "", "火星", "", ""]])
    bad.name = "v.xlsx"
    r = c.post("/volunteering/import/", {"kind": "volunteers", "file": bad})
    assert r.status_code == 400 and "没有这个社区" in r.content.decode()
    resident = Client()
    resident.force_login(city.users["resident"])
    assert resident.get("/volunteering/import/").status_code == 403


# --- 公开联系电话 (Team.publish_contact) -------------------------------------------------------------

WITH_PUBLISH = [*TEAM_HEADERS, "公开联系电话"]


def _team_row(name: str, community: str, publish: object) -> list[object]:
    return [name, "居民志愿服务队", community, "居委会", "李", "13912345678", "", publish]


def test_the_publish_column_takes_yes_and_no_in_its_usual_spellings(city):
    c0 = city.communities[0].name
    spellings: list[tuple[object, bool]] = [
        *[("是", True), ("否", False), ("true", True), ("FALSE", False), ("1", True), ("0", False)],
        *[(" 是 ", True), ("", False), (None, False)],
        *[(1, True), (0, False), (True, True), (False, False)],  # number cells, the sheet's TRUE/FALSE
    ]
    rows = [_team_row(f"队{i}", c0, value) for i, (value, _want) in enumerate(spellings)]
    result = services.teams_import(actor=city.users["community_x"], source=sheet(WITH_PUBLISH, rows))
    assert (result.created, result.errors) == (len(rows), [])
    made = dict(Team.objects.values_list("name", "publish_contact"))
    assert made == {f"队{i}": want for i, (_value, want) in enumerate(spellings)}


def test_a_sheet_without_the_publish_column_publishes_nothing(city):
    c0 = city.communities[0].name
    result = services.teams_import(
        actor=city.users["community_x"],
        source=sheet(TEAM_HEADERS, [["红马甲服务队", "居民志愿服务队", c0, "居委会", "李", "", ""]]),
    )
    assert result.created == 1 and Team.objects.get().publish_contact is False


def test_a_bad_publish_value_is_refused_naming_row_and_column(city):
    c0 = city.communities[0].name
    rows = [_team_row("队一", c0, "是"), _team_row("队二", c0, "可以"), _team_row("队三", c0, "2")]
    result = services.teams_import(actor=city.users["community_x"], source=sheet(WITH_PUBLISH, rows))
    assert result.created == 0 and Team.objects.count() == 0  # all or nothing
    assert [(e.row, e.column) for e in result.errors] == [(3, "公开联系电话"), (4, "公开联系电话")]
    assert "可以" in result.errors[0].message and "是" in result.errors[0].message
    assert str(result.errors[1]) == "第4行【公开联系电话】：应填“是”或“否”，实际为“2”"


def test_the_import_page_reports_a_bad_publish_value(city):
    from django.test import Client

    c = Client()
    c.force_login(city.users["community_x"])
    page = c.get("/volunteering/import/").content.decode()
    assert "公开联系电话" in page  # the headers the page lists
    bad = sheet(WITH_PUBLISH, [_team_row("队一", city.communities[0].name, "maybe")])
    bad.name = "t.xlsx"
    r = c.post("/volunteering/import/", {"kind": "teams", "file": bad})
    assert r.status_code == 400 and "第2行【公开联系电话】" in r.content.decode()
    good = sheet(WITH_PUBLISH, [_team_row("队一", city.communities[0].name, "是")])
    good.name = "t.xlsx"
    r = c.post("/volunteering/import/", {"kind": "teams", "file": good})
    assert r.status_code == 200 and Team.objects.get(name="队一").publish_contact is True


def test_the_teams_export_has_the_publish_column(city):
    from django.test import Client
    from openpyxl import load_workbook

    c0 = city.communities[0].name
    services.teams_import(
        actor=city.users["community_x"],
        source=sheet(WITH_PUBLISH, [_team_row("公开队", c0, "是"), _team_row("不公开队", c0, "否")]),
    )
    c = Client()
    c.force_login(city.users["community_x"])
    data = c.get("/volunteering/teams/export.xlsx")
    assert data.status_code == 200
    rows = list(load_workbook(io.BytesIO(data.content)).active.iter_rows(values_only=True))
    column = rows[0].index("公开联系电话")
    assert {r[0]: r[column] for r in rows[1:]} == {"公开队": "是", "不公开队": "否"}


def test_a_masked_phone_read_back_from_an_export_is_refused(city):
    """The export masks an unpublished contact phone (139****5678); read back in, it would
    replace the real number, so it is refused naming the row and the column."""
    c0 = city.communities[0].name
    row = ["队一", "党员志愿服务队", c0, "社区党委", "王某", "139****5678", "助老"]
    result = services.teams_import(actor=city.users["community_x"], source=sheet(TEAM_HEADERS, [row]))
    assert result.created == 0 and Team.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "联系电话")], [str(e) for e in result.errors]
    assert "打码" in result.errors[0].message
