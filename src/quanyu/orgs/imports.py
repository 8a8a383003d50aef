"""Import and export of units, party organisations and part-time committee members (xlsx).

One workbook holds up to three sheets, named 单位 (units), 党组织 (party organisations) and
兼职委员 (part-time committee members); ``org_write_template`` writes all three with their Chinese
headers and an example row each. A single-sheet file (or a CSV) is read with ``kind`` =
``units`` / ``orgs`` / ``part-time``. Rows may refer to rows of the other sheets of the same
workbook (a party organisation's 所在单位, a member's 兼职党组织) or to what the database holds
within the actor's scope.

As for areas: ``org_records_from_file`` reads, ``org_import_validate`` checks every row of every
sheet and returns a plan or the row errors, ``org_import_write`` writes a valid plan through
``orgs.services`` in one transaction. A file with any bad row changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.accounts.permissions import can_edit_registry, can_reveal_pii
from quanyu.areas.geometry import validate_point
from quanyu.areas.imports import (
    PATH_SEPARATOR,
    TreePathIndex,
    TreeRow,
    areas_by_code,
    check_unique_codes,
    parse_count,
    parse_name_path,
    resolve_tree_parents,
    tree_depths,
)
from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.idnumber import normalize_phone
from quanyu.core.pii import mask_phone
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    read_rows,
    sheet_names,
    write_sheets,
    write_template_sheets,
)
from quanyu.core.trees import NewNode
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg, Unit, UnitKind
from quanyu.orgs.services import part_time_member_bulk_create, party_org_bulk_create, unit_bulk_create

UNITS, ORGS, PART_TIME = "units", "orgs", "part-time"
SHEETS = {UNITS: "单位", ORGS: "党组织", PART_TIME: "兼职委员"}
COMMITTEE_AREA_KINDS = frozenset({AreaKind.STREET, AreaKind.COMMUNITY})

_AREA_HELP = "区域的代码；区域没有代码时改填“{path}”"
UNIT_COLUMNS = [
    Column("kind", "类型", required=True, example="驻区单位", help="、".join(str(k.label) for k in UnitKind)),
    Column("name", "名称", required=True, example="烟台市某某医院", width=24),
    Column(
        "credit_code",
        "统一社会信用代码",
        example="91350100M000100Y43",
        help="18位，按 GB 32100-2015 校验末位校验码",
        width=22,
    ),
    Column("area_code", "所在区域代码", example="370602001001", help=_AREA_HELP.format(path="所在区域名称")),
    Column("area_path", "所在区域名称", example="", help="区域的名称路径，自上而下用“/”分隔", width=24),
    Column("address", "地址", example="芝罘区某某路1号", width=24),
    Column("contact_name", "联系人", example="王某", width=10),
    Column("contact_phone", "联系电话", example="0535-6661234", help="手机号或带区号的固定电话", width=16),
    Column("staff_count", "职工人数", example="120", width=10),
    Column("member_count", "党员人数", example="35", width=10),
    Column("lon", "经度", example="", width=12),
    Column("lat", "纬度", example="", width=12),
]
ORG_COLUMNS = [
    Column(
        "kind", "组织类型", required=True, example="党支部", help="、".join(str(k.label) for k in OrgKind)
    ),
    Column("name", "组织名称", required=True, example="某某社区第一党支部", width=24),
    Column("code", "组织代码", example="ZZ0001", help="在文件和系统中都不能重复；下级可用它指定上级"),
    Column("parent_code", "上级组织代码", example="ZZ0000", help="上级组织没有代码时改填“上级组织名称”"),
    Column("parent_path", "上级组织名称", example="", help="上级组织的名称路径，自上而下用“/”分隔", width=30),
    Column("area_code", "所属区域代码", example="370602001001", help=_AREA_HELP.format(path="所属区域名称")),
    Column("area_path", "所属区域名称", example="", help="区域的名称路径，自上而下用“/”分隔", width=24),
    Column(
        "unit", "所在单位", example="", help="单位的统一社会信用代码或名称（本文件“单位”表中或系统中已有）"
    ),
    Column("secretary", "书记", example="李某", width=10),
    Column("member_count", "党员人数", example="28", width=10),
]
PART_TIME_COLUMNS = [
    Column("name", "姓名", required=True, example="张某", width=10),
    Column("unit", "所在单位", required=True, example="烟台市某某医院", help="统一社会信用代码或单位名称"),
    Column("unit_post", "单位职务", example="党委书记"),
    Column("committee_code", "兼职党组织代码", example="ZZ0000", help="街道或社区党组织的组织代码"),
    Column("committee_path", "兼职党组织名称", example="", help="党组织没有代码时填写名称路径", width=30),
    Column("post", "兼任职务", example="兼职委员", help="不填则为“兼职委员”"),
    Column("term_start", "任期开始", example="2024-01-01", help="日期，如 2024-01-01"),
    Column("term_end", "任期结束", example="2026-12-31"),
]
COLUMNS = {UNITS: UNIT_COLUMNS, ORGS: ORG_COLUMNS, PART_TIME: PART_TIME_COLUMNS}

_UNIT_KIND = {str(k.label): k.value for k in UnitKind} | {k.value: k.value for k in UnitKind}
_ORG_KIND = {str(k.label): k.value for k in OrgKind} | {k.value: k.value for k in OrgKind}


# --- Validators --------------------------------------------------------------------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: Any) -> str:
    """The normalised unified social credit code (统一社会信用代码) or ValidationError."""
    code = str(value or "").strip().replace(" ", "").upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)})
    if not _CREDIT_RE.match(code):
        raise ValidationError(_("统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z，第3-8位为数字）"))
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位错误（应为%(c)s）") % {"c": credit_check_char(code[:17])}
        )
    return code


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area codes: 010 and 020–029 have three digits, the others four.
_LANDLINE_RE = re.compile(
    r"^(01\d|02\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:(?:-|转|#|ext\.?)(\d{1,6}))?$", re.IGNORECASE
)
_SERVICE_RE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


def validate_phone(value: Any) -> str:
    """A mainland mobile number, a landline with area code (0535-6661234, extension allowed) or a
    400/800 number, normalised; ValidationError otherwise."""
    raw = str(value or "").strip()
    text = re.sub(r"[\s()（）]", "", raw)
    if text.startswith("+86"):
        text = text[3:]
    mobile = normalize_phone(text)
    if _MOBILE_RE.match(mobile):
        return mobile
    match = _LANDLINE_RE.match(text)
    if match:
        area_code, number, extension = match.groups()
        return f"{area_code}-{number}" + (f"-{extension}" if extension else "")
    match = _SERVICE_RE.match(text)
    if match:
        return "-".join(match.groups())
    raise ValidationError(_("联系电话“%(v)s”格式不正确：应为手机号或带区号的固定电话") % {"v": raw})


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for separator in ("-", "/", ".", "年"):
        text = text.replace(separator, "-")
    text = text.replace("月", "-").replace("日", "").strip("-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("日期“%(v)s”无法识别，应为 2024-01-01 这样的格式") % {"v": value}) from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class OrgRecords:
    sheets: dict[str, list[tuple[int, dict[str, Any]]]]  # kind -> records
    single: bool = False  # a single-sheet file: errors need not name the sheet


def org_records_from_file(path: str | Path, *, kind: str | None = None) -> OrgRecords:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".xlsm", ".csv", ".xls"}:
        raise SpreadsheetError(
            _("不支持的文件类型“%(suffix)s”：请使用 .xlsx 文件（单表也可用 .csv）")
            % {"suffix": suffix or path.name}
        )
    if kind is not None:
        if kind not in COLUMNS:
            raise SpreadsheetError(_("未知的导入类型“%(kind)s”") % {"kind": kind})
        return OrgRecords(sheets={kind: list(read_rows(path, COLUMNS[kind]))}, single=True)
    if suffix == ".csv":
        raise SpreadsheetError(_("CSV 文件只有一张表，请用 --kind units|orgs|part-time 指明内容"))
    present = set(sheet_names(path))
    wanted = [k for k, title in SHEETS.items() if title in present]
    if not wanted:
        raise SpreadsheetError(
            _("文件中没有“单位”“党组织”“兼职委员”工作表；单表文件请用 --kind 指明内容")
            + "（units、orgs、part-time）"
        )
    return OrgRecords(sheets={k: list(read_rows(path, COLUMNS[k], sheet=SHEETS[k])) for k in wanted})


# --- Validation --------------------------------------------------------------------------------


@dataclass
class OrgImportPlan:
    units: list[Unit] = field(default_factory=list)
    org_nodes: list[NewNode] = field(default_factory=list)
    members: list[PartTimeMember] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("单位%(u)d个、党组织%(o)d个、兼职委员%(m)d名") % {
            "u": len(self.units),
            "o": len(self.org_nodes),
            "m": len(self.members),
        }


@dataclass
class _OrgRow(TreeRow):
    kind: str = ""
    area: Area | None = None
    unit: Any = None  # ("db", Unit) / ("row", index into the units sheet)
    secretary: str = ""
    member_count: int = 0


class _AreaFinder:
    """Areas by code or name path, within the actor's scope, fetched in two queries per sheet."""

    def __init__(self, actor: Any, records: list[tuple[int, dict[str, Any]]]) -> None:
        self.visible = scope(Area.objects.defer("geometry"), actor=actor)
        codes = {_text(r.get("area_code")) for _n, r in records} - {""}
        self.by_code = areas_by_code(codes, queryset=self.visible)
        paths = [parse_name_path(r.get("area_path")) for _n, r in records if not _text(r.get("area_code"))]
        self.index = TreePathIndex(Area, self.visible, [p for p in paths if p])

    def find(self, record: dict[str, Any], err: Callable[[str, str], None]) -> Area | None:
        code = _text(record.get("area_code"))
        path = parse_name_path(record.get("area_path"))
        if code:
            found = self.by_code.get(code, [])
            key, shown = "area_code", code
        elif path:
            found = self.index.find(path)
            key, shown = "area_path", PATH_SEPARATOR.join(path)
        else:
            err("area_code", _("请填写区域代码或区域名称"))
            return None
        if not found:
            err(key, _("区域“%(v)s”不存在或不在您的管辖范围内") % {"v": shown})
            return None
        if len(found) > 1:
            err(key, _("区域“%(v)s”不唯一，请改用区域代码或更完整的名称路径") % {"v": shown})
            return None
        return found[0]


class _Checker:
    """Collects errors and caches the actor's rights per area."""

    def __init__(self, actor: Any, single: bool) -> None:
        self.actor = actor
        self.single = single
        self.errors: list[RowError] = []
        self._rights: dict[str, bool] = {}

    def sink(self, kind: str) -> Callable[[int, str, str], None]:
        headers = {c.key: c.header for c in COLUMNS[kind]}
        sheet = "" if self.single else SHEETS[kind]

        def err(number: int, key: str, message: str) -> None:
            self.errors.append(RowError(number, headers.get(key, key), message, sheet=sheet))

        return err

    def may_edit(self, area: Area) -> bool:
        if area.path not in self._rights:
            self._rights[area.path] = can_edit_registry(self.actor, at_path=area.path)
        return self._rights[area.path]


def _count(record: dict[str, Any], key: str, err: Callable[[str, str], None]) -> int:
    try:
        return parse_count(record.get(key))
    except ValidationError as exc:
        err(key, exc.messages[0])
        return 0


def _limit(value: str, key: str, limit: int, err: Callable[[str, str], None]) -> str:
    if len(value) > limit:
        err(key, _("不能超过%(n)d个字") % {"n": limit})
    return value[:limit]


def _validate_units(
    records: list[tuple[int, dict[str, Any]]], checker: _Checker
) -> tuple[list[Unit], dict[str, int], dict[str, list[int]]]:
    """Units and their indexes by credit code and by name (for the other sheets)."""
    sink = checker.sink(UNITS)
    finder = _AreaFinder(checker.actor, records)
    units: list[Unit] = []
    by_credit: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    seen_names: dict[tuple[str, str], int] = {}
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        kind_text = _text(record.get("kind"))
        kind = _UNIT_KIND.get(kind_text, "")
        if not kind:
            err(
                "kind",
                _("未知的单位类型“%(v)s”（应为 %(all)s 之一）")
                % {"v": kind_text, "all": "、".join(_UNIT_KIND)},
            )
        name = _limit(_text(record.get("name")), "name", 150, err)
        if not name:
            err("name", _("名称不能为空"))
        elif kind and (kind, name) in seen_names:
            err("name", _("与第%(n)d行的单位同类型同名") % {"n": seen_names[(kind, name)]})
        elif kind:
            seen_names[(kind, name)] = number
        credit = ""
        if _text(record.get("credit_code")):
            try:
                credit = validate_credit_code(record.get("credit_code"))
            except ValidationError as exc:
                err("credit_code", exc.messages[0])
            else:
                if credit in by_credit:
                    err("credit_code", _("与第%(n)d行重复") % {"n": records[by_credit[credit]][0]})
        area = finder.find(record, err)
        if area is not None and not checker.may_edit(area):
            err("area_code", _("您无权在“%(name)s”维护单位") % {"name": area.name})
        phone = ""
        if _text(record.get("contact_phone")):
            try:
                phone = validate_phone(record.get("contact_phone"))
            except ValidationError as exc:
                err("contact_phone", exc.messages[0])
        lon = lat = None
        if _text(record.get("lon")) or _text(record.get("lat")):
            try:
                lon, lat = validate_point(record.get("lon"), record.get("lat"))
            except ValidationError as exc:
                err("lon", exc.messages[0])
        unit = Unit(
            kind=kind,
            name=name,
            credit_code=credit,
            area=area,
            address=_limit(_text(record.get("address")), "address", 200, err),
            contact_name=_limit(_text(record.get("contact_name")), "contact_name", 50, err),
            contact_phone=phone,
            staff_count=_count(record, "staff_count", err),
            member_count=_count(record, "member_count", err),
            lon=lon,
            lat=lat,
        )
        if credit and credit not in by_credit:
            by_credit[credit] = len(units)
        by_name[name].append(len(units))
        units.append(unit)
    # Against the database: a unit of the same kind and name, or the same credit code.
    names = {(u.kind, u.name) for u in units if u.kind and u.name}
    credits = set(by_credit)
    existing_names = set()
    for kind in {k for k, _n in names}:
        wanted = sorted(n for k, n in names if k == kind)
        existing_names |= {
            (kind, n) for n in Unit.objects.filter(kind=kind, name__in=wanted).values_list("name", flat=True)
        }
    existing_credits = set(
        Unit.objects.filter(credit_code__in=sorted(credits)).values_list("credit_code", flat=True)
    )
    for (number, _record), unit in zip(records, units, strict=True):
        if (unit.kind, unit.name) in existing_names:
            sink(number, "name", _("系统中已有同类型同名的单位“%(name)s”") % {"name": unit.name})
        if unit.credit_code in existing_credits:
            sink(number, "credit_code", _("统一社会信用代码“%(c)s”在系统中已存在") % {"c": unit.credit_code})
    return units, by_credit, by_name


class _UnitFinder:
    """A unit by credit code or name: in the file's units sheet first, then the actor's scope."""

    def __init__(
        self,
        actor: Any,
        refs: set[str],
        units: list[Unit],
        by_credit: dict[str, int],
        by_name: dict[str, list[int]],
    ) -> None:
        self.units, self.by_credit, self.by_name = units, by_credit, by_name
        visible = scope(Unit.objects.select_related("area"), actor=actor)
        self.db: dict[str, list[Unit]] = defaultdict(list)
        refs = refs | {r.upper() for r in refs}
        for unit in visible.filter(credit_code__in=sorted(refs)):
            self.db[unit.credit_code].append(unit)
        for unit in visible.filter(name__in=sorted(refs)):
            if unit not in self.db[unit.name]:
                self.db[unit.name].append(unit)

    def find(self, ref: str, key: str, err: Callable[[str, str], None]) -> tuple[str, Any] | None:
        upper = ref.upper()
        if upper in self.by_credit:
            return ("row", self.by_credit[upper])
        in_file = self.by_name.get(ref, [])
        in_db = self.db.get(upper, []) or self.db.get(ref, [])
        if len(in_file) + len(in_db) == 0:
            err(key, _("单位“%(v)s”在本文件和系统中都找不到，或不在您的管辖范围内") % {"v": ref})
            return None
        if len(in_file) + len(in_db) > 1:
            err(key, _("单位名称“%(v)s”不唯一，请改填统一社会信用代码") % {"v": ref})
            return None
        return ("row", in_file[0]) if in_file else ("db", in_db[0])


def _resolve_unit(ref: tuple[str, Any] | None, units: list[Unit]) -> Unit | None:
    if ref is None:
        return None
    return units[ref[1]] if ref[0] == "row" else ref[1]


def _validate_orgs(
    records: list[tuple[int, dict[str, Any]]], checker: _Checker, unit_finder: Callable[[], _UnitFinder]
) -> tuple[list[_OrgRow], dict[int, int]]:
    sink = checker.sink(ORGS)
    finder = _AreaFinder(checker.actor, records)
    units = unit_finder()
    rows: list[_OrgRow] = []
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        row = _OrgRow(number=number)
        kind_text = _text(record.get("kind"))
        row.kind = _ORG_KIND.get(kind_text, "")
        if not row.kind:
            err(
                "kind",
                _("未知的组织类型“%(v)s”（应为 %(all)s 之一）")
                % {"v": kind_text, "all": "、".join(_ORG_KIND)},
            )
        row.name = _limit(_text(record.get("name")), "name", 150, err)
        if not row.name:
            err("name", _("组织名称不能为空"))
        row.code = _limit(_text(record.get("code")), "code", 32, err)
        row.parent_code = _text(record.get("parent_code"))
        row.parent_path = parse_name_path(record.get("parent_path"))
        row.area = finder.find(record, err)
        if row.area is not None and not checker.may_edit(row.area):
            err("area_code", _("您无权在“%(name)s”维护党组织") % {"name": row.area.name})
        if _text(record.get("unit")):
            row.unit = units.find(_text(record.get("unit")), "unit", err)
        row.secretary = _limit(_text(record.get("secretary")), "secretary", 50, err)
        row.member_count = _count(record, "member_count", err)
        rows.append(row)

    visible = scope(PartyOrg.objects.all(), actor=checker.actor)

    def orgs_by_code(codes: set[str], queryset: Any = None) -> dict[str, list[PartyOrg]]:
        found: dict[str, list[PartyOrg]] = defaultdict(list)
        for org in (PartyOrg.objects.all() if queryset is None else queryset).filter(code__in=sorted(codes)):
            found[org.code].append(org)
        return found

    def sink_row(number: int, key: str, message: str) -> None:
        sink(number, key, message)

    first_by_code = check_unique_codes(
        rows, lambda codes: {c: orgs[0].name for c, orgs in orgs_by_code(codes).items()}, sink_row
    )
    wanted = {r.parent_code for r in rows if r.parent_code and r.parent_code not in first_by_code}
    db_by_code = orgs_by_code(wanted, visible)
    index = TreePathIndex(
        PartyOrg,
        visible,
        [r.parent_path for r in rows if not r.parent_code and r.parent_path],
        also=[o for orgs in db_by_code.values() for o in orgs],
    )
    resolve_tree_parents(rows, first_by_code=first_by_code, db_by_code=db_by_code, index=index, err=sink_row)
    depth = tree_depths(rows, sink_row)
    return rows, depth


def _file_org_chains(rows: list[_OrgRow]) -> list[list[str]]:
    """The full name path of each organisation of the file (through its parents in the file and,
    above them, in the database), for finding a committee by name path."""
    names = _NamePaths(PartyOrg)
    names.load({r.parent[1].path for r in rows if r.parent is not None and r.parent[0] == "db"})
    chains = []
    for i in range(len(rows)):
        chain: list[str] = []
        seen: set[int] = set()
        current = i
        while current not in seen:
            seen.add(current)
            chain.append(rows[current].name)
            parent = rows[current].parent
            if parent is None or parent[0] == "root":
                break
            if parent[0] == "db":
                chain.extend(reversed(names.of(parent[1].path).split(PATH_SEPARATOR)))
                break
            current = parent[1]
        chains.append(chain[::-1])
    return chains


def _validate_members(
    records: list[tuple[int, dict[str, Any]]],
    checker: _Checker,
    unit_finder: Callable[[], _UnitFinder],
    org_rows: list[_OrgRow],
) -> list[tuple[PartTimeMember, tuple[str, Any] | None, tuple[str, Any] | None]]:
    sink = checker.sink(PART_TIME)
    units = unit_finder()
    visible = scope(PartyOrg.objects.select_related("area"), actor=checker.actor)
    file_by_code = {r.code: i for i, r in enumerate(org_rows) if r.code}
    codes = {_text(r.get("committee_code")) for _n, r in records} - {""}
    db_by_code: dict[str, list[PartyOrg]] = defaultdict(list)
    for org in visible.filter(code__in=sorted(codes)):
        db_by_code[org.code].append(org)
    paths = [
        parse_name_path(r.get("committee_path")) for _n, r in records if not _text(r.get("committee_code"))
    ]
    index = TreePathIndex(PartyOrg, visible, [p for p in paths if p])
    org_names: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(org_rows):
        org_names[r.name].append(i)
    chains = _file_org_chains(org_rows) if any(paths) else []
    result = []
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        name = _limit(_text(record.get("name")), "name", 50, err)
        if not name:
            err("name", _("姓名不能为空"))
        unit_ref = None
        if _text(record.get("unit")):
            unit_ref = units.find(_text(record.get("unit")), "unit", err)
        else:
            err("unit", _("所在单位不能为空"))
        code = _text(record.get("committee_code"))
        path = parse_name_path(record.get("committee_path"))
        committee: tuple[str, Any] | None = None
        if code:
            if code in file_by_code:
                committee = ("row", file_by_code[code])
            elif len(db_by_code.get(code, [])) == 1:
                committee = ("db", db_by_code[code][0])
            else:
                err("committee_code", _("党组织代码“%(v)s”找不到、不唯一或不在您的管辖范围内") % {"v": code})
        elif path:
            in_db = index.find(path)
            in_file = [i for i in org_names.get(path[-1], []) if chains[i][-len(path) :] == path]
            if len(in_db) + len(in_file) == 1:
                committee = ("db", in_db[0]) if in_db else ("row", in_file[0])
            else:
                err(
                    "committee_path",
                    _("党组织“%(v)s”找不到、不唯一或不在您的管辖范围内") % {"v": PATH_SEPARATOR.join(path)},
                )
        else:
            err("committee_code", _("请填写兼职党组织代码或名称"))
        if committee is not None:
            area = committee[1].area if committee[0] == "db" else org_rows[committee[1]].area
            if area is not None and area.kind not in COMMITTEE_AREA_KINDS:
                err(
                    "committee_code" if code else "committee_path",
                    _("兼职委员只能任职于街道或社区党组织（该组织属于%(kind)s）") % {"kind": area.kind_label},
                )
            elif area is not None and not checker.may_edit(area):
                err("committee_code" if code else "committee_path", _("您无权维护该党组织的兼职委员"))
        dates = []
        for key in ("term_start", "term_end"):
            try:
                dates.append(parse_date(record.get(key)))
            except ValidationError as exc:
                err(key, exc.messages[0])
                dates.append(None)
        if dates[0] and dates[1] and dates[1] < dates[0]:
            err("term_end", _("任期结束不能早于任期开始"))
        member = PartTimeMember(
            name=name,
            unit_post=_limit(_text(record.get("unit_post")), "unit_post", 100, err),
            post=_limit(_text(record.get("post")), "post", 50, err) or "兼职委员",
            term_start=dates[0],
            term_end=dates[1],
        )
        result.append((member, unit_ref, committee))
    return result


def org_import_validate(*, actor: Any, source: OrgRecords) -> OrgImportPlan:
    """Check every row of every sheet; the plan to write, or the errors (sorted by sheet and row)."""
    checker = _Checker(actor, source.single)
    units: list[Unit] = []
    by_credit: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    if UNITS in source.sheets:
        units, by_credit, by_name = _validate_units(source.sheets[UNITS], checker)
    cached: list[_UnitFinder] = []

    def unit_finder() -> _UnitFinder:
        if not cached:
            refs = {
                _text(r.get("unit"))
                for kind in (ORGS, PART_TIME)
                for _n, r in source.sheets.get(kind, [])
                if _text(r.get("unit"))
            }
            cached.append(_UnitFinder(actor, refs, units, by_credit, by_name))
        return cached[0]

    org_rows: list[_OrgRow] = []
    depth: dict[int, int] = {}
    if ORGS in source.sheets:
        org_rows, depth = _validate_orgs(source.sheets[ORGS], checker, unit_finder)
    members = (
        _validate_members(source.sheets[PART_TIME], checker, unit_finder, org_rows)
        if PART_TIME in source.sheets
        else []
    )
    if checker.errors:
        sheet_order = list(SHEETS.values())
        checker.errors.sort(key=lambda e: (sheet_order.index(e.sheet) if e.sheet else 0, e.row))
        return OrgImportPlan(errors=checker.errors)

    order = sorted(range(len(org_rows)), key=lambda i: (depth[i], i))
    position = {i: n for n, i in enumerate(order)}
    nodes: list[NewNode] = []
    for i in order:
        row = org_rows[i]
        instance = PartyOrg(
            kind=row.kind,
            name=row.name,
            code=row.code,
            area=row.area,
            unit=_resolve_unit(row.unit, units),
            secretary=row.secretary,
            member_count=row.member_count,
        )
        where, parent = row.parent  # type: ignore[misc]
        if where == "db":
            nodes.append(NewNode(instance, parent=parent))
        elif where == "row":
            nodes.append(NewNode(instance, parent_index=position[parent]))
        else:
            nodes.append(NewNode(instance))
    plan_members = []
    for member, unit_ref, committee in members:
        member.unit = _resolve_unit(unit_ref, units)  # type: ignore[assignment]
        assert committee is not None
        member.committee = committee[1] if committee[0] == "db" else nodes[position[committee[1]]].instance  # type: ignore[assignment]
        plan_members.append(member)
    return OrgImportPlan(units=units, org_nodes=nodes, members=plan_members)


# --- Writing -----------------------------------------------------------------------------------


def org_import_write(*, actor: Any, plan: OrgImportPlan) -> OrgImportPlan:
    """Write units, then party organisations, then part-time members, in one transaction."""
    if not plan.ok:
        raise ValueError("cannot write a plan with errors")
    with transaction.atomic():
        if plan.units:
            unit_bulk_create(actor=actor, units=plan.units)
        # Organisations and members point at instances saved just before (units, then
        # organisations); Django takes their new ids when it saves the rows that refer to them.
        if plan.org_nodes:
            party_org_bulk_create(actor=actor, nodes=plan.org_nodes)
        if plan.members:
            part_time_member_bulk_create(actor=actor, members=plan.members)
    return plan


def org_import_file(
    *, actor: Any, path: str | Path, kind: str | None = None, dry_run: bool = False
) -> OrgImportPlan:
    plan = org_import_validate(actor=actor, source=org_records_from_file(path, kind=kind))
    if plan.ok and not dry_run:
        org_import_write(actor=actor, plan=plan)
    return plan


def org_write_template(target: Any, *, kind: str | None = None) -> None:
    kinds = [kind] if kind else list(SHEETS)
    write_template_sheets(target, [(SHEETS[k], COLUMNS[k]) for k in kinds])


# --- Export ------------------------------------------------------------------------------------


class _NamePaths:
    """Full name paths of tree nodes (areas or party organisations), ancestors fetched in batches."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.names: dict[str, str] = {}

    def load(self, paths: set[str]) -> None:
        steplen = self.model.steplen
        prefixes = {p[: steplen * i] for p in paths for i in range(1, len(p) // steplen + 1)} - set(
            self.names
        )
        for batch in _batches(sorted(prefixes)):
            self.names.update(self.model.objects.filter(path__in=batch).values_list("path", "name"))

    def of(self, path: str) -> str:
        steplen = self.model.steplen
        return PATH_SEPARATOR.join(
            self.names.get(path[: steplen * i], "") for i in range(1, len(path) // steplen + 1)
        )


def _batches(values: list[str], size: int = 900) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def org_export(*, actor: Any, target: Any) -> list[int]:
    """Write the actor's units, party organisations and part-time members to one workbook with the
    template's three sheets; returns the row count of each. Phone numbers are written in full only
    where the actor may reveal them (and that export is audited); otherwise masked."""
    units = list(scope(Unit.objects.select_related("area"), actor=actor).order_by("kind", "name", "id"))
    orgs = list(scope(PartyOrg.objects.select_related("area", "unit"), actor=actor).order_by("path"))
    members = list(
        scope(PartTimeMember.objects.select_related("unit", "committee"), actor=actor).order_by(
            "committee__path", "id"
        )
    )
    area_paths = _NamePaths(Area)
    area_paths.load({u.area.path for u in units} | {o.area.path for o in orgs})
    org_paths = _NamePaths(PartyOrg)
    org_paths.load({o.path for o in orgs} | {m.committee.path for m in members})
    parent_codes = dict(
        PartyOrg.objects.filter(
            path__in={o.path[: -PartyOrg.steplen] for o in orgs if o.depth > 1}
        ).values_list("path", "code")
    )
    revealed = 0

    def unit_ref(unit: Unit | None) -> str:
        return "" if unit is None else unit.credit_code or unit.name

    def unit_rows() -> Iterator[dict[str, Any]]:
        nonlocal revealed
        for u in units:
            phone = u.contact_phone
            if phone and can_reveal_pii(actor, at_path=u.area.path):
                revealed += 1
            else:
                phone = mask_phone(phone)
            yield {
                "kind": u.get_kind_display(),
                "name": u.name,
                "credit_code": u.credit_code,
                "area_code": u.area.code,
                "area_path": area_paths.of(u.area.path),
                "address": u.address,
                "contact_name": u.contact_name,
                "contact_phone": phone,
                "staff_count": u.staff_count,
                "member_count": u.member_count,
                "lon": u.lon if u.lon is not None else "",
                "lat": u.lat if u.lat is not None else "",
            }

    def org_rows() -> Iterator[dict[str, Any]]:
        for o in orgs:
            parent_path = o.path[: -PartyOrg.steplen] if o.depth > 1 else ""
            yield {
                "kind": o.get_kind_display(),
                "name": o.name,
                "code": o.code,
                "parent_code": parent_codes.get(parent_path, ""),
                "parent_path": org_paths.of(parent_path) if parent_path else "",
                "area_code": o.area.code,
                "area_path": area_paths.of(o.area.path),
                "unit": unit_ref(o.unit),
                "secretary": o.secretary,
                "member_count": o.member_count,
            }

    def member_rows() -> Iterator[dict[str, Any]]:
        for m in members:
            yield {
                "name": m.name,
                "unit": unit_ref(m.unit),
                "unit_post": m.unit_post,
                "committee_code": m.committee.code,
                "committee_path": "" if m.committee.code else org_paths.of(m.committee.path),
                "post": m.post,
                "term_start": m.term_start or "",
                "term_end": m.term_end or "",
            }

    counts = write_sheets(
        target,
        [
            (SHEETS[UNITS], UNIT_COLUMNS, unit_rows()),
            (SHEETS[ORGS], ORG_COLUMNS, org_rows()),
            (SHEETS[PART_TIME], PART_TIME_COLUMNS, member_rows()),
        ],
    )
    detail = {"units": counts[0], "party_orgs": counts[1], "part_time_members": counts[2]}
    audit_record(actor=actor, action="export", target_type="orgs.unit", detail=detail)
    if revealed:
        audit_record(
            actor=actor,
            action="export_unmasked",
            target_type="orgs.unit",
            fields="contact_phone",
            detail={"revealed": revealed},
        )
    return counts
