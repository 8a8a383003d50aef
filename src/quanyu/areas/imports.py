"""Import and export of the area tree: xlsx/CSV with Chinese headers, or GeoJSON.

The importer is three plain functions so that the command line, the upload page and the API share
them: ``area_records_from_file`` reads a file into records, ``area_import_validate`` checks every
record against the file and the database and returns a plan (the nodes to insert, parents first)
or the list of row errors, and ``area_import_write`` writes a valid plan through
``areas.services.area_bulk_create`` in one transaction. A file with any bad row changes nothing.

File formats
------------
* xlsx (first sheet) or CSV (UTF-8, UTF-8 with BOM, or GBK), header row 1, one area per row; the
  columns are ``AREA_COLUMNS`` (``area_write_template`` writes the empty template).
* GeoJSON: a FeatureCollection; each feature's ``properties`` carry ``kind``, ``name``, ``code``,
  ``parent_code`` (or ``parent_path``), ``population``, ``households`` (English keys or the Chinese
  headers); a Polygon/MultiPolygon geometry is the boundary, a Point geometry the location
  (buildings). Errors name the feature number (1-based) instead of a row.

A parent is named by its code (上级代码) or, for nodes without a code, by its name path
(上级名称: the names from the top down, separated by “/”; the trailing part is enough when it is
unique, e.g. ``街道1/社区1-1``). It may be a row of the same file (earlier or later: rows are
sorted parents first) or an area already in the database within the actor's scope.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.accounts.permissions import can_edit_registry, has_role
from quanyu.accounts.roles import Role
from quanyu.areas.geometry import parse_polygon, validate_point
from quanyu.areas.models import CHILD_KINDS, Area, AreaKind
from quanyu.areas.services import area_bulk_create
from quanyu.core.audit import audit_record
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    read_rows,
    write_rows,
    write_template,
)
from quanyu.core.trees import NewNode

PATH_SEPARATOR = "/"
ROOT_KINDS = frozenset({AreaKind.CITY, AreaKind.DISTRICT})
_CHUNK = 900  # values per ``__in`` lookup, well under every backend's parameter limit

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
_KIND_BY_TEXT = {str(k.label): k.value for k in AreaKind} | {k.value: k.value for k in AreaKind}

Progress = Callable[[int], None]


@dataclass
class AreaRecords:
    """What was read from a file: (number, record) pairs, and whether numbers are rows or features."""

    records: list[tuple[int, dict[str, Any]]]
    noun: str = "row"
    labels: dict[str, str] = field(default_factory=lambda: dict(_HEADERS))


@dataclass
class AreaImportPlan:
    """The result of validation: the nodes to insert (parents first) or the errors."""

    nodes: list[NewNode]
    errors: list[RowError]
    counts: Counter[str]

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading -----------------------------------------------------------------------------------


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


# --- Validation --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_count(value: Any) -> int:
    """A non-negative whole number from a cell ('' is 0); ValidationError in Chinese otherwise."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValidationError(_("应为非负整数"))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(_("应为整数，实际为“%(v)s”") % {"v": value})
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(_("“%(v)s”不是数字") % {"v": value}) from None
        if not number.is_integer():
            raise ValidationError(_("应为整数，实际为“%(v)s”") % {"v": value})
        value = int(number)
    if not isinstance(value, int):
        raise ValidationError(_("“%(v)s”不是数字") % {"v": value})
    if value < 0:
        raise ValidationError(_("不能为负数"))
    if value > 2_147_483_647:
        raise ValidationError(_("数值过大"))
    return value


def parse_name_path(value: Any) -> list[str]:
    text = _text(value).replace("／", PATH_SEPARATOR)
    return [part.strip() for part in text.split(PATH_SEPARATOR) if part.strip()]


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def areas_by_code(codes: set[str], *, queryset: Any = None) -> dict[str, list[Area]]:
    found: dict[str, list[Area]] = defaultdict(list)
    base = Area.objects.defer("geometry") if queryset is None else queryset
    for batch in _chunks(sorted(codes)):
        for area in base.filter(code__in=batch).order_by("path"):
            found[area.code].append(area)
    return found


class TreePathIndex:
    """Finds nodes of a materialised-path tree (within a queryset, usually the actor's scope) by
    name path: the names from the top down, of which the trailing part is enough."""

    def __init__(
        self, model: Any, queryset: Any, paths: Iterable[Sequence[str]], *, also: Iterable[Any] = ()
    ) -> None:
        """Index the nodes named by the last part of each of ``paths``; ``also`` are further nodes
        whose ancestors' names ``chain`` must know (parents found by code)."""
        self.steplen: int = model.steplen
        last_names = {p[-1] for p in paths if p}
        self.candidates: dict[str, list[Any]] = defaultdict(list)
        for batch in _chunks(sorted(last_names)):
            for node in queryset.filter(name__in=batch).order_by("path"):
                self.candidates[node.name].append(node)
        known = [node for nodes in self.candidates.values() for node in nodes] + list(also)
        prefixes = {node.path[: self.steplen * i] for node in known for i in range(1, node.depth)}
        self.names: dict[str, str] = {}
        for batch in _chunks(sorted(prefixes)):
            self.names.update(model.objects.filter(path__in=batch).values_list("path", "name"))

    def chain(self, node: Any, length: int) -> list[str]:
        """The names of ``node`` and its ancestors, top down, at most ``length`` of them."""
        names = [node.name]
        depth = node.depth - 1
        while depth >= 1 and len(names) < length:
            names.append(self.names.get(node.path[: self.steplen * depth], ""))
            depth -= 1
        return names[::-1]

    def find(self, path: Sequence[str]) -> list[Any]:
        return [n for n in self.candidates.get(path[-1], []) if self.chain(n, len(path)) == list(path)]


@dataclass
class TreeRow:
    """A row of a file that adds nodes to a tree; ``parent`` is filled by ``resolve_tree_parents``:
    ("db", node), ("row", index in the file) or ("root", None); None when unresolved."""

    number: int
    name: str = ""
    code: str = ""
    parent_code: str = ""
    parent_path: list[str] = field(default_factory=list)
    parent: tuple[str, Any] | None = None


ErrorSink = Callable[[int, str, str], None]


def check_unique_codes(
    rows: Sequence[TreeRow], in_db: Callable[[set[str]], dict[str, str]], err: ErrorSink, *, key: str = "code"
) -> dict[str, int]:
    """Codes must be unique in the file and new to the database (``in_db`` maps the codes it finds
    to a name for the message). Returns code -> index of its first row."""
    first_by_code: dict[str, int] = {}
    for i, row in enumerate(rows):
        if not row.code:
            continue
        if row.code in first_by_code:
            first = rows[first_by_code[row.code]].number
            err(row.number, key, _("代码“%(code)s”与第%(first)d行重复") % {"code": row.code, "first": first})
        else:
            first_by_code[row.code] = i
    for code, name in in_db(set(first_by_code)).items():
        err(
            rows[first_by_code[code]].number,
            key,
            _("代码“%(code)s”在系统中已存在（%(name)s）") % {"code": code, "name": name},
        )
    return first_by_code


def resolve_tree_parents(
    rows: Sequence[TreeRow],
    *,
    first_by_code: dict[str, int],
    db_by_code: dict[str, list[Any]],
    index: TreePathIndex,
    err: ErrorSink,
    fits: Callable[[TreeRow, Any], bool] = lambda row, node: True,
) -> None:
    """Find each row's parent: by code (the file first, then the database) or by name path (the
    file and the database; must be unique). ``fits`` prefers database nodes of a fitting kind when
    a code is shared."""
    rows_by_name: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        rows_by_name[row.name].append(i)
    resolving: set[int] = set()

    def row_chain(i: int, length: int) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        current: tuple[str, Any] | None = ("row", i)
        while current is not None and current[0] != "root" and len(names) < length:
            if current[0] == "db":
                names.extend(reversed(index.chain(current[1], length - len(names))))
                break
            j = current[1]
            if j in seen:
                break
            seen.add(j)
            names.append(rows[j].name)
            current = resolve(j)
        return names[::-1]

    def resolve(i: int) -> tuple[str, Any] | None:
        row = rows[i]
        if row.parent is not None or i in resolving:
            return row.parent
        resolving.add(i)
        try:
            row.parent = find(i)
        finally:
            resolving.discard(i)
        return row.parent

    def find(i: int) -> tuple[str, Any] | None:
        row = rows[i]
        if row.parent_code:
            if row.parent_code in first_by_code:
                return ("row", first_by_code[row.parent_code])
            found = db_by_code.get(row.parent_code, [])
            found = [n for n in found if fits(row, n)] or found
            if not found:
                err(
                    row.number,
                    "parent_code",
                    _("上级代码“%(code)s”在本文件和系统中都找不到，或不在您的管辖范围内")
                    % {"code": row.parent_code},
                )
                return None
            return ("db", found[0])
        if row.parent_path:
            text = PATH_SEPARATOR.join(row.parent_path)
            in_db = index.find(row.parent_path)
            in_file = [
                j
                for j in rows_by_name.get(row.parent_path[-1], [])
                if j != i and row_chain(j, len(row.parent_path)) == row.parent_path
            ]
            if not in_db and not in_file:
                err(
                    row.number,
                    "parent_path",
                    _("上级“%(path)s”在本文件和系统中都找不到，或不在您的管辖范围内") % {"path": text},
                )
                return None
            if len(in_db) + len(in_file) > 1:
                err(
                    row.number,
                    "parent_path",
                    _("上级“%(path)s”不唯一，请写出更完整的名称路径或改用上级代码") % {"path": text},
                )
                return None
            return ("db", in_db[0]) if in_db else ("row", in_file[0])
        return ("root", None)

    for i in range(len(rows)):
        resolve(i)


def tree_depths(rows: Sequence[TreeRow], err: ErrorSink) -> dict[int, int]:
    """Each row's depth below the database (0: its parent is in the database or it is a root);
    rows in a cycle of parents are reported. Sorting by depth puts parents first."""
    depth: dict[int, int] = {}
    for i in range(len(rows)):
        trail: list[int] = []
        on_trail: set[int] = set()
        current = i
        while current not in depth:
            parent = rows[current].parent
            if parent is None or parent[0] != "row":
                depth[current] = 0
                break
            if current in on_trail:
                key = "parent_code" if rows[i].parent_code else "parent_path"
                err(rows[i].number, key, _("上级关系形成了循环"))
                for j in trail:
                    depth[j] = 0
                break
            trail.append(current)
            on_trail.add(current)
            current = parent[1]
        for j in reversed(trail):
            if j not in depth:
                depth[j] = depth[rows[j].parent[1]] + 1  # type: ignore[index]
    return depth


@dataclass
class _Row(TreeRow):
    kind: str = ""
    population: int = 0
    households: int = 0
    lon: float | None = None
    lat: float | None = None
    geometry: dict[str, Any] | None = None


def _kind_label(kind: str) -> str:
    return str(AreaKind(kind).label)


def _parse_row(number: int, record: dict[str, Any], err: Callable[[int, str, str], None]) -> _Row:
    row = _Row(number=number)
    if record.get("_error"):
        err(number, "", record["_error"])
        return row
    kind_text = _text(record.get("kind"))
    kind = _KIND_BY_TEXT.get(kind_text) or _KIND_BY_TEXT.get(kind_text.lower())
    if not kind_text:
        err(number, "kind", _("层级不能为空"))
    elif kind is None:
        err(
            number,
            "kind",
            _("未知的层级“%(kind)s”（应为 市、区、街道、社区、网格、楼栋 之一）") % {"kind": kind_text},
        )
    else:
        row.kind = kind
    row.name = _text(record.get("name"))
    if not row.name:
        err(number, "name", _("名称不能为空"))
    elif len(row.name) > 100:
        err(number, "name", _("名称不能超过100个字"))
    row.code = _text(record.get("code"))
    if len(row.code) > 32:
        err(number, "code", _("代码不能超过32个字符"))
    row.parent_code = _text(record.get("parent_code"))
    row.parent_path = parse_name_path(record.get("parent_path"))
    for key in ("population", "households"):
        try:
            setattr(row, key, parse_count(record.get(key)))
        except ValidationError as exc:
            err(number, key, exc.messages[0])
    lon, lat = record.get("lon"), record.get("lat")
    if record.get("_point_error"):
        err(number, "geometry", _("点位坐标应为 [经度, 纬度]"))
    elif lon not in (None, "") or lat not in (None, ""):
        if lon in (None, "") or lat in (None, ""):
            err(number, "lon" if lon in (None, "") else "lat", _("经度和纬度要同时填写"))
        else:
            try:
                row.lon, row.lat = validate_point(lon, lat)
            except ValidationError as exc:
                column = "lon"
                try:
                    if -180 <= float(lon) <= 180:
                        column = "lat"
                except (TypeError, ValueError):
                    column = "lon"
                err(
                    number,
                    column,
                    exc.messages[0] + _("（经度%(lon)s，纬度%(lat)s）") % {"lon": lon, "lat": lat},
                )
    geometry = record.get("geometry")
    if geometry not in (None, ""):
        if isinstance(geometry, str):
            try:
                geometry = json.loads(geometry)
            except json.JSONDecodeError as exc:
                err(number, "geometry", _("边界不是有效的GeoJSON文本：%(err)s") % {"err": exc.msg})
                geometry = None
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if geometry is not None:
            try:
                parse_polygon(geometry)
            except ValidationError as exc:
                err(number, "geometry", exc.messages[0])
            else:
                if row.kind == AreaKind.BUILDING:
                    err(number, "geometry", _("楼栋用经纬度表示点位，不填边界"))
                else:
                    row.geometry = geometry
    return row


def area_import_validate(
    *, actor: Any, source: AreaRecords, progress: Progress | None = None
) -> AreaImportPlan:
    """Check every record; return the plan to write (nodes ordered parents first) or the errors."""
    errors: list[RowError] = []
    labels = source.labels

    def err(number: int, key: str, message: str) -> None:
        errors.append(RowError(number, labels.get(key, key), message, noun=source.noun))

    rows: list[_Row] = []
    for number, record in source.records:
        rows.append(_parse_row(number, record, err))
        if progress is not None:
            progress(1)

    # Codes: unique in the file and new to the database (any kind: children name parents by code).
    first_by_code = check_unique_codes(
        rows, lambda codes: {c: areas[0].name for c, areas in areas_by_code(codes).items()}, err
    )

    # Parents: by code (file first, then the database within the actor's scope) or by name path.
    visible = scope(Area.objects.defer("geometry"), actor=actor)
    wanted_codes = {r.parent_code for r in rows if r.parent_code and r.parent_code not in first_by_code}
    db_by_code = areas_by_code(wanted_codes, queryset=visible)
    index = TreePathIndex(
        Area,
        visible,
        [r.parent_path for r in rows if not r.parent_code and r.parent_path],
        also=[a for areas in db_by_code.values() for a in areas],
    )
    resolve_tree_parents(
        rows,
        first_by_code=first_by_code,
        db_by_code=db_by_code,
        index=index,
        err=err,
        fits=lambda row, area: row.kind in CHILD_KINDS[area.kind],  # type: ignore[attr-defined]
    )
    depth = tree_depths(rows, err)

    # Kinds along the tree, and the actor's rights where the file hangs from the database.
    can_make_roots = has_role(actor, {Role.ADMIN})
    checked_paths: dict[str, bool] = {}
    for row in rows:
        if not row.kind or row.parent is None:
            continue
        where, parent = row.parent
        parent_key = "parent_code" if row.parent_code else "parent_path"
        if where == "root":
            if row.kind not in ROOT_KINDS:
                err(
                    row.number,
                    "parent_code",
                    _("%(kind)s必须填写上级代码或上级名称（只有市、区可以作为顶层）")
                    % {"kind": _kind_label(row.kind)},
                )
            elif not can_make_roots:
                err(row.number, "parent_code", _("只有系统管理员可以新建顶层区域"))
            continue
        parent_kind = parent.kind if where == "db" else rows[parent].kind
        parent_name = parent.name if where == "db" else rows[parent].name
        if parent_kind and row.kind not in CHILD_KINDS[parent_kind]:
            err(
                row.number,
                parent_key,
                _("上级“%(parent)s”是%(pkind)s，%(pkind)s下不能直接设立%(kind)s")
                % {"parent": parent_name, "pkind": _kind_label(parent_kind), "kind": _kind_label(row.kind)},
            )
        if where == "db":
            if parent.path not in checked_paths:
                checked_paths[parent.path] = can_edit_registry(actor, at_path=parent.path)
            if not checked_paths[parent.path]:
                err(row.number, parent_key, _("您无权在“%(name)s”下维护区域") % {"name": parent.name})

    counts: Counter[str] = Counter(row.kind for row in rows if row.kind)
    if errors:
        errors.sort(key=lambda e: e.row)
        return AreaImportPlan(nodes=[], errors=errors, counts=counts)

    order = sorted(range(len(rows)), key=lambda i: (depth[i], i))
    position = {i: n for n, i in enumerate(order)}
    nodes: list[NewNode] = []
    for i in order:
        row = rows[i]
        instance = Area(
            kind=row.kind,
            name=row.name,
            code=row.code,
            population=row.population,
            households=row.households,
            lon=row.lon,
            lat=row.lat,
            geometry=row.geometry,
        )
        where, parent = row.parent  # type: ignore[misc]
        if where == "db":
            nodes.append(NewNode(instance, parent=parent))
        elif where == "row":
            nodes.append(NewNode(instance, parent_index=position[parent]))
        else:
            nodes.append(NewNode(instance))
    return AreaImportPlan(nodes=nodes, errors=[], counts=counts)


# --- Writing -----------------------------------------------------------------------------------


def area_import_write(*, actor: Any, plan: AreaImportPlan, source_name: str = "") -> list[Area]:
    """Write a validated plan in one transaction (nothing is written if anything fails)."""
    if not plan.ok:
        raise ValueError("cannot write a plan with errors")
    with transaction.atomic():
        return area_bulk_create(actor=actor, nodes=plan.nodes, audit_detail={"source": source_name})


def area_import_file(
    *, actor: Any, path: str | Path, dry_run: bool = False, progress: Progress | None = None
) -> tuple[AreaImportPlan, list[Area]]:
    """Read, validate and (unless ``dry_run`` or invalid) write; the plan says what happened."""
    records = area_records_from_file(path)
    plan = area_import_validate(actor=actor, source=records, progress=progress)
    if dry_run or not plan.ok:
        return plan, []
    return plan, area_import_write(actor=actor, plan=plan, source_name=Path(path).name)


def area_write_template(target: Any) -> None:
    write_template(target, AREA_COLUMNS, title=_("区域导入模板"))


def counts_text(counts: Counter[str]) -> str:
    return "、".join(f"{_kind_label(k)}{counts[k]}个" for k in [k.value for k in AreaKind] if counts.get(k))


# --- Export ------------------------------------------------------------------------------------


def area_export_rows(*, actor: Any, root: Area | None = None) -> Iterator[dict[str, Any]]:
    """The actor's areas (under ``root`` when given) as template rows, parents before children."""
    queryset = scope(Area.objects.all(), actor=actor).order_by("path")
    if root is not None:
        queryset = queryset.filter(path__startswith=root.path)
    first = queryset.only("path", "depth").first()
    info: dict[str, tuple[str, str, str]] = {}  # path -> (name, code, name path)
    if first is not None and first.depth > 1:
        prefixes = [first.path[: Area.steplen * i] for i in range(1, first.depth)]
        for path, name, code in (
            Area.objects.filter(path__in=prefixes).order_by("path").values_list("path", "name", "code")
        ):
            parent_path = info.get(path[: -Area.steplen], ("", "", ""))[2]
            info[path] = (name, code, f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name)
    for area in queryset.iterator(chunk_size=2000):
        parent = info.get(area.path[: -Area.steplen]) if area.depth > 1 else None
        name_path = f"{parent[2]}{PATH_SEPARATOR}{area.name}" if parent else area.name
        info[area.path] = (area.name, area.code, name_path)
        yield {
            "kind": _kind_label(area.kind),
            "name": area.name,
            "code": area.code,
            "parent_code": parent[1] if parent else "",
            "parent_path": parent[2] if parent else "",
            "population": area.population,
            "households": area.households,
            "lon": area.lon if area.lon is not None else "",
            "lat": area.lat if area.lat is not None else "",
            "geometry": json.dumps(area.geometry, ensure_ascii=False, separators=(",", ":"))
            if area.geometry is not None
            else "",
        }


def area_export(*, actor: Any, target: Any, root: Area | None = None) -> int:
    """Write the actor's areas to an xlsx file with the template's columns; returns the row count."""
    count = write_rows(target, AREA_COLUMNS, area_export_rows(actor=actor, root=root), title=_("区域"))
    audit_record(
        actor=actor,
        action="export",
        target=root,
        target_type="areas.area",
        detail={"exported": count},
    )
    return count


def import_actor(username: str | None) -> Any:
    """The user whose rights an import or export runs with: ``username``, or the first superuser."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        actor = users.filter(username=username).first()
        if actor is None:
            raise LookupError(_("用户“%(name)s”不存在或已停用") % {"name": username})
        return actor
    actor = users.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        raise LookupError(_("系统中没有超级用户，请用 --actor 指定执行导入的用户"))
    return actor
