"""quanyu import/export catalog: the Chinese template, per-row errors, all or nothing, round trip."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from quanyu.catalog.imports import CATALOG_COLUMNS, catalog_import_validate
from quanyu.catalog.models import Category, Tier
from quanyu.catalog.seed import CATALOGUE, catalog_seed_demo
from quanyu.catalog.services import CategoryGroupSpec, CategoryItemSpec, category_import
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.core.spreadsheets import read_errors
from quanyu.orgs.models import Unit, UnitKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADERS = [
    "大类",
    "小类(事项名称)",
    "事项编码",
    "责任部门",
    "首办层级",
    "响应时限(小时)",
    "办结时限(工作日)",
    "计时方式",
    "一窗受理",
    "申请材料",
    "Open311发布",
    "Open311服务编码",
    "关键词",
]
REPO = Path(__file__).resolve().parents[2]


def item(group, name, code, departments="区城管局", tier="网格", hours=4, days=3, mode="工作日", **kw):
    return [
        group,
        name,
        code,
        departments,
        tier,
        hours,
        days,
        mode,
        kw.get("one_window", "否"),
        kw.get("materials", ""),
        kw.get("open311", "否"),
        kw.get("service_code", ""),
        kw.get("keywords", ""),
    ]


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run_import(*args, **options):
    options.setdefault("actor", "district_admin")
    out, err = StringIO(), StringIO()
    call_command("import_catalog", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def departments(city):
    """区城管局 (from the test city) and 区住建局 at the district, 区水务局 placed in street 2."""
    cg = Unit.objects.get(kind=UnitKind.DEPARTMENT, name="区城管局")
    housing = Unit.objects.create(kind=UnitKind.DEPARTMENT, name="区住建局", area=city.district)
    water = Unit.objects.create(kind=UnitKind.DEPARTMENT, name="区水务局", area=city.streets[1])
    return {"cg": cg, "housing": housing, "water": water}


def snapshot() -> list[tuple]:
    """Everything an import sets, per item, in catalogue order."""
    rows = []
    for c in (
        Category.objects.filter(parent__isnull=False)
        .select_related("parent", "lead_department")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    ):
        rows.append(
            (
                c.parent.code,
                c.parent.name,
                c.code,
                c.name,
                c.lead_department.name if c.lead_department else "",
                tuple(sorted(c.departments.values_list("name", flat=True))),
                c.first_tier,
                c.response_hours,
                c.completion_days,
                c.working_days,
                c.is_one_window,
                tuple(c.materials),
                c.open311_published,
                c.service_code,
                c.keywords,
                c.description,
                c.active,
            )
        )
    return rows


def test_template_has_the_chinese_headers(tmp_path, city):
    target = tmp_path / "template.xlsx"
    out, _err = run_import(template=str(target))
    assert "模板已写入" in out
    sheet = load_workbook(target).active
    headers = [c.value.rstrip("*") for c in sheet[1]]
    assert headers[: len(HEADERS)] == HEADERS
    required = {c.value.rstrip("*") for c in sheet[1] if c.value.endswith("*")}
    assert required == {
        "大类",
        "小类(事项名称)",
        "事项编码",
        "首办层级",
        "响应时限(小时)",
        "办结时限(工作日)",
    }
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert example["首办层级"] == "网格" and example["事项编码"] == "0101"


def test_import_creates_the_catalogue(tmp_path, city, departments):
    path = write_xlsx(
        tmp_path / "catalog.xlsx",
        [
            item("市容环境", "占道经营", "0101", "区城管局", "网格", 4, 3, keywords="摆摊，占道 流动摊贩",
                 open311="是", service_code="street-vending"),
            item("物业管理", "房屋漏水", "0201", "区住建局；区城管局", "社区", 24, 10, "自然日"),
            item("市容环境", "乱堆乱放", "0102", "区城管局、区住建局", "街道", 8, 2),
            item("一窗受理", "装修备案", "1201", "区住建局", "社区", 24, 3, one_window="是",
                 materials="身份证、房产证、装修方案"),
        ],
    )  # fmt: skip
    out, _err = run_import(str(path), actor="district_admin")
    assert "新增4个" in out and "新增大类3个" in out
    tops = list(Category.objects.filter(parent=None).order_by("sort_order").values_list("code", "name"))
    assert tops == [("01", "市容环境"), ("02", "物业管理"), ("03", "一窗受理")]
    stalls = Category.objects.get(code="0101")
    assert (stalls.parent.name, stalls.first_tier, stalls.response_hours, stalls.completion_days) == (
        "市容环境",
        Tier.GRID,
        4,
        3,
    )
    assert stalls.working_days and stalls.open311_published and stalls.service_code == "street-vending"
    assert stalls.keyword_list == ["摆摊", "占道", "流动摊贩"]
    leak = Category.objects.get(code="0201")
    assert leak.lead_department == departments["housing"] and not leak.working_days
    assert set(leak.departments.all()) == {departments["housing"], departments["cg"]}
    assert Category.objects.get(code="0102").lead_department == departments["cg"]
    permit = Category.objects.get(code="1201")
    assert permit.is_one_window and permit.materials == ["身份证", "房产证", "装修方案"]
    assert [c.code for c in Category.objects.filter(parent__code="01").order_by("sort_order")] == [
        "0101",
        "0102",
    ]
    entry = AuditEntry.objects.get(action="import", target_type="catalog.category")
    assert entry.actor == city.users["district_admin"]
    assert entry.detail["items_created"] == 4 and entry.detail["source"] == "catalog.xlsx"


def test_bad_rows_are_reported_in_chinese_and_nothing_is_written(tmp_path, city, departments):
    Category.objects.create(code="09", name="生态环境")
    held = Category.objects.create(code="0901", name="大气污染", parent=Category.objects.get(code="09"),
                                   open311_published=True, service_code="air")  # fmt: skip
    before = snapshot()
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            item("市容环境", "占道经营", "0101"),  # row 2: fine
            item("市容环境", "", "0101", "区城管局、区环卫中心", "楼栋", 0, "三天"),  # row 3
            item("市容环境", "违规广告", "01 02", "驻区单位甲", "社区", 4.5, -1, "按月"),  # row 4
            item("物业管理", "电梯故障", "0201", one_window="否", materials="身份证", open311="是"),  # row 5
            item("物业管理", "漏水", "0202", open311="也许", service_code="air"),  # row 6
            item("生态环境", "水体污染", "09"),  # row 7: code of a top-level category
            item("物业管理", "物业纠纷", "0203", "区住建局", hours="", days=5),  # row 8
        ],
    )
    Unit.objects.create(kind=UnitKind.RESIDENT_UNIT, name="驻区单位甲", area=city.district)
    make_user("org", Role.ORG_DEPARTMENT, city.district)
    errors_out = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match=r"发现.*处错误，未导入任何数据"):
        run_import(str(path), actor="org", errors_out=str(errors_out))
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="import").exists()
    found = {(e.row, e.column): e.message for e in read_errors(errors_out)}
    assert found[(3, "小类(事项名称)")] == "必须填写"
    assert "与第2行重复" in found[(3, "事项编码")]
    assert "区环卫中心" in found[(3, "责任部门")] and "区城管局" not in found[(3, "责任部门")]
    assert "网格、社区或街道" in found[(3, "首办层级")]
    assert found[(3, "响应时限(小时)")] == "应为正整数"
    assert "不是数字" in found[(3, "办结时限(工作日)")]
    assert "字母、数字" in found[(4, "事项编码")]
    assert "驻区单位甲" in found[(4, "责任部门")]  # a unit, but not a department
    assert "应为整数" in found[(4, "响应时限(小时)")]
    assert found[(4, "办结时限(工作日)")] == "不能为负数"
    assert "工作日或自然日" in found[(4, "计时方式")]
    assert "一窗受理" in found[(5, "申请材料")]
    assert "必须填写服务编码" in found[(5, "Open311服务编码")]
    assert "“是”或“否”" in found[(6, "Open311发布")]
    assert f"已被事项“{held.name}”" in found[(6, "Open311服务编码")]
    assert "大类" in found[(7, "事项编码")]
    assert found[(8, "响应时限(小时)")] == "必须填写" and (8, "责任部门") not in found
    assert (2, "") not in found and all(row != 2 for row, _col in found)


def test_departments_outside_the_actors_scope(tmp_path, city, departments):
    """An organisation department of street 1 may name departments placed in its street only."""
    local = Unit.objects.create(kind=UnitKind.DEPARTMENT, name="街道1城管中队", area=city.streets[0])
    make_user("street_org", Role.ORG_DEPARTMENT, city.streets[0])
    path = write_xlsx(tmp_path / "s.xlsx", [item("市容环境", "占道经营", "0101", "街道1城管中队、区水务局")])
    with pytest.raises(CommandError):
        run_import(str(path), actor="street_org", errors_out=str(tmp_path / "e.xlsx"))
    [error] = read_errors(tmp_path / "e.xlsx")
    assert (error.row, error.column) == (2, "责任部门")
    assert error.message == "职能部门“区水务局”在系统中不存在或不在您的管辖范围内"
    path = write_xlsx(tmp_path / "t.xlsx", [item("市容环境", "占道经营", "0101", "街道1城管中队")])
    run_import(str(path), actor="street_org")
    assert Category.objects.get(code="0101").lead_department == local


def test_missing_headers_and_wrong_files(tmp_path, city):
    path = write_xlsx(tmp_path / "short.xlsx", [["市容环境", "占道经营"]], headers=["大类", "小类(事项名称)"])
    with pytest.raises(CommandError, match="缺少必填列：事项编码、首办层级"):
        run_import(str(path))
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run_import(str(tmp_path / "notes.txt"))
    empty = write_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(CommandError, match="发现1处错误"):
        run_import(str(empty))


def test_dry_run_and_permission(tmp_path, city, departments):
    path = write_xlsx(tmp_path / "c.xlsx", [item("市容环境", "占道经营", "0101")])
    out, _err = run_import(str(path), dry_run=True, actor="district_admin")
    assert "试运行" in out and not Category.objects.exists()
    with pytest.raises(CommandError, match="无权维护事项目录"):
        run_import(str(path), actor="street_staff")
    with pytest.raises(PermissionDenied):
        category_import(
            actor=city.users["community_x"],
            groups=[CategoryGroupSpec("01", "市容环境")],
            items=[CategoryItemSpec(code="0101", group_code="01", name="占道经营")],
        )
    assert not Category.objects.exists()
    make_user("org", Role.ORG_DEPARTMENT, city.district)
    run_import(str(path), actor="org")
    assert Category.objects.get(code="0101").lead_department == departments["cg"]


def test_reimport_updates_in_place_and_moves_open311_codes(tmp_path, city, departments):
    first = write_xlsx(
        tmp_path / "a.xlsx",
        [
            item("市容环境", "占道经营", "0101", open311="是", service_code="vending"),
            item("市容环境", "乱堆乱放", "0102", open311="是", service_code="litter"),
            item("市容环境", "违规广告", "0103"),
        ],
    )
    run_import(str(first))
    ids = dict(Category.objects.values_list("code", "pk"))
    orders = dict(Category.objects.values_list("code", "sort_order"))
    second = write_xlsx(
        tmp_path / "b.xlsx",
        [
            item("市容环境", "乱堆乱放（含建筑垃圾）", "0102", "区住建局、区城管局", "社区", 8, 5,
                 open311="是", service_code="vending"),
            item("市容环境", "占道经营", "0101", open311="是", service_code="litter"),
            item("园林绿化", "树木修剪", "0401", "区住建局"),
        ],
    )  # fmt: skip
    out, _err = run_import(str(second))
    assert "新增1个，更新2个" in out
    assert dict(Category.objects.filter(code__in=ids).values_list("code", "pk")) == ids
    litter = Category.objects.get(code="0102")
    assert (litter.name, litter.service_code, litter.first_tier, litter.completion_days) == (
        "乱堆乱放（含建筑垃圾）",
        "vending",
        Tier.COMMUNITY,
        5,
    )
    assert litter.lead_department == departments["housing"]
    assert Category.objects.get(code="0101").service_code == "litter"
    assert dict(Category.objects.filter(code__in=ids).values_list("code", "sort_order")) == orders
    assert Category.objects.get(code="0103").name == "违规广告"  # not in the file: left alone
    assert Category.objects.get(code="0401").parent.name == "园林绿化"


def test_groups_by_code_and_by_name(tmp_path, city, departments):
    Category.objects.create(code="01", name="市容环境")
    headers = [*HEADERS, "大类编码"]
    path = write_xlsx(
        tmp_path / "g.xlsx",
        [
            [*item("市容环境", "占道经营", "0101"), ""],
            [*item("城市管理", "违规广告", "0102"), "01"],
        ],
        headers=headers,
    )
    with pytest.raises(CommandError):
        run_import(str(path), errors_out=str(tmp_path / "e.xlsx"))
    errors = read_errors(tmp_path / "e.xlsx")
    assert [(e.row, e.column) for e in errors] == [(3, "大类")]
    assert "“市容环境”" in errors[0].message
    # Matching by name: the existing group; a new name gets the next free code.
    path = write_xlsx(
        tmp_path / "h.xlsx", [item("市容环境", "占道经营", "0101"), item("园林绿化", "树木修剪", "0401")]
    )
    run_import(str(path))
    assert Category.objects.get(code="0101").parent.code == "01"
    assert Category.objects.get(code="0401").parent.code == "02"


def test_export_reimports_the_demo_catalogue(tmp_path, city):
    names = {n for group in CATALOGUE for it in group.items for n in it.departments} - {"区城管局"}
    for name in sorted(names):
        Unit.objects.create(kind=UnitKind.DEPARTMENT, name=name, area=city.district)
    catalog_seed_demo()
    stall = Category.objects.get(code="0101")
    stall.active = False
    stall.description = "含夜市"
    stall.save()
    Category.objects.filter(code="0105").update(working_days=False)
    before = snapshot()
    assert len(before) == sum(len(g.items) for g in CATALOGUE)
    target = tmp_path / "catalog.xlsx"
    out = StringIO()
    call_command("export_catalog", str(target), actor="district_admin", stdout=out)
    assert f"已导出{len(before)}个事项" in out.getvalue()
    sheet = load_workbook(target, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in CATALOG_COLUMNS]
    by_code = {r[2]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_code["0201"]["责任部门"] == "区物业管理服务中心、区市场监管局"
    assert by_code["1001"]["申请材料"] == "身份证、户口簿、收入证明、申请书"
    assert by_code["0101"]["启用"] == "否" and by_code["0105"]["计时方式"] == "自然日"

    # Into the same database: every item is an update and nothing changes.
    out_text, _err = run_import(str(target))
    assert f"新增0个，更新{len(before)}个" in out_text
    assert snapshot() == before
    # Into an empty catalogue: the same catalogue again.
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    run_import(str(target))
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="export", target_type="catalog.category").count() == 1


def test_csv_in_gbk(tmp_path, city, departments):
    text = ",".join(HEADERS) + "\n" + ",".join(str(v) for v in item("市容环境", "占道经营", "0101")) + "\n"
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("gbk"))
    run_import(str(path))
    assert Category.objects.get(code="0101").name == "占道经营"


def test_validate_is_the_shared_entry_point(city, departments):
    plan = catalog_import_validate(
        actor=city.users["district_admin"],
        records=[(2, {**dict.fromkeys((c.key for c in CATALOG_COLUMNS), ""), "group": "市容环境"})],
    )
    assert not plan.ok and {e.column for e in plan.errors} >= {"小类(事项名称)", "事项编码", "首办层级"}


def test_console_script(tmp_path):
    """The real ``quanyu`` script reaches the command (and the package import, Celery app
    included, does not get in the way of start-up); the template needs no database tables."""
    env = {
        **os.environ,
        "QUANYU_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "quanyu.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "QUANYU_VAR": str(tmp_path),
    }
    quanyu = str(Path(sys.executable).parent / "quanyu")
    template = tmp_path / "t.xlsx"
    done = subprocess.run(
        [quanyu, "import", "catalog", "--template", str(template)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert load_workbook(template).active["A1"].value == "大类*"


def test_service_refuses_wrong_levels_and_non_departments(city, departments):
    admin = city.users["district_admin"]
    Category.objects.create(code="01", name="市容环境")
    group = CategoryGroupSpec("01", "市容环境")
    with pytest.raises(ValidationError) as info:
        category_import(
            actor=admin, groups=[group], items=[CategoryItemSpec(code="01", group_code="01", name="x")]
        )
    assert "编码重复" in info.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as info:
        category_import(
            actor=admin,
            groups=[group],
            items=[
                CategoryItemSpec(
                    code="0101", group_code="01", name="占道经营", department_ids=(city.units[0].pk,)
                )
            ],
        )
    assert "职能部门" in info.value.message_dict["departments"][0]
    with pytest.raises(ValidationError):
        category_import(
            actor=admin, groups=[], items=[CategoryItemSpec(code="0101", group_code="01", name="x")]
        )
    item = CategoryItemSpec(
        code="0101", group_code="01", name="占道经营", department_ids=(departments["cg"].pk,)
    )
    category_import(actor=admin, groups=[group], items=[item])
    with pytest.raises(ValidationError) as info:
        category_import(actor=admin, groups=[CategoryGroupSpec("0101", "x")], items=[])
    assert "层级不符" in info.value.message_dict["code"][0]
    assert list(Category.objects.order_by("code").values_list("code", flat=True)) == ["01", "0101"]
    assert AuditEntry.objects.filter(action="import").count() == 1
