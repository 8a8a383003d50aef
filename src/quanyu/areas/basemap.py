"""The registry drawn as a base map, for maps that have no tiles offline (issue 13 point 4): street
and community outlines with their names, building points with their names where one zooms in, and
a search for a place by its name (estate, building, community, street). All of it is public
registry data, never personal data: residents use it to find their spot before they sign in."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import ancestor_paths, areas_revision

BASE_LAYER_CACHE_SECONDS = 3600
BUILDINGS_IN_VIEW_LIMIT = 600
PLACES_LIMIT = 10
# A search lists the smaller places first: a building names a spot, a street only a district part.
_KIND_ORDER = {AreaKind.BUILDING: 0, AreaKind.GRID: 1, AreaKind.COMMUNITY: 2, AreaKind.STREET: 3}


def base_layer_features() -> dict[str, Any]:
    """Street and community outlines as a GeoJSON FeatureCollection (id, kind, name, the label's
    point); cached per revision of those areas: one aggregate query when nothing changed."""
    kinds = [AreaKind.STREET, AreaKind.COMMUNITY]
    key = f"quanyu.areas.base-layer.{areas_revision(kinds)}"
    collection: dict[str, Any] | None = cache.get(key)
    if collection is not None:
        return collection
    rows = (
        Area.objects.filter(kind__in=kinds, geometry__isnull=False)
        .order_by("path")
        .values_list("pk", "kind", "name", "lon", "lat", "geometry")
    )
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": geometry,
                "properties": {"id": pk, "kind": kind, "name": name, "label_at": [lon, lat]},
            }
            for pk, kind, name, lon, lat, geometry in rows
        ],
    }
    cache.set(key, collection, BASE_LAYER_CACHE_SECONDS)
    return collection


def buildings_in_view(west: float, south: float, east: float, north: float) -> list[dict[str, Any]]:
    """Building points (id, name, lon, lat) inside the box, at most ``BUILDINGS_IN_VIEW_LIMIT``."""
    rows = (
        Area.objects.filter(
            kind=AreaKind.BUILDING, lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north
        )
        .order_by("path")
        .values_list("pk", "name", "lon", "lat")[:BUILDINGS_IN_VIEW_LIMIT]
    )
    return [{"id": pk, "name": name, "lon": lon, "lat": lat} for pk, name, lon, lat in rows]


def place_search(text: str) -> list[dict[str, Any]]:
    """Places whose name contains ``text`` (every word of it), smaller places first, each with
    its point and where it lies (the names of its street and community)."""
    words = [w for w in (text or "").split() if w][:4]
    if not words or sum(len(w) for w in words) < 2:
        return []
    query = Q()
    for word in words:
        query &= Q(name__icontains=word[:50])
    found = list(
        Area.objects.filter(query, kind__in=list(_KIND_ORDER), lon__isnull=False, lat__isnull=False)
        .order_by("path")
        .values_list("pk", "kind", "name", "path", "lon", "lat")[: PLACES_LIMIT * 5]
    )
    found.sort(key=lambda row: (_KIND_ORDER[row[1]], len(row[2]), row[3]))
    found = found[:PLACES_LIMIT]
    ancestors = {p for row in found for p in ancestor_paths(row[3])}
    names = dict(
        Area.objects.filter(path__in=ancestors, kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]).values_list(
            "path", "name"
        )
    )
    return [
        {
            "id": pk,
            "kind": kind,
            "kind_label": str(AreaKind(kind).label),
            "name": name,
            "where": " · ".join(names[p] for p in ancestor_paths(path) if p in names),
            "lon": lon,
            "lat": lat,
        }
        for pk, kind, name, path, lon, lat in found
    ]
