"""Reading an area file: the template's columns, xlsx/CSV rows or GeoJSON features as records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from quanyu.areas.models import AreaKind
from quanyu.core.spreadsheets import Column, SpreadsheetError, read_rows

AREA_COLUMNS = [
    Column(
        "kind",
        "层级",
        required=True,
        example="社区",
        help="市、区、街道、社区、网格、楼栋（也可填 city/district/street/community/grid/building）",
        width=10,
    ),
    Column("name", "名称", required=True, example="毓璜顶社区", width=20),
    Column(
        "code",
        "代码",
        example="370602001001",
        help="行政区划代码或统计用区划代码；在文件和系统中都不能重复，下级可用它指定上级",
        width=16,
    ),
    Column(
        "parent_code",
        "上级代码",
        example="370602001000",
        help="上级区域的代码（本文件中或系统中已有的区域）；顶层的市或区不填",
        width=16,
        aliases=("parent_code",),
    ),
    Column(
        "parent_path",
        "上级名称",
        example="",
        help="上级没有代码时填写上级的名称路径，自上而下用“/”分隔，如“芝罘区/向阳街道”",
        width=30,
        aliases=("parent_path",),
    ),
    Column("population", "人口", example="8500", help="非负整数", width=10),
    Column("households", "户数", example="3200", help="非负整数", width=10),
    Column("lon", "经度", example="121.3912", help="WGS-84 经度；楼栋必填点位时与纬度一起填写", width=12),
    Column("lat", "纬度", example="37.5321", help="WGS-84 纬度", width=12),
    Column(
        "geometry",
        "边界(GeoJSON)",
        example="",
        help=(
            "GeoJSON 的 Polygon 或 MultiPolygon（WGS-84），"
            '如 {"type":"Polygon","coordinates":[[[121.3,37.5],…]]}'
        ),
        width=40,
        aliases=("边界", "边界（GeoJSON）", "geometry"),
    ),
]
_HEADERS = {c.key: c.header for c in AREA_COLUMNS}
KIND_BY_TEXT = {str(k.label): k.value for k in AreaKind} | {k.value: k.value for k in AreaKind}


def kind_label(kind: str) -> str:
    return str(AreaKind(kind).label)


@dataclass
class AreaRecords:
    """What was read from a file: (number, record) pairs, and whether numbers are rows or features."""

    records: list[tuple[int, dict[str, Any]]]
    noun: str = "row"
    labels: dict[str, str] = field(default_factory=lambda: dict(_HEADERS))


def area_records_from_file(path: str | Path) -> AreaRecords:
    """Read an xlsx, CSV or GeoJSON file; SpreadsheetError when the file itself cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        return _geojson_records(path)
    if suffix not in {".xlsx", ".xlsm", ".csv", ".xls"}:
        raise SpreadsheetError(
            _("不支持的文件类型“%(suffix)s”：请使用 .xlsx、.csv 或 .geojson 文件")
            % {"suffix": suffix or path.name}
        )
    return AreaRecords(records=list(read_rows(path, AREA_COLUMNS)))


_GEOJSON_KEYS = {c.key: c.key for c in AREA_COLUMNS} | {c.header: c.key for c in AREA_COLUMNS}


def _geojson_records(path: Path) -> AreaRecords:
    if not path.exists():
        raise SpreadsheetError(_("文件不存在：%(path)s") % {"path": path})
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpreadsheetError(_("无法读取GeoJSON文件：%(err)s") % {"err": exc}) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SpreadsheetError(_("GeoJSON文件必须是一个 FeatureCollection"))
    features = data.get("features")
    if not isinstance(features, list):
        raise SpreadsheetError(_("GeoJSON文件缺少 features 列表"))
    records: list[tuple[int, dict[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        record: dict[str, Any] = {c.key: "" for c in AREA_COLUMNS}
        if not isinstance(feature, dict):
            record["_error"] = _("要素必须是 GeoJSON Feature 对象")
            records.append((number, record))
            continue
        properties = feature.get("properties") or {}
        if isinstance(properties, dict):
            for key, value in properties.items():
                target = _GEOJSON_KEYS.get(str(key).strip())
                if target is not None and target != "geometry" and value is not None:
                    record[target] = value.strip() if isinstance(value, str) else value
        geometry = feature.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                record["lon"], record["lat"] = coordinates[0], coordinates[1]
            else:
                record["_point_error"] = True
        elif geometry is not None:
            record["geometry"] = geometry
        records.append((number, record))
    labels = {c.key: c.key for c in AREA_COLUMNS}
    return AreaRecords(records=records, noun="feature", labels=labels)
