"""The walking network: imported from GeoJSON lines, or made from the boundaries of the grids
(the demo city's streets run along its blocks and grids)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.venues.access import require_standard_editor
from quanyu.venues.models import WalkNetwork

MAX_LINES = 500_000


def _line(coords: Any, where: str) -> list[list[float]]:
    if not isinstance(coords, list) or len(coords) < 2:
        raise ValidationError({"geojson": [where + _("线至少需要两个点")]})
    out = []
    for point in coords:
        if (
            not isinstance(point, list | tuple)
            or len(point) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
            or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
        ):
            raise ValidationError({"geojson": [where + _("坐标不正确")]})
        out.append([float(point[0]), float(point[1])])
    return out


def parse_lines(geojson: Any) -> list[list[list[float]]]:
    """LineStrings and MultiLineStrings of a FeatureCollection, Feature or geometry; anything else
    is a 400 naming the feature."""
    if not isinstance(geojson, dict):
        raise ValidationError({"geojson": [_("应为GeoJSON对象")]})
    if geojson.get("type") == "FeatureCollection":
        geometries = [(f or {}).get("geometry") for f in geojson.get("features") or []]
    elif geojson.get("type") == "Feature":
        geometries = [geojson.get("geometry")]
    else:
        geometries = [geojson]
    lines: list[list[list[float]]] = []
    for n, geometry in enumerate(geometries, start=1):
        where = _("第%(n)d个要素：") % {"n": n}
        geometry = geometry if isinstance(geometry, dict) else {}
        kind = geometry.get("type")
        if kind == "LineString":
            lines.append(_line(geometry.get("coordinates"), where))
        elif kind == "MultiLineString":
            lines.extend(_line(c, where) for c in geometry.get("coordinates") or [])
        else:
            raise ValidationError({"geojson": [where + _("只接受LineString或MultiLineString")]})
        if len(lines) > MAX_LINES:
            raise ValidationError({"geojson": [_("线太多（最多%(n)d条）") % {"n": MAX_LINES}]})
    if not lines:
        raise ValidationError({"geojson": [_("没有线")]})
    return lines


def network_import(*, actor: Any, name: str, geojson: Any) -> WalkNetwork:
    lines = parse_lines(geojson)
    require_standard_editor(actor)
    with transaction.atomic():
        return WalkNetwork.objects.create(
            name=(name or "").strip()[:100] or _("路网"),
            lines=lines,
            edges=sum(len(line) - 1 for line in lines),
        )


def network_from_grids(*, actor: Any) -> WalkNetwork:
    """The boundaries of every grid as the walking network (the demo city's streets)."""
    require_standard_editor(actor)
    lines = []
    for geometry in (
        Area.objects.filter(kind=AreaKind.GRID).exclude(geometry=None).values_list("geometry", flat=True)
    ):
        polygons = (
            geometry["coordinates"]
            if geometry.get("type") == "MultiPolygon"
            else [geometry.get("coordinates")]
        )
        for polygon in polygons:
            if polygon:
                lines.append([[float(x), float(y)] for x, y, *_rest in polygon[0]])
    if not lines:
        raise ValidationError({"geojson": [_("没有网格边界")]})
    with transaction.atomic():
        return WalkNetwork.objects.create(
            name=_("网格边界路网"), lines=lines, edges=sum(len(line) - 1 for line in lines)
        )
