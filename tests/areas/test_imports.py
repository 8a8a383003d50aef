import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook, load_workbook

from quanyu.accounts.models import RoleGrant
from quanyu.areas.imports import AREA_COLUMNS, area_import_validate, area_records_from_file
from quanyu.areas.models import Area, AreaKind
from quanyu.core.models import AuditEntry
from quanyu.core.spreadsheets import read_errors
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit
from tests.factories import box, make_user

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
HEADERS = [c.header for c in AREA_COLUMNS]


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def row(
    kind, name, code="", parent_code="", parent_path="", population="", households="", lon="", lat="", geo=""
):
    return [kind, name, code, parent_code, parent_path, population, households, lon, lat, geo]


def run_import(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_areas", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def flush_tables(*models):
    """Empty the registry tables (children first) without Django's cascade collector."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def table_counts():
    return {m.__name__: m.objects.count() for m in (Area, AuditEntry, PartyOrg, Unit)}


BOW_TIE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [[121.30, 37.50], [121.32, 37.52], [121.32, 37.50], [121.30, 37.52], [121.30, 37.50]]
        ],
    }
)


def test_template_has_chinese_headers_and_an_example(tmp_path):
    target = tmp_path / "template.xlsx"
    out, _err = run_import(template=str(target))
    assert "模板已写入" in out
    sheet = load_workbook(target).active
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["层级*", "名称*", "代码", "上级代码", "上级名称"]
    assert {"人口", "户数", "经度", "纬度", "边界(GeoJSON)"} <= set(headers)
    example = {h.rstrip("*"): c.value for h, c in zip(headers, sheet[2], strict=True)}
    assert example["层级"] == "社区" and example["名称"]


def test_file_with_one_bad_row_of_each_kind_changes_nothing(city, tmp_path):
    actor = city.users["community_x"]
    home = city.communities[0]  # code 370602010001, community_x's own
    other = city.communities[2]  # community_y's, out of community_x's scope
    rows = [
        row("网格", "好网格", "G1", home.code, geo=json.dumps(box(121.30, 37.50, 121.35, 37.55))),  # 2: fine
        row("乡镇", "坏层级", "", home.code),  # 3 unknown kind
        row("网格", "", "", home.code),  # 4 empty name
        row("网格", "重复代码", "G1", home.code),  # 5 duplicate code in file
        row("网格", "系统已有代码", city.streets[1].code, home.code),  # 6 code already in DB
        row("网格", "无上级", "", "NO-SUCH-CODE"),  # 7 unknown parent
        row("街道", "错层级", "", home.code),  # 8 street under community
        row("网格", "人口错", "", home.code, population="很多"),  # 9 bad number
        row("网格", "边界错", "", home.code, geo="{not json"),  # 10 bad GeoJSON text
        row("网格", "蝴蝶结", "", home.code, geo=BOW_TIE),  # 11 self-intersecting polygon
        row("楼栋", "飞楼", "", "G1", lon="200", lat="37.5"),  # 12 point out of range
        row("网格", "越权网格", "", other.code),  # 13 parent out of scope
        row("网格", "负户数", "", home.code, households="-3"),  # 14 negative number
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    errors_out = tmp_path / "errors.xlsx"
    before = table_counts()
    out = StringIO()
    err = StringIO()
    with pytest.raises(CommandError, match="12处错误"):
        call_command(
            "import_areas",
            str(path),
            actor=actor.username,
            errors_out=str(errors_out),
            stdout=out,
            stderr=err,
        )
    assert table_counts() == before
    lines = [line for line in err.getvalue().splitlines() if line.startswith("第")]
    expected = {
        (3, "层级"),
        (4, "名称"),
        (5, "代码"),
        (6, "代码"),
        (7, "上级代码"),
        (8, "上级代码"),
        (9, "人口"),
        (10, "边界(GeoJSON)"),
        (11, "边界(GeoJSON)"),
        (12, "经度"),
        (13, "上级代码"),
        (14, "户数"),
    }
    for number, column in expected:
        assert any(line.startswith(f"第{number}行【{column}】：") for line in lines), (number, column, lines)
    assert not any(line.startswith("第2行") for line in lines)
    by_row = {line.split("【")[0]: line for line in lines}
    assert "乡镇" in by_row["第3行"]
    assert "第2行重复" in by_row["第5行"]
    assert "已存在" in by_row["第6行"]
    assert "社区下不能直接设立街道" in by_row["第8行"]
    assert "Self-intersection" in by_row["第11行"]
    assert "不在您的管辖范围内" in by_row["第13行"]
    # The error report says the same, readable as a spreadsheet.
    written = read_errors(errors_out)
    assert [(e.row, e.column) for e in written] == [
        (int(line[1:].split("行")[0]), line.split("【")[1].split("】")[0]) for line in lines
    ]
    assert all(e.message for e in written)


def test_dry_run_validates_and_writes_nothing(city, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [row("社区", "新社区", "C9", city.streets[0].code)])
    before = table_counts()
    out, _err = run_import(str(path), dry_run=True, actor="district_admin")
    assert "试运行" in out and "社区1个" in out
    assert table_counts() == before


def test_valid_file_in_any_order_builds_the_tree(city, tmp_path):
    street = city.streets[0]
    rows = [
        row("楼栋", "1号楼", "", "", "新社区/新网格", 50, 20, 121.31, 37.51),  # child before its parents
        row(
            "网格",
            "新网格",
            "",
            "C9",
            population=300,
            households=100,
            geo=json.dumps(box(121.30, 37.50, 121.32, 37.52)),
        ),
        row("社区", "新社区", "C9", "", f"{city.district.name}/{street.name}"),  # parent by name path
        row("网格", "旧社区新网格", "", city.communities[0].code),
    ]
    path = write_xlsx(tmp_path / "ok.xlsx", rows)
    street_children = street.numchild
    out, _err = run_import(str(path), actor="street_staff")
    assert "已导入4个区域" in out
    community = Area.objects.get(code="C9")
    assert Area.objects.get_parent(community).pk == street.pk
    grid = Area.objects.get(name="新网格")
    assert Area.objects.get_parent(grid).pk == community.pk
    assert (grid.population, grid.households) == (300, 100)
    assert grid.lon is not None  # a representative point from the boundary
    building = Area.objects.get(name="1号楼")
    assert Area.objects.get_parent(building).pk == grid.pk
    assert (building.lon, building.lat) == (121.31, 37.51)
    assert Area.objects.get(pk=street.pk).numchild == street_children + 1
    assert AuditEntry.objects.filter(action="import", target_type="areas.area").exists()


def test_kind_accepts_english_keys_and_csv(city, tmp_path):
    path = tmp_path / "areas.csv"
    lines = [",".join(HEADERS), f"community,英文社区,C7,{city.streets[1].code},,,,,,"]
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    run_import(str(path), actor="district_admin")
    assert Area.objects.get(code="C7").kind == AreaKind.COMMUNITY


def test_parent_cycle_unknown_and_ambiguous_paths(city, tmp_path):
    rows = [
        row("社区", "甲", "A", "B"),
        row("社区", "乙", "B", "A"),
        row("楼栋", "某楼", "", "", "1号楼"),  # names match whole: the grids' buildings are "网格…-1号楼"
        row("网格", "同名网格", "", city.communities[0].code),
        row("网格", "同名网格", "", city.communities[1].code),
        row("楼栋", "二义楼", "", "", "同名网格"),
        row("楼栋", "确定楼", "", "", f"{city.communities[1].name}/同名网格"),
    ]
    path = write_xlsx(tmp_path / "cycle.xlsx", rows)
    with pytest.raises(CommandError):
        run_import(str(path), actor="district_admin")
    source = area_records_from_file(path)
    plan = area_import_validate(actor=city.users["district_admin"], source=source)
    messages = [str(e) for e in plan.errors]
    assert any("循环" in m for m in messages)
    assert any(m.startswith("第4行【上级名称】") and "找不到" in m for m in messages)
    assert any(m.startswith("第7行【上级名称】") and "不唯一" in m for m in messages)
    assert not any(m.startswith("第8行") for m in messages)


def test_top_level_needs_admin(city, tmp_path):
    path = write_xlsx(tmp_path / "root.xlsx", [row("区", "新区", "370699", "")])
    with pytest.raises(CommandError):
        run_import(str(path), actor="street_staff")
    assert not Area.objects.filter(code="370699").exists()
    run_import(str(path), actor="district_admin")
    assert Area.objects.get(code="370699").is_root()


def test_geojson_import(city, tmp_path):
    grid = city.grids[0]
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "楼栋", "name": "点楼", "parent_code": "GJ1", "population": 30},
                "geometry": {"type": "Point", "coordinates": [121.301, 37.501]},
            },
            {
                "type": "Feature",
                "properties": {
                    "kind": "grid",
                    "name": "面网格",
                    "code": "GJ1",
                    "parent_code": city.communities[0].code,
                },
                "geometry": box(121.30, 37.50, 121.31, 37.51),
            },
            {
                "type": "Feature",
                "properties": {
                    "kind": "building",
                    "name": "旧网格楼",
                    "parent_path": f"{city.communities[0].name}/{grid.name}",
                },
                "geometry": {"type": "Point", "coordinates": [121.302, 37.502]},
            },
        ],
    }
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(features, ensure_ascii=False), encoding="utf-8")
    out, _err = run_import(str(path), actor="community_x")
    assert "已导入3个区域" in out
    new_grid = Area.objects.get(code="GJ1")
    assert new_grid.geometry == box(121.30, 37.50, 121.31, 37.51)
    point = Area.objects.get(name="点楼")
    assert (point.lon, point.lat, point.population) == (121.301, 37.501, 30)
    assert Area.objects.get_parent(point).pk == new_grid.pk
    assert Area.objects.get_parent(Area.objects.get(name="旧网格楼")).pk == grid.pk


def test_an_import_makes_this_process_forget_its_grid_index(city, tmp_path, settings):
    """A bulk insert sends no signal: the import says so (``forget_models(Area)``), so the grid
    index is rebuilt at once here, not after the recheck window."""
    from quanyu.areas.locate import grid_index

    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    before = grid_index()
    feature = {
        "type": "Feature",
        "properties": {
            "kind": "grid",
            "name": "新网格",
            "code": "GJ2",
            "parent_code": city.communities[0].code,
        },
        "geometry": box(121.40, 37.60, 121.41, 37.61),
    }
    path = tmp_path / "grid.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    run_import(str(path), actor="community_x")
    assert grid_index() is not before
    assert grid_index().locate_point(121.405, 37.605)[0] == Area.objects.get(code="GJ2").pk


def test_geojson_errors_name_the_feature(city, tmp_path):
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kind": "grid", "name": "x", "parent_code": city.communities[0].code},
                "geometry": json.loads(BOW_TIE),
            },
        ],
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(features), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_areas", str(path), actor="district_admin", stdout=StringIO(), stderr=err)
    assert "第1个要素【geometry】" in err.getvalue()


def test_not_a_spreadsheet_is_a_clear_error(city, tmp_path):
    text = tmp_path / "areas.txt"
    text.write_text("hello")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run_import(str(text))
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(CommandError, match="无法读取Excel文件"):
        run_import(str(fake))
    missing_headers = write_xlsx(tmp_path / "headers.xlsx", [["x"]], headers=["名字"])
    with pytest.raises(CommandError, match="缺少必填列：层级、名称"):
        run_import(str(missing_headers))


def _tree_snapshot():
    areas = {a.path: a for a in Area.objects.all()}
    snapshot = set()
    for a in areas.values():
        parent = areas.get(a.path[: -Area.steplen])
        snapshot.add(
            (
                a.kind,
                a.name,
                a.code,
                parent.name if parent else "",
                a.depth,
                a.population,
                a.households,
                # xlsx numbers keep 15 significant digits (121.32499999999999 comes back as 121.325)
                round(a.lon, 9) if a.lon is not None else None,
                round(a.lat, 9) if a.lat is not None else None,
                json.dumps(a.geometry, sort_keys=True),
            )
        )
    return snapshot


def test_export_round_trip(city, tmp_path):
    make_user("root", superuser=True)
    before = _tree_snapshot()
    target = tmp_path / "export.xlsx"
    out = StringIO()
    call_command("export_areas", str(target), stdout=out)
    assert f"已导出{len(before)}个区域" in out.getvalue()
    headers = [c.value for c in load_workbook(target, read_only=True).active[1]]
    assert headers == HEADERS
    flush_tables(RoleGrant, PartTimeMember, PartyOrg, Unit, Area)
    assert Area.objects.count() == 0
    run_import(str(target), actor="root")
    assert _tree_snapshot() == before


def test_export_root_and_scope(city, tmp_path):
    target = tmp_path / "street.xlsx"
    call_command(
        "export_areas", str(target), root=city.streets[0].code, actor="district_admin", stdout=StringIO()
    )
    sheet = load_workbook(target, read_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 + 2 + 4 + 4  # the street, 2 communities, 4 grids, 4 buildings
    assert rows[0][1] == city.streets[0].name and rows[0][3] == city.district.code
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command(
            "export_areas", str(target), root=city.streets[1].code, actor="community_x", stdout=StringIO()
        )
    call_command("export_areas", str(target), actor="community_x", stdout=StringIO())
    names = [
        r[1] for r in load_workbook(target, read_only=True).active.iter_rows(min_row=2, values_only=True)
    ]
    assert names[0] == city.communities[0].name and len(names) == 5


def test_console_script_exit_status(tmp_path):
    """The real console script: a template (exit 0), a bad file and a bad row (non-zero)."""
    env = {
        **os.environ,
        "QUANYU_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "quanyu.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "QUANYU_VAR": str(tmp_path),
    }
    quanyu = str(Path(sys.executable).parent / "quanyu")

    def run(*args):
        return subprocess.run(
            [quanyu, *args], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300
        )

    template = tmp_path / "t.xlsx"
    assert run("import", "areas", "--template", str(template)).returncode == 0
    assert template.exists()
    (tmp_path / "a.txt").write_text("x")
    bad_file = run("import", "areas", str(tmp_path / "a.txt"))
    assert bad_file.returncode != 0 and "不支持的文件类型" in bad_file.stderr
    assert run("migrate", "--verbosity", "0").returncode == 0
    created = run(
        "shell",
        "-c",
        "from quanyu.accounts.models import User; User.objects.create_superuser('boss', password='x-12345')",
    )
    assert created.returncode == 0, created.stderr
    good = write_xlsx(
        tmp_path / "good.xlsx", [row("区", "新区", "370699"), row("街道", "新街道", "37069901", "370699")]
    )
    ok = run("import", "areas", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "已导入2个区域" in ok.stdout
    bad = write_xlsx(tmp_path / "bad.xlsx", [row("街道", "又一街道", "37069902", "370699", population="-1")])
    failed = run("import", "areas", str(bad), "--errors-out", str(tmp_path / "err.xlsx"))
    assert failed.returncode != 0
    assert "第2行【人口】" in failed.stderr
    assert (tmp_path / "err.xlsx").exists()
    # The report carries the original row beside the error, as the upload page's does.
    from openpyxl import load_workbook

    report = list(load_workbook(tmp_path / "err.xlsx").active.iter_rows(values_only=True))
    assert list(report[0][:3]) == ["行号", "列", "原因"] and "名称" in report[0]
    assert report[1][0] == 2 and report[1][1] == "人口" and "又一街道" in report[1] and "-1" in report[1]
