"""The upload pages of the area and organisation imports: the command line's checks and per-row
report on the web, the original row beside each error, nothing written on error, size limits."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from quanyu.accounts.models import User
from quanyu.areas.imports import AREA_COLUMNS
from quanyu.areas.models import Area
from quanyu.core.models import AuditEntry
from quanyu.orgs.imports import PART_TIME_COLUMNS, UNIT_COLUMNS
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit
from tests.orgs.test_imports import CODE_A

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def xlsx(sheets: dict[str, tuple[list, list[dict]]], name: str = "file.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append([row.get(c.key, "") for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Area, Unit, PartyOrg, PartTimeMember, AuditEntry)}


def test_area_upload_writes_a_valid_file(city):
    community = city.communities[0]
    upload = xlsx(
        {
            "区域": (
                AREA_COLUMNS,
                [
                    {"kind": "网格", "name": "新网格", "code": "G9", "parent_code": community.code},
                    {"kind": "楼栋", "name": "新网格1号楼", "parent_code": "G9", "lon": 121.31, "lat": 37.51},
                ],
            )
        }
    )
    response = client_for("community_x").post("/areas/import/", {"file": upload})
    assert response.status_code == 200
    assert "已导入2个区域" in response.content.decode()
    assert Area.objects.filter(name__in=["新网格", "新网格1号楼"]).count() == 2


def test_area_upload_with_bad_rows_writes_nothing_and_shows_the_original_rows(city):
    rows = [
        {"kind": "网格", "name": "好网格", "parent_code": city.communities[0].code},
        {"kind": "星球", "name": "坏行", "parent_code": city.communities[0].code, "population": "12"},
        {"kind": "网格", "name": "越界网格", "parent_code": city.communities[2].code},
    ]
    before = counts()
    client = client_for("community_x")
    response = client.post("/areas/import/", {"file": xlsx({"区域": (AREA_COLUMNS, rows)})})
    assert response.status_code == 400
    assert counts() == before
    body = response.content.decode()
    assert "未导入任何数据" in body
    shown = response.context["rows"]
    by_row = {e.row: (e, dict(values)) for e, values in shown}
    assert by_row[3][0].column == "层级"
    assert by_row[3][1]["名称"] == "坏行" and by_row[3][1]["人口"] == "12"
    assert 4 in by_row  # 社区2-1 is outside community_x's scope
    report = client.get("/areas/import/errors.xlsx")
    assert report.status_code == 200
    assert "no-store" in report["Cache-Control"]
    sheet = load_workbook(io.BytesIO(report.content), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0][:4]) == ["行号", "列", "原因", "层级"]
    bad = next(r for r in table[1:] if r[0] == 3)
    assert bad[3] == "星球" and bad[4] == "坏行"


def test_geojson_upload_errors_name_the_feature(city):
    data = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "无层级"}}]}
    upload = SimpleUploadedFile("areas.geojson", json.dumps(data).encode())
    response = client_for("district_admin").post("/areas/import/", {"file": upload})
    assert response.status_code == 400
    error, values = response.context["rows"][0]
    assert error.noun == "feature" and error.row == 1
    assert ("名称", "无层级") in values
    assert "要素序号" in response.content.decode()


def test_org_upload_with_sheets_and_a_bad_part_time_row(city):
    community = city.communities[0]
    units = [{"kind": "驻区单位", "name": "市第一医院", "credit_code": CODE_A, "area_code": community.code}]
    members = [
        {"name": "张某", "unit": "市第一医院", "committee_path": city.orgs[community.name].name},
        {"name": "", "unit": "不存在的单位", "committee_path": city.orgs[community.name].name},
    ]
    before = counts()
    client = client_for("district_admin")
    upload = xlsx({"单位": (UNIT_COLUMNS, units), "兼职委员": (PART_TIME_COLUMNS, members)})
    response = client.post("/orgs/import/", {"file": upload})
    assert response.status_code == 400
    assert counts() == before
    errors = [e for e, _values in response.context["rows"]]
    assert {e.sheet for e in errors} == {"兼职委员"}
    assert {e.column for e in errors} >= {"姓名", "所在单位"}
    report = load_workbook(io.BytesIO(client.get("/orgs/import/errors.xlsx").content), read_only=True)
    assert report.sheetnames == ["兼职委员错误"]
    first = list(report["兼职委员错误"].iter_rows(values_only=True))[1]
    assert "不存在的单位" in first
    # The same workbook, fixed, imports everything.
    members[1] = {"name": "李某", "unit": "市第一医院", "committee_path": city.orgs[community.name].name}
    upload = xlsx({"单位": (UNIT_COLUMNS, units), "兼职委员": (PART_TIME_COLUMNS, members)})
    response = client.post("/orgs/import/", {"file": upload})
    assert response.status_code == 200
    assert PartTimeMember.objects.filter(unit__name="市第一医院").count() == 2


def test_org_single_sheet_csv_needs_its_kind_and_dry_run_writes_nothing(city):
    header = ",".join(c.header for c in UNIT_COLUMNS)
    line = f"驻区单位,邻里超市,,{city.communities[0].code}" + "," * (len(UNIT_COLUMNS) - 4)
    body = f"{header}\n{line}\n".encode()
    client = client_for("district_admin")
    response = client.post("/orgs/import/", {"file": SimpleUploadedFile("u.csv", body)})
    assert response.status_code == 400
    assert "【文件】" in response.context["error"]
    before = counts()
    response = client.post(
        "/orgs/import/", {"file": SimpleUploadedFile("u.csv", body), "kind": "units", "dry_run": "1"}
    )
    assert response.status_code == 200
    assert "校验通过" in response.content.decode()
    assert counts() == before
    response = client.post("/orgs/import/", {"file": SimpleUploadedFile("u.csv", body), "kind": "units"})
    assert response.status_code == 200
    assert Unit.objects.filter(name="邻里超市").exists()


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (None, "请选择要上传的文件"),
        (SimpleUploadedFile("a.txt", b"x"), "只支持"),
        (SimpleUploadedFile("a.xlsx", b"not a zip"), "【文件】"),
        (SimpleUploadedFile("a.geojson", b"{not json"), "【文件】"),
    ],
)
def test_bad_uploads_are_400_naming_the_file(city, upload, fragment):
    before = counts()
    data = {"file": upload} if upload is not None else {}
    response = client_for("district_admin").post("/areas/import/", data)
    assert response.status_code == 400
    assert fragment in response.context["error"]
    assert counts() == before


def test_oversized_upload_is_413(city, settings):
    settings.QUANYU_IMPORT_MAX_MB = 1
    upload = SimpleUploadedFile("big.geojson", b" " * (1024 * 1024 + 1))
    response = client_for("district_admin").post("/areas/import/", {"file": upload})
    assert response.status_code == 413
    assert "1 MB" in response.context["error"]


def test_unknown_kind_is_400(city):
    upload = xlsx({"单位": (UNIT_COLUMNS, [])})
    response = client_for("district_admin").post("/orgs/import/", {"file": upload, "kind": "planets"})
    assert response.status_code == 400
    assert "表的内容" in response.context["error"]


@pytest.mark.parametrize("persona", ["grid_worker", "department_handler", "resident", "outsider"])
def test_only_registry_editors_may_import(city, persona):
    client = client_for(persona)
    for url in ["/areas/import/", "/orgs/import/", "/orgs/import/template.xlsx"]:
        assert client.get(url).status_code == 403
    assert Client().get("/areas/import/").status_code == 302


def test_templates_and_missing_report(city):
    client = client_for("community_x")
    template = client.get("/orgs/import/template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["单位", "党组织", "兼职委员"]
    headers = next(
        load_workbook(io.BytesIO(client.get("/areas/import/template.xlsx").content)).active.iter_rows(
            values_only=True
        )
    )
    assert headers[0].startswith("层级")
    assert client.get("/areas/import/errors.xlsx").status_code == 404


def test_the_kept_report_is_bounded_and_says_so(city, monkeypatch):
    from quanyu.web.registry import imports

    monkeypatch.setattr(imports, "KEPT", 2)
    rows = [{"kind": "星球", "name": f"坏行{i}", "parent_code": city.communities[0].code} for i in range(3)]
    client = client_for("district_admin")
    response = client.post("/areas/import/", {"file": xlsx({"区域": (AREA_COLUMNS, rows)})})
    assert response.status_code == 400
    assert response.context["outcome"].total_errors == 3
    assert "报告含前 2 处" in response.content.decode()
    sheet = load_workbook(io.BytesIO(client.get("/areas/import/errors.xlsx").content), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + 2
