"""The workbook's three sheets (单位, 党组织, 兼职委员): their columns and reading them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from quanyu.areas.models import AreaKind
from quanyu.core.spreadsheets import Column, SpreadsheetError, read_rows, sheet_names
from quanyu.orgs.models import OrgKind, UnitKind

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

UNIT_KIND_BY_TEXT = {str(k.label): k.value for k in UnitKind} | {k.value: k.value for k in UnitKind}
ORG_KIND_BY_TEXT = {str(k.label): k.value for k in OrgKind} | {k.value: k.value for k in OrgKind}


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
