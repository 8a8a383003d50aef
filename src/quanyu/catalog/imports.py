"""Import and export of the request catalogue (事项目录) as xlsx/CSV with Chinese headers.

One row per item (小类); its top-level category (大类) is named in the same row. Items are matched
by their code (事项编码): a code already in the system updates that item, a new code adds one, so an
exported file can be edited and imported again. Top-level categories are matched by 大类编码 when
given, else by name; a new one gets the next free two-digit code.

Like the area importer it is three plain functions shared by the command line and pages:
``catalog_records_from_file`` reads, ``catalog_import_validate`` checks every row against the file
and the database and returns a plan or the row errors (in Chinese, naming row and column), and
``catalog_import_write`` hands a valid plan to ``catalog.services.category_import``, which writes it
in one transaction. A file with any bad row changes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.imports import parse_count
from quanyu.catalog.models import Category, Tier
from quanyu.catalog.selectors import category_item_list
from quanyu.catalog.services import (
    CATALOG_EDITORS,
    CategoryGroupSpec,
    CategoryImportResult,
    CategoryItemSpec,
    category_import,
)
from quanyu.core.audit import audit_record
from quanyu.core.permissions import require_role
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    read_rows,
    write_rows,
    write_template,
    yes_no,
)
from quanyu.orgs.collation import name_key
from quanyu.orgs.models import Unit, UnitKind

YES, NO = "是", "否"
WORKING, CALENDAR = "工作日", "自然日"
MAX_RESPONSE_HOURS = 24 * 365
MAX_COMPLETION_DAYS = 366
MAX_MATERIALS = 50

CATALOG_COLUMNS = [
    Column(
        "group", "大类", required=True, example="市容环境", help="大类名称；系统中没有的大类会新建", width=14
    ),
    Column(
        "name",
        "小类(事项名称)",
        required=True,
        example="占道经营",
        width=18,
        aliases=("小类（事项名称）", "小类", "事项名称", "name"),
    ),
    Column(
        "code",
        "事项编码",
        required=True,
        example="0101",
        help="事项的唯一编码（字母、数字、-、_、.，至多32位）；系统中已有该编码时更新该事项，否则新增",
        width=10,
        aliases=("code",),
    ),
    Column(
        "departments",
        "责任部门",
        example="区城管局、区综合行政执法局",
        help="一个或多个职能部门的名称，用“、”或“;”分隔，第一个为主办部门；须是系统中已有的职能部门",
        width=28,
    ),
    Column(
        "first_tier",
        "首办层级",
        required=True,
        example="网格",
        help="网格、社区或街道：工单先由哪一级处理",
        width=10,
    ),
    Column(
        "response_hours",
        "响应时限(小时)",
        required=True,
        example="4",
        help="正整数，从交办起计算",
        width=12,
        aliases=("响应时限（小时）", "响应时限"),
    ),
    Column(
        "completion_days",
        "办结时限(工作日)",
        required=True,
        example="3",
        help="正整数；计时方式为自然日时按自然日计算",
        width=12,
        aliases=("办结时限（工作日）", "办结时限", "办结时限(天)"),
    ),
    Column("working_days", "计时方式", example="工作日", help="工作日或自然日；不填为工作日", width=10),
    Column("one_window", "一窗受理", example="否", help="是或否；不填为否", width=10),
    Column(
        "materials",
        "申请材料",
        example="",
        help="一窗受理事项所需的材料，用“、”分隔，如“身份证、户口簿”",
        width=28,
    ),
    Column("open311", "Open311发布", example="是", help="是或否；发布时须填写 Open311服务编码", width=12),
    Column(
        "service_code",
        "Open311服务编码",
        example="street-vending",
        help="字母、数字、-、_、.，至多32位，全局唯一",
        width=16,
        aliases=("Open311 服务编码", "service_code"),
    ),
    Column(
        "keywords",
        "关键词",
        example="摆摊 占道 流动摊贩",
        help="用于自动分类建议，以空格或顿号分隔",
        width=30,
    ),
    Column(
        "group_code",
        "大类编码",
        example="01",
        help="可选：大类的编码；不填时按大类名称匹配，新大类自动编码",
        width=10,
    ),
    Column("description", "说明", example="", width=30),
    Column("active", "启用", example="是", help="是或否；不填为是", width=8),
]
_HEADERS = {c.key: c.header for c in CATALOG_COLUMNS}
_CODE = re.compile(r"^[0-9A-Za-z_.\-]{1,32}$")
_DEPARTMENT_SPLIT = re.compile(r"[、;；,，\n]+")
_MATERIAL_SPLIT = re.compile(r"[、;；\n]+")
_TIER_BY_TEXT = {str(t.label): t.value for t in Tier} | {t.value: t.value for t in Tier}


@dataclass
class CatalogImportPlan:
    """The outcome of validation: what to write, or the errors (then nothing is written)."""

    groups: list[CategoryGroupSpec] = field(default_factory=list)
    items: list[CategoryItemSpec] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_items: int = 0
    updated_items: int = 0
    new_groups: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("共%(n)d个事项（新增%(new)d个，更新%(upd)d个），新增大类%(groups)d个") % {
            "n": len(self.items),
            "new": self.new_items,
            "upd": self.updated_items,
            "groups": self.new_groups,
        }


# --- Reading and parsing -----------------------------------------------------------------------


def catalog_records_from_file(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an xlsx or CSV file; SpreadsheetError when the file itself cannot be read."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm", ".csv", ".xls"}:
        raise SpreadsheetError(
            _("不支持的文件类型“%(suffix)s”：请使用 .xlsx 或 .csv 文件")
            % {"suffix": path.suffix or path.name}
        )
    return list(read_rows(path, CATALOG_COLUMNS))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _limit(value: Any, *, maximum: int) -> int:
    if _text(value) == "":
        raise ValueError(_("必须填写"))
    try:
        number = parse_count(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if number < 1:
        raise ValueError(_("应为正整数"))
    if number > maximum:
        raise ValueError(_("不能超过%(max)d") % {"max": maximum})
    return number


def _split(value: Any, pattern: re.Pattern[str]) -> list[str]:
    parts: list[str] = []
    for part in pattern.split(_text(value)):
        part = part.strip()
        if part and part not in parts:
            parts.append(part)
    return parts


@dataclass
class _Row:
    number: int
    group: str = ""
    group_code: str = ""
    code: str = ""
    service_code: str = ""
    department_names: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def _parse_row(number: int, record: dict[str, Any], err: Any) -> _Row:
    row = _Row(number=number)

    def check(key: str, fn: Any) -> Any:
        try:
            return fn()
        except ValueError as exc:
            err(number, key, str(exc))
            return None

    row.group = _text(record["group"])
    if not row.group:
        err(number, "group", _("必须填写"))
    elif len(row.group) > 100:
        err(number, "group", _("不能超过100个字"))
    row.group_code = _text(record["group_code"])
    if row.group_code and not _CODE.match(row.group_code):
        err(number, "group_code", _("编码只能由字母、数字、-、_、. 组成，至多32位"))
    name = _text(record["name"])
    if not name:
        err(number, "name", _("必须填写"))
    elif len(name) > 100:
        err(number, "name", _("不能超过100个字"))
    row.code = _text(record["code"])
    if not row.code:
        err(number, "code", _("必须填写"))
    elif not _CODE.match(row.code):
        err(number, "code", _("编码只能由字母、数字、-、_、. 组成，至多32位"))
    row.department_names = _split(record["departments"], _DEPARTMENT_SPLIT)
    tier_text = _text(record["first_tier"])
    tier = _TIER_BY_TEXT.get(tier_text.lower()) if tier_text else None
    if not tier_text:
        err(number, "first_tier", _("必须填写（网格、社区或街道）"))
    elif tier is None:
        err(number, "first_tier", _("应为网格、社区或街道，实际为“%(v)s”") % {"v": tier_text})
    response_hours = check(
        "response_hours", lambda: _limit(record["response_hours"], maximum=MAX_RESPONSE_HOURS)
    )
    completion_days = check(
        "completion_days", lambda: _limit(record["completion_days"], maximum=MAX_COMPLETION_DAYS)
    )
    mode = _text(record["working_days"])
    if mode not in {"", WORKING, CALENDAR}:
        err(number, "working_days", _("应为工作日或自然日，实际为“%(v)s”") % {"v": mode})
    one_window = check("one_window", lambda: yes_no(record["one_window"], default=False))
    materials = _split(record["materials"], _MATERIAL_SPLIT)
    if len(materials) > MAX_MATERIALS:
        err(number, "materials", _("申请材料不能超过%(n)d项") % {"n": MAX_MATERIALS})
    elif any(len(m) > 100 for m in materials):
        err(number, "materials", _("每项材料名称不能超过100个字"))
    elif materials and one_window is False:
        err(number, "materials", _("填写了申请材料的事项须为一窗受理事项（一窗受理填“是”）"))
    published = check("open311", lambda: yes_no(record["open311"], default=False))
    row.service_code = _text(record["service_code"])
    if row.service_code and not _CODE.match(row.service_code):
        err(number, "service_code", _("编码只能由字母、数字、-、_、. 组成，至多32位"))
    elif published and not row.service_code:
        err(number, "service_code", _("发布为 Open311 服务时必须填写服务编码"))
    active = check("active", lambda: yes_no(record["active"], default=True))
    row.values = {
        "name": name,
        "first_tier": tier or Tier.GRID,
        "response_hours": response_hours or 0,
        "completion_days": completion_days or 0,
        "working_days": mode != CALENDAR,
        "is_one_window": bool(one_window),
        "materials": tuple(materials),
        "open311_published": bool(published),
        "service_code": row.service_code,
        "keywords": " ".join(_split(record["keywords"], re.compile(r"[\s,，、;；|/]+"))),
        "description": _text(record["description"]),
        "active": active if active is not None else True,
    }
    return row


# --- Validation --------------------------------------------------------------------------------


def catalog_import_validate(
    *, actor: Any, records: Iterable[tuple[int, dict[str, Any]]]
) -> CatalogImportPlan:
    """Check every row against the file and the database; answer the plan or all the errors.
    PermissionDenied when the actor may not edit the catalogue at all."""
    require_role(actor, CATALOG_EDITORS)
    errors: list[RowError] = []

    def err(number: int, key: str, message: str) -> None:
        errors.append(RowError(number, _HEADERS.get(key, ""), message))

    rows = [_parse_row(number, record, err) for number, record in records]
    if not rows and not errors:
        return CatalogImportPlan(errors=[RowError(1, "", _("文件中没有数据行"))])

    # Unique item and Open311 codes within the file.
    first_code: dict[str, int] = {}
    first_service: dict[str, int] = {}
    for row in rows:
        if row.code:
            if row.code in first_code:
                err(
                    row.number,
                    "code",
                    _("事项编码“%(c)s”与第%(n)d行重复") % {"c": row.code, "n": first_code[row.code]},
                )
            else:
                first_code[row.code] = row.number
        if row.service_code:
            if row.service_code in first_service:
                err(
                    row.number,
                    "service_code",
                    _("服务编码“%(c)s”与第%(n)d行重复")
                    % {"c": row.service_code, "n": first_service[row.service_code]},
                )
            else:
                first_service[row.service_code] = row.number

    # Rows that name a group without its code take the code another row gives it.
    code_of_group: dict[str, str] = {}
    for row in rows:
        if row.group and row.group_code:
            code_of_group.setdefault(row.group, row.group_code)
    for row in rows:
        if row.group and not row.group_code and row.group in code_of_group:
            row.group_code = code_of_group[row.group]

    # What the database already holds for these codes and names.
    item_codes = set(first_code)
    group_codes = {row.group_code for row in rows if row.group_code}
    for code in sorted(item_codes & group_codes):
        err(first_code[code], "code", _("事项编码“%(c)s”与本文件中的大类编码相同") % {"c": code})
    known = {
        c.code: c for c in Category.objects.filter(code__in=item_codes | group_codes).select_related("parent")
    }
    for row in rows:
        found = known.get(row.code)
        if found is not None and found.parent_id is None:
            err(
                row.number,
                "code",
                _("编码“%(c)s”在系统中是大类“%(g)s”的编码，不能用作事项编码")
                % {"c": row.code, "g": found.name},
            )
        found_group = known.get(row.group_code) if row.group_code else None
        if found_group is not None and found_group.parent_id is not None:
            err(
                row.number,
                "group_code",
                _("编码“%(c)s”在系统中是事项“%(g)s”的编码，不能用作大类编码")
                % {"c": row.group_code, "g": found_group.name},
            )
    names_without_code = {row.group for row in rows if row.group and not row.group_code}
    tops_by_name: dict[str, list[Category]] = defaultdict(list)
    for top in Category.objects.filter(parent=None, name__in=names_without_code).order_by("code"):
        tops_by_name[top.name].append(top)
    existing_tops = set(Category.objects.filter(parent=None).values_list("code", flat=True))
    taken_codes = set(existing_tops)
    new_group_codes: dict[str, str] = {}
    for row in rows:
        if not row.group or row.group_code:
            continue
        candidates = tops_by_name.get(row.group, [])
        if len(candidates) > 1:
            err(row.number, "group", _("系统中有多个名为“%(g)s”的大类，请填写大类编码") % {"g": row.group})
        elif candidates:
            row.group_code = candidates[0].code
        else:
            if row.group not in new_group_codes:
                new_group_codes[row.group] = _next_group_code(taken_codes | item_codes | set(known))
                taken_codes.add(new_group_codes[row.group])
            row.group_code = new_group_codes[row.group]

    # One code per group name and one name per group code within the file.
    first_of_name: dict[str, _Row] = {}
    first_of_code: dict[str, _Row] = {}
    for row in rows:
        if not row.group or not row.group_code:
            continue
        seen = first_of_name.setdefault(row.group, row)
        if seen.group_code != row.group_code:
            err(
                row.number,
                "group_code",
                _("大类“%(g)s”在第%(n)d行的编码是“%(c)s”")
                % {"g": row.group, "n": seen.number, "c": seen.group_code},
            )
        named = first_of_code.setdefault(row.group_code, row)
        if named.group != row.group:
            err(
                row.number,
                "group",
                _("大类编码“%(c)s”在第%(n)d行对应的大类是“%(g)s”")
                % {"c": row.group_code, "n": named.number, "g": named.group},
            )

    # Open311 codes held by items that this file does not rewrite.
    if first_service:
        holders = Category.objects.filter(service_code__in=list(first_service)).exclude(code__in=item_codes)
        for holder in holders:
            err(
                first_service[holder.service_code],
                "service_code",
                _("服务编码“%(c)s”已被事项“%(n)s”（%(code)s）使用")
                % {"c": holder.service_code, "n": holder.name, "code": holder.code},
            )

    # Departments: department units within the actor's scope, by name.
    names = {name for row in rows for name in row.department_names}
    units = {
        u.name: u.pk
        for u in scope(Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__in=names), actor=actor).only(
            "pk", "name"
        )
    }
    for row in rows:
        unknown = [n for n in row.department_names if n not in units]
        if unknown:
            err(
                row.number,
                "departments",
                _("职能部门“%(names)s”在系统中不存在或不在您的管辖范围内") % {"names": "、".join(unknown)},
            )

    if errors:
        errors.sort(key=lambda e: e.row)
        return CatalogImportPlan(errors=errors)

    groups: dict[str, CategoryGroupSpec] = {}
    items: list[CategoryItemSpec] = []
    for row in rows:
        groups.setdefault(row.group_code, CategoryGroupSpec(code=row.group_code, name=row.group))
        items.append(
            CategoryItemSpec(
                code=row.code,
                group_code=row.group_code,
                department_ids=tuple(units[n] for n in row.department_names),
                **row.values,
            )
        )
    updated = sum(1 for spec in items if spec.code in known)
    return CatalogImportPlan(
        groups=list(groups.values()),
        items=items,
        new_items=len(items) - updated,
        updated_items=updated,
        new_groups=sum(1 for code in groups if code not in existing_tops),
    )


def _next_group_code(taken: set[str]) -> str:
    number = 1
    while f"{number:02d}" in taken:
        number += 1
    return f"{number:02d}"


# --- Writing -----------------------------------------------------------------------------------


def catalog_import_write(
    *, actor: Any, plan: CatalogImportPlan, source_name: str = ""
) -> CategoryImportResult:
    """Write a validated plan through the catalogue service (one transaction)."""
    if not plan.ok:
        raise ValueError("cannot write a plan with errors")
    return category_import(actor=actor, groups=plan.groups, items=plan.items, source_name=source_name)


def catalog_import_file(
    *, actor: Any, path: str | Path, dry_run: bool = False
) -> tuple[CatalogImportPlan, CategoryImportResult | None]:
    """Read, validate and (unless ``dry_run`` or invalid) write."""
    plan = catalog_import_validate(actor=actor, records=catalog_records_from_file(path))
    if dry_run or not plan.ok:
        return plan, None
    return plan, catalog_import_write(actor=actor, plan=plan, source_name=Path(path).name)


def catalog_write_template(target: Any) -> None:
    write_template(target, CATALOG_COLUMNS, title=_("事项目录导入模板"))


# --- Export ------------------------------------------------------------------------------------


def catalog_export_rows() -> Iterator[dict[str, Any]]:
    """Every item (active or not) as a template row, in catalogue order."""
    for item in category_item_list(active_only=False):
        departments = sorted(
            item.departments.all(), key=lambda u: (u.pk != item.lead_department_id, name_key(u.name))
        )
        parent = item.parent
        assert parent is not None
        yield {
            "group": parent.name,
            "group_code": parent.code,
            "name": item.name,
            "code": item.code,
            "departments": "、".join(u.name for u in departments),
            "first_tier": str(Tier(item.first_tier).label),
            "response_hours": item.response_hours,
            "completion_days": item.completion_days,
            "working_days": WORKING if item.working_days else CALENDAR,
            "one_window": YES if item.is_one_window else NO,
            "materials": "、".join(str(m) for m in item.materials or []),
            "open311": YES if item.open311_published else NO,
            "service_code": item.service_code,
            "keywords": item.keywords,
            "description": item.description,
            "active": YES if item.active else NO,
        }


def catalog_export(*, actor: Any, target: Any) -> int:
    """Write the catalogue to an xlsx file with the template's columns; returns the item count.
    The catalogue is public (residents choose from it), so any signed-in actor may export it."""
    count = write_rows(target, CATALOG_COLUMNS, catalog_export_rows(), title=_("事项目录"))
    audit_record(actor=actor, action="export", target_type="catalog.category", detail={"exported": count})
    return count
