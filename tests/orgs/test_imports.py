import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook, load_workbook

from quanyu.core.models import AuditEntry
from quanyu.orgs.imports import (
    ORG_COLUMNS,
    PART_TIME_COLUMNS,
    UNIT_COLUMNS,
    credit_check_char,
    validate_credit_code,
    validate_phone,
)
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg, Unit, UnitKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def credit(body17: str) -> str:
    return body17 + credit_check_char(body17)


CODE_A = credit("91370602MA3C4L8X2")
CODE_B = credit("52370602MJ0000001")


def workbook(path, **sheets):
    """sheets: title -> (columns, rows as dicts by key)."""
    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append([row.get(c.key, "") for c in columns])
    book.save(path)
    return path


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_orgs", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts():
    return {m.__name__: m.objects.count() for m in (Unit, PartyOrg, PartTimeMember, AuditEntry)}


def test_credit_code_check_character():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"
    assert validate_credit_code("91110000802100433B") == "91110000802100433B"
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(ValidationError, match="18位"):
        validate_credit_code("9135010")
    with pytest.raises(ValidationError, match="不允许的字符"):
        validate_credit_code("91350100M000100I43")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("0535-6661234", "0535-6661234"),
        ("(010)62345678", "010-62345678"),
        ("053566612340", "0535-66612340"),
        ("0535-6661234转808", "0535-6661234-808"),
        ("400-810-8888", "400-810-8888"),
    ],
)
def test_phone_accepts_mobile_and_landline(raw, normalised):
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12345678901", "6661234", "0535-1234", "abc", "1381234567"])
def test_phone_rejects_the_rest(raw):
    with pytest.raises(ValidationError):
        validate_phone(raw)


def test_template_has_three_chinese_sheets(tmp_path):
    target = tmp_path / "t.xlsx"
    run(template=str(target))
    book = load_workbook(target)
    assert book.sheetnames == ["单位", "党组织", "兼职委员"]
    assert [c.value for c in book["单位"][1]][:4] == ["类型*", "名称*", "统一社会信用代码", "所在区域代码"]
    assert "联系电话" in [c.value for c in book["单位"][1]]
    assert [c.value for c in book["党组织"][1]][:4] == ["组织类型*", "组织名称*", "组织代码", "上级组织代码"]
    assert book["单位"]["A2"].value == "驻区单位"
    # the template's example credit code passes the check it documents
    assert validate_credit_code(book["单位"]["C2"].value)
    single = tmp_path / "units.xlsx"
    run(template=str(single), kind="units")
    assert load_workbook(single).sheetnames == ["单位"]


def test_valid_workbook_with_cross_references(city, tmp_path):
    community = city.communities[0]
    path = workbook(
        tmp_path / "orgs.xlsx",
        单位=(
            UNIT_COLUMNS,
            [
                {
                    "kind": "驻区单位",
                    "name": "市第一医院",
                    "credit_code": CODE_A.lower(),
                    "area_code": community.code,
                    "contact_name": "王某",
                    "contact_phone": "0535-6661234",
                    "staff_count": 800,
                    "member_count": 120,
                },
                {
                    "kind": "社会组织",
                    "name": "邻里协会",
                    "credit_code": CODE_B,
                    "area_path": f"{city.streets[0].name}/{community.name}",
                    "contact_phone": "13812345678",
                },
            ],
        ),
        党组织=(
            ORG_COLUMNS,
            [
                {
                    "kind": "党小组",
                    "name": "医院第一党小组",
                    "parent_code": "HB1",
                    "area_code": community.code,
                },
                {
                    "kind": "党支部",
                    "name": "医院党支部",
                    "code": "HB1",
                    "parent_path": f"{community.name}党委",
                    "area_code": community.code,
                    "unit": CODE_A,
                    "secretary": "李某",
                    "member_count": 120,
                },
            ],
        ),
        兼职委员=(
            PART_TIME_COLUMNS,
            [
                {
                    "name": "张某",
                    "unit": "市第一医院",
                    "unit_post": "院长",
                    "committee_path": f"{community.name}党委",
                    "term_start": "2024-01-01",
                    "term_end": dt.date(2026, 12, 31),
                },
                {"name": "赵某", "unit": CODE_B, "committee_path": f"{city.streets[0].name}党工委"},
            ],
        ),
    )
    out, _err = run(str(path), actor="street_staff")
    assert "单位2个、党组织2个、兼职委员2名" in out
    hospital = Unit.objects.get(name="市第一医院")
    assert hospital.credit_code == CODE_A and hospital.area_id == community.pk
    assert (hospital.contact_phone, hospital.staff_count, hospital.member_count) == ("0535-6661234", 800, 120)
    assert Unit.objects.get(name="邻里协会").area_id == community.pk
    branch = PartyOrg.objects.get(code="HB1")
    assert branch.unit_id == hospital.pk and branch.kind == OrgKind.BRANCH
    assert PartyOrg.objects.get_parent(branch).pk == city.orgs[community.name].pk
    group = PartyOrg.objects.get(name="医院第一党小组")
    assert PartyOrg.objects.get_parent(group).pk == branch.pk
    zhang = PartTimeMember.objects.get(name="张某")
    assert (zhang.unit_id, zhang.committee_id) == (hospital.pk, city.orgs[community.name].pk)
    assert (zhang.term_start, zhang.term_end) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert zhang.post == "兼职委员"
    assert PartTimeMember.objects.get(name="赵某").committee_id == city.orgs[city.streets[0].name].pk


def test_bad_rows_change_nothing_and_name_sheet_row_column(city, tmp_path):
    mine, other = city.communities[0], city.communities[2]
    path = workbook(
        tmp_path / "bad.xlsx",
        单位=(
            UNIT_COLUMNS,
            [
                {
                    "kind": "驻区单位",
                    "name": "好单位",
                    "credit_code": CODE_A,
                    "area_code": mine.code,
                },  # 2 fine
                {"kind": "外星单位", "name": "坏类型", "area_code": mine.code},  # 3
                {"kind": "驻区单位", "name": "", "area_code": mine.code},  # 4
                {
                    "kind": "驻区单位",
                    "name": "坏信用码",
                    "credit_code": CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1"),
                    "area_code": mine.code,
                },  # 5
                {
                    "kind": "驻区单位",
                    "name": "重复信用码",
                    "credit_code": CODE_A,
                    "area_code": mine.code,
                },  # 6
                {"kind": "驻区单位", "name": "坏电话", "contact_phone": "12345", "area_code": mine.code},  # 7
                {"kind": "驻区单位", "name": "坏人数", "staff_count": "-1", "area_code": mine.code},  # 8
                {"kind": "驻区单位", "name": "无区域", "area_code": "NOPE"},  # 9
                {"kind": "驻区单位", "name": "越权单位", "area_code": other.code},  # 10
                {
                    "kind": "驻区单位",
                    "name": f"{mine.name}驻区单位",
                    "area_code": mine.code,
                },  # 11 exists in DB
            ],
        ),
        党组织=(
            ORG_COLUMNS,
            [
                {
                    "kind": "党支部",
                    "name": "好支部",
                    "code": "Z1",
                    "parent_path": f"{mine.name}党委",
                    "area_code": mine.code,
                },  # 2
                {"kind": "党派", "name": "坏类型", "area_code": mine.code},  # 3
                {"kind": "党支部", "name": "重复代码", "code": "Z1", "area_code": mine.code},  # 4
                {"kind": "党小组", "name": "无上级", "parent_code": "NOPE", "area_code": mine.code},  # 5
                {
                    "kind": "党支部",
                    "name": "无单位",
                    "parent_code": "Z1",
                    "area_code": mine.code,
                    "unit": "不存在的单位",
                },  # 6
            ],
        ),
        兼职委员=(
            PART_TIME_COLUMNS,
            [
                {"name": "甲", "unit": "好单位", "committee_code": "NOPE"},  # 2
                {"name": "乙", "unit": "好单位", "committee_code": "Z1", "term_start": "2024-13-01"},  # 3
                {
                    "name": "丙",
                    "unit": "好单位",
                    "committee_code": "Z1",
                    "term_start": "2025-01-01",
                    "term_end": "2024-01-01",
                },  # 4
            ],
        ),
    )
    before = counts()
    err = StringIO()
    errors_out = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_orgs",
            str(path),
            actor="community_x",
            errors_out=str(errors_out),
            stdout=StringIO(),
            stderr=err,
        )
    assert counts() == before
    lines = err.getvalue().splitlines()
    expected = [
        ("单位", 3, "类型"),
        ("单位", 4, "名称"),
        ("单位", 5, "统一社会信用代码"),
        ("单位", 6, "统一社会信用代码"),
        ("单位", 7, "联系电话"),
        ("单位", 8, "职工人数"),
        ("单位", 9, "所在区域代码"),
        ("单位", 10, "所在区域代码"),
        ("单位", 11, "名称"),
        ("党组织", 3, "组织类型"),
        ("党组织", 4, "组织代码"),
        ("党组织", 5, "上级组织代码"),
        ("党组织", 6, "所在单位"),
        ("兼职委员", 2, "兼职党组织代码"),
        ("兼职委员", 3, "任期开始"),
        ("兼职委员", 4, "任期结束"),
    ]
    for sheet, number, column in expected:
        prefix = f"“{sheet}”表第{number}行【{column}】："
        assert any(line.startswith(prefix) for line in lines), (prefix, lines)
    assert not any(line.startswith(("“单位”表第2行", "“党组织”表第2行")) for line in lines)
    assert any("校验位错误" in line for line in lines)
    # 兼职委员 of a branch (in a community, but a branch is fine) vs of the district committee:
    # The report: one worksheet per source sheet ("单位错误"…), 行号, 列, 原因 and then the row's
    # original columns (as the upload page's report).
    book = load_workbook(errors_out)
    found = set()
    originals: dict[tuple[str, int], list] = {}
    for ws in book.worksheets:
        sheet = ws.title.removesuffix("错误")
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0][:3]) == ["行号", "列", "原因"]
        for r in rows[1:]:
            found.add((sheet, int(r[0]), r[1]))
            originals[(sheet, int(r[0]))] = list(r[3:])
    assert found >= set(expected)
    assert "校验位错误" in " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
    )
    assert any("兼职" in str(v) or v for v in originals[("兼职委员", 4)])  # the row's own values follow


def test_committee_must_be_street_or_community(city, tmp_path):
    path = workbook(
        tmp_path / "pt.xlsx",
        兼职委员=(PART_TIME_COLUMNS, [{"name": "甲", "unit": "区城管局", "committee_path": "中共芝罘区委"}]),
    )
    with pytest.raises(CommandError):
        run(str(path), actor="district_admin")
    assert not PartTimeMember.objects.exists()


def test_single_sheet_csv_with_kind_and_dry_run(city, tmp_path):
    path = tmp_path / "units.csv"
    header = ",".join(c.header for c in UNIT_COLUMNS)
    line = f"物业企业,某物业公司,{CODE_B},{city.communities[1].code},,,,0535 6661234,10,2,,"
    path.write_bytes(("\ufeff" + header + "\n" + line + "\n").encode("utf-8"))
    with pytest.raises(CommandError, match="--kind"):
        run(str(path))
    before = counts()
    out, _err = run(str(path), kind="units", dry_run=True, actor="street_staff")
    assert "试运行" in out and counts() == before
    run(str(path), kind="units", actor="street_staff")
    unit = Unit.objects.get(name="某物业公司")
    assert unit.kind == UnitKind.PROPERTY_COMPANY and unit.contact_phone == "0535-6661234"


def test_unreadable_files(city, tmp_path):
    text = tmp_path / "orgs.txt"
    text.write_text("x")
    with pytest.raises(CommandError, match="不支持的文件类型"):
        run(str(text))
    other = workbook(tmp_path / "other.xlsx", 别的表=(UNIT_COLUMNS, []))
    with pytest.raises(CommandError, match="--kind"):
        run(str(other))


def _snapshot():
    units = {
        (
            u.kind,
            u.name,
            u.credit_code,
            u.area_id,
            u.address,
            u.contact_name,
            u.contact_phone,
            u.staff_count,
            u.member_count,
        )
        for u in Unit.objects.all()
    }
    by_path = {o.path: o for o in PartyOrg.objects.select_related("unit")}
    orgs = {
        (
            o.kind,
            o.name,
            o.code,
            o.area_id,
            o.unit.name if o.unit else "",
            o.secretary,
            o.member_count,
            by_path[o.path[:-4]].name if o.depth > 1 else "",
            o.depth,
        )
        for o in by_path.values()
    }
    members = {
        (m.name, m.unit.name, m.unit_post, m.committee.name, m.post, m.term_start, m.term_end)
        for m in PartTimeMember.objects.select_related("unit", "committee")
    }
    return units, orgs, members


def flush(*models):
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def test_export_round_trip(city, tmp_path):
    make_user("root", superuser=True)
    hospital = Unit.objects.create(
        kind=UnitKind.RESIDENT_UNIT,
        name="市第一医院",
        credit_code=CODE_A,
        area=city.communities[0],
        contact_name="王某",
        contact_phone="13812345678",
        staff_count=800,
        member_count=120,
        address="某路1号",
    )
    branch = PartyOrg.objects.add_child(
        city.orgs[city.communities[0].name],
        create_kwargs={
            "kind": OrgKind.BRANCH,
            "name": "医院党支部",
            "code": "HB1",
            "area": city.communities[0],
            "unit": hospital,
            "secretary": "李某",
            "member_count": 120,
        },
    )
    PartTimeMember.objects.create(
        name="张某",
        unit=hospital,
        unit_post="院长",
        committee=city.orgs[city.communities[0].name],
        term_start=dt.date(2024, 1, 1),
    )
    PartTimeMember.objects.create(
        name="赵某", unit=city.units[1], committee=PartyOrg.objects.get_parent(branch)
    )
    before = _snapshot()
    target = tmp_path / "orgs.xlsx"
    out = StringIO()
    call_command("export_orgs", str(target), stdout=out)
    assert "单位6个、党组织8个、兼职委员2名" in out.getvalue()
    assert load_workbook(target, read_only=True).sheetnames == ["单位", "党组织", "兼职委员"]
    assert AuditEntry.objects.filter(action="export_unmasked", target_type="orgs.unit").exists()
    from quanyu.accounts.models import RoleGrant

    RoleGrant.objects.filter(unit__isnull=False).update(unit=None)
    flush(PartTimeMember, PartyOrg, Unit)
    assert not Unit.objects.exists()
    run(str(target), actor="root")
    assert _snapshot() == before


def test_export_masks_phones_the_actor_may_not_see(city, tmp_path):
    Unit.objects.create(
        kind=UnitKind.RESIDENT_UNIT, name="某单位", area=city.communities[0], contact_phone="13812345678"
    )
    target = tmp_path / "orgs.xlsx"
    call_command("export_orgs", str(target), actor="resident", stdout=StringIO())
    rows = list(load_workbook(target, read_only=True)["单位"].iter_rows(min_row=2, values_only=True))
    assert {r[1]: r[7] for r in rows}["某单位"] == "138****5678"  # sees the unit, may not reveal the phone
    assert not AuditEntry.objects.filter(action="export_unmasked").exists()
    call_command("export_orgs", str(target), actor="community_x", stdout=StringIO())
    rows = list(load_workbook(target, read_only=True)["单位"].iter_rows(min_row=2, values_only=True))
    assert {r[1]: r[7] for r in rows}["某单位"] == "13812345678"  # community staff may: in full, audited
    assert AuditEntry.objects.filter(action="export_unmasked", actor_name="community_x").exists()
