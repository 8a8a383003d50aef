"""Checking area records against the file and the database: the plan to write, or the row errors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.geometry import parse_polygon, validate_point
from quanyu.areas.imports.reading import KIND_BY_TEXT, AreaRecords, kind_label
from quanyu.areas.imports.trees import (
    ErrorSink,
    TreePathIndex,
    TreeRow,
    cell_text,
    check_unique_codes,
    nodes_by_code,
    parse_count,
    parse_name_path,
    resolve_tree_parents,
    tree_depths,
    tree_nodes,
)
from quanyu.areas.models import CHILD_KINDS, Area, AreaKind
from quanyu.core.permissions import can_edit_registry, has_role
from quanyu.core.roles import Role
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import RowError
from quanyu.core.trees import NewNode

ROOT_KINDS = frozenset({AreaKind.CITY, AreaKind.DISTRICT})

Progress = Callable[[int], None]


@dataclass
class AreaImportPlan:
    """The result of validation: the nodes to insert (parents first) or the errors."""

    nodes: list[NewNode]
    errors: list[RowError]
    counts: Counter[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def areas_by_code(codes: set[str], *, queryset: Any = None) -> dict[str, list[Area]]:
    """The areas (of ``queryset``, default all) with each of ``codes``, by code."""
    return nodes_by_code(Area.objects.defer("geometry") if queryset is None else queryset, codes)


@dataclass
class _Row(TreeRow):
    kind: str = ""
    population: int = 0
    households: int = 0
    lon: float | None = None
    lat: float | None = None
    geometry: dict[str, Any] | None = None


def _parse_row(number: int, record: dict[str, Any], err: ErrorSink) -> _Row:
    row = _Row(number=number)
    if record.get("_error"):
        err(number, "", record["_error"])
        return row
    kind_text = cell_text(record.get("kind"))
    kind = KIND_BY_TEXT.get(kind_text) or KIND_BY_TEXT.get(kind_text.lower())
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
    row.name = cell_text(record.get("name"))
    if not row.name:
        err(number, "name", _("名称不能为空"))
    elif len(row.name) > 100:
        err(number, "name", _("名称不能超过100个字"))
    row.code = cell_text(record.get("code"))
    if len(row.code) > 32:
        err(number, "code", _("代码不能超过32个字符"))
    row.parent_code = cell_text(record.get("parent_code"))
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


def _new_area(row: _Row) -> Area:
    return Area(
        kind=row.kind,
        name=row.name,
        code=row.code,
        population=row.population,
        households=row.households,
        lon=row.lon,
        lat=row.lat,
        geometry=row.geometry,
    )


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
                    % {"kind": kind_label(row.kind)},
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
                % {"parent": parent_name, "pkind": kind_label(parent_kind), "kind": kind_label(row.kind)},
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

    nodes, _position = tree_nodes(rows, depth, _new_area)
    return AreaImportPlan(nodes=nodes, errors=[], counts=counts)
