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
    assert [(e.row, e.column) for e in result.errors] == [(3, ""), (4, "所在社区")]
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
