"""The register as a spreadsheet: export the venues of the actor's scope, import new ones with an
error per row (row number, column, reason). An import writes everything or nothing: any error
and no venue is created (the error report says what to fix); ``dry_run`` only checks.

Rooms are one column: ``名称|功能|容纳人数`` items separated by ``;`` (the function by its Chinese
name or its code), e.g. ``议事厅|协商议事中心|30;书屋|阅览室|12``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.spreadsheets import Column, RowError, read_rows, write_rows
from quanyu.venues.access import can_edit
from quanyu.venues.models import RoomFunction, VenueKind
from quanyu.venues.services.bulk import RoomSpec, VenueSpec, venues_bulk_create
from quanyu.venues.services.register import OWNER_KINDS, clean_fields
from quanyu.venues.states import VenueStatus

COLUMNS = [
    Column("name", "名称", required=True, example="向阳社区党群服务中心", width=28),
    Column("kind", "类型", required=True, example="社区党群服务中心", width=20, aliases=("kind",)),
    Column("area", "所属区域代码", required=True, example="370602001001", width=16, aliases=("area",)),
    Column("status", "状态", example="使用中", aliases=("status",)),
    Column("floor_area", "建筑面积", example="1200", aliases=("floor_area",)),
    Column("ground_floor_area", "一层面积", example="700", aliases=("ground_floor_area",)),
    Column("lon", "经度", example="121.40"),
    Column("lat", "纬度", example="37.54"),
    Column("address", "地址", width=28),
    Column("opening_hours", "开放时间", example="周一至周日 8:30-20:30", width=22),
    Column("accessible", "无障碍", example="是"),
    Column("rooms", "功能室", example="议事厅|协商议事中心|30;书屋|阅览室|12", width=40),
]
_HEADERS = {c.key: c.header for c in COLUMNS}


def _by_label(choices: Any, value: str) -> str | None:
    value = value.strip()
    for code, label in choices.choices:
        if value in (code, str(label)):
            return str(code)
    return None


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def _rooms(text: str) -> list[RoomSpec]:
    rooms = []
    for item in filter(None, (p.strip() for p in str(text).replace("；", ";").split(";"))):
        parts = [p.strip() for p in item.split("|")]
        function = _by_label(RoomFunction, parts[1]) if len(parts) > 1 else None
        if not parts[0] or function is None:
            raise ValueError(_("功能室“%(item)s”应写作 名称|功能|容纳人数") % {"item": item})
        try:
            capacity = int(parts[2]) if len(parts) > 2 and parts[2] else 0
        except ValueError:
            raise ValueError(_("功能室“%(item)s”的容纳人数应为整数") % {"item": item}) from None
        rooms.append(RoomSpec(name=parts[0], function=function, capacity=max(0, min(capacity, 10000))))
    return rooms


def _row(
    actor: Any, n: int, row: dict[str, Any], areas: dict[str, Area]
) -> tuple[VenueSpec | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(key: str, message: str) -> None:
        errors.append(RowError(n, _HEADERS[key], message))

    kind = _by_label(VenueKind, str(row.get("kind", "")))
    if kind is None:
        bad("kind", _("阵地类型不正确"))
    area = areas.get(str(row.get("area", "")).strip())
    if area is None:
        bad("area", _("找不到该区域代码"))
    elif not can_edit(actor, area.path):
        bad("area", _("您无权管理该区域的阵地"))
    status = _by_label(VenueStatus, str(row.get("status") or VenueStatus.IN_USE))
    if status is None:
        bad("status", _("状态不正确"))
    values: dict[str, Any] = {}
    for key in ("floor_area", "ground_floor_area"):
        try:
            values[key] = Decimal(str(row.get(key) or 0))
        except InvalidOperation:
            bad(key, _("请填写面积（平方米）"))
    for key in ("lon", "lat"):
        raw = row.get(key)
        if raw not in (None, ""):
            try:
                values[key] = float(raw)
            except (TypeError, ValueError):
                bad(key, _("坐标格式不正确"))
    try:
        rooms = _rooms(row.get("rooms") or "")
    except ValueError as exc:
        bad("rooms", str(exc))
        rooms = []
    if errors or area is None or kind is None or status is None:
        return None, errors
    fields = {
        "name": str(row.get("name", "")),
        "address": str(row.get("address") or "")[:200],
        "opening_hours": str(row.get("opening_hours") or "")[:200],
        "accessible": str(row.get("accessible") or "").strip() in ("是", "有", "1", "true", "yes"),
        **values,
    }
    try:
        clean_fields(fields, area=area)
    except ValidationError as exc:
        return None, [RowError(n, _HEADERS.get(k, k), m) for k, ms in exc.message_dict.items() for m in ms]
    if kind == VenueKind.UNIT_VENUE:
        return None, [RowError(n, _HEADERS["kind"], _("驻区单位共享场所请在系统中逐个登记"))]
    return (
        VenueSpec(
            kind=kind,
            area=area,
            name=fields.pop("name"),
            status=status,
            floor_area=fields.pop("floor_area", Decimal(0)),
            ground_floor_area=fields.pop("ground_floor_area", Decimal(0)),
            fields=fields,
            rooms=rooms,
        ),
        [],
    )


def venues_import(*, actor: Any, source: str | Path | IO[bytes], dry_run: bool = False) -> ImportResult:
    """Read the register sheet; create every venue or none (``SpreadsheetError`` when the file as a
    whole cannot be read)."""
    rows = list(read_rows(source, COLUMNS))
    codes = {str(r.get("area", "")).strip() for _n, r in rows}
    areas = {
        a.code: a
        for a in Area.objects.filter(code__in=codes, kind__in=OWNER_KINDS)
        if a.kind != AreaKind.BUILDING
    }
    result = ImportResult(rows=len(rows))
    specs = []
    for n, row in rows:
        spec, errors = _row(actor, n, row, areas)
        result.errors.extend(errors)
        if spec is not None:
            specs.append(spec)
    if result.errors or dry_run or not specs:
        return result
    try:
        result.created = len(venues_bulk_create(actor=actor, specs=specs))
    except (ValidationError, PermissionDenied) as exc:  # checked above; kept as the last word
        result.errors.append(RowError(0, "", "；".join(getattr(exc, "messages", [str(exc)]))))
    return result


def venues_export(*, venues: Any, target: str | Path | IO[bytes]) -> int:
    """The venues (a queryset the caller scoped) in the import's columns."""

    def rows() -> Any:
        for v in venues.select_related("area").prefetch_related("rooms"):
            yield {
                "name": v.name,
                "kind": v.get_kind_display(),
                "area": v.area.code,
                "status": v.get_status_display(),
                "floor_area": float(v.floor_area),
                "ground_floor_area": float(v.ground_floor_area),
                "lon": v.lon if v.lon is not None else "",
                "lat": v.lat if v.lat is not None else "",
                "address": v.address,
                "opening_hours": v.opening_hours,
                "accessible": "是" if v.accessible else "否",
                "rooms": ";".join(f"{r.name}|{r.get_function_display()}|{r.capacity}" for r in v.rooms.all()),
            }

    return write_rows(target, COLUMNS, rows(), title=str(_("阵地")))
