"""Locate many WGS-84 points to their grid (and so community and street).

A point covered by several grids (it lies on a shared boundary) goes to the grid with the lowest
id, so the answer is exact and deterministic. Points outside every grid get -1.
The index is built once per revision of the grid layer and cached in the process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from quanyu.core.geo import to_wgs84

NONE = -1


@dataclass(frozen=True)
class GridRecord:
    grid_id: int
    community_id: int
    street_id: int
    geometry: shapely.Geometry


class GridIndex:
    def __init__(self, records: list[GridRecord]) -> None:
        records = sorted(records, key=lambda r: r.grid_id)
        self.grid_ids = np.array([r.grid_id for r in records], dtype=np.int64)
        self.community_ids = np.array([r.community_id for r in records], dtype=np.int64)
        self.street_ids = np.array([r.street_id for r in records], dtype=np.int64)
        self.geometries = np.array([r.geometry for r in records], dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.grid_ids)

    def locate_positions(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
        """Position (into the sorted grid arrays) of the grid of each point, or -1."""
        out = np.full(lon.shape[0], NONE, dtype=np.int64)
        if len(self) == 0 or lon.shape[0] == 0:
            return out
        points = shapely.points(lon, lat)
        point_idx, geom_idx = self.tree.query(points, predicate="intersects")
        if point_idx.size:
            # Lowest grid position wins for points on shared boundaries: assign in reverse order.
            order = np.lexsort((-geom_idx, point_idx))
            out[point_idx[order]] = geom_idx[order]
        return out

    def locate(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        x = np.ascontiguousarray(lon, dtype=np.float64).ravel()
        y = np.ascontiguousarray(lat, dtype=np.float64).ravel()
        pos = self.locate_positions(x, y)
        found = pos >= 0
        grid = np.where(found, self.grid_ids[np.maximum(pos, 0)] if len(self) else NONE, NONE)
        community = np.where(found, self.community_ids[np.maximum(pos, 0)] if len(self) else NONE, NONE)
        street = np.where(found, self.street_ids[np.maximum(pos, 0)] if len(self) else NONE, NONE)
        return grid, community, street


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], GridIndex]] = {}


def _grid_revision() -> tuple[object, ...]:
    from django.db.models import Count, Max

    from quanyu.areas.models import Area, AreaKind

    agg = Area.objects.filter(kind=AreaKind.GRID).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    return (agg["n"], agg["last"], agg["top"])


def build_grid_index() -> GridIndex:
    from quanyu.areas.models import Area, AreaKind

    grids = list(
        Area.objects.filter(kind=AreaKind.GRID, geometry__isnull=False).values_list("id", "path", "geometry")
    )
    # Community and street of each grid come from its path prefixes (steplen 4).
    prefixes = {p[: len(p) - 4] for _, p, _ in grids} | {p[: len(p) - 8] for _, p, _ in grids}
    ids_by_path = dict(Area.objects.filter(path__in=prefixes).values_list("path", "id"))
    records = []
    for grid_id, path, geometry in grids:
        records.append(
            GridRecord(
                grid_id=grid_id,
                community_id=ids_by_path.get(path[:-4], NONE),
                street_id=ids_by_path.get(path[:-8], NONE),
                geometry=shapely.geometry.shape(geometry),
            )
        )
    return GridIndex(records)


def grid_index() -> GridIndex:
    """The cached index of the current grid layer, rebuilt when grids change."""
    revision = _grid_revision()
    with _cache_lock:
        cached = _cache.get("grids")
        if cached is not None and cached[0] == revision:
            return cached[1]
    index = build_grid_index()
    with _cache_lock:
        _cache["grids"] = (revision, index)
    return index


def locate(
    lon: ArrayLike, lat: ArrayLike, *, crs: str = "wgs84"
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(grid, community, street) ids for each point; -1 where the point lies outside every grid."""
    x, y = to_wgs84(lon, lat, crs)
    return grid_index().locate(x, y)
