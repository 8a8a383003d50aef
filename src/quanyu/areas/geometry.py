"""Validation of area geometry (GeoJSON, WGS-84) and derived values."""

from __future__ import annotations

from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.models import AreaKind

POLYGON_KINDS = frozenset({AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID})


def parse_polygon(geometry: Any) -> shapely.Geometry:
    """A valid shapely (Multi)Polygon from a GeoJSON geometry dict, or ValidationError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon"), code="geometry_type")
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, shapely.errors.ShapelyError) as exc:
        raise ValidationError(_("边界坐标无法解析：%(err)s") % {"err": exc}, code="geometry_parse") from None
    if shape.is_empty:
        raise ValidationError(_("边界为空"), code="geometry_empty")
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(_("边界坐标超出经纬度范围（应为 WGS-84 经度、纬度）"), code="geometry_range")
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        raise ValidationError(_("边界多边形无效：%(why)s") % {"why": reason}, code="geometry_invalid")
    return shape


def representative_lonlat(shape: shapely.Geometry) -> tuple[float, float]:
    point = shape.representative_point()
    return float(point.x), float(point.y)


def validate_point(lon: Any, lat: Any) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValidationError(_("经纬度必须是数字"), code="point") from None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise ValidationError(_("经纬度超出范围"), code="point_range")
    return x, y
