"""Locate many WGS-84 points to their grid (and so community and street).

A point covered by several grids (it lies on a shared boundary) goes to the grid with the lowest
id, so the answer is exact and deterministic. Points outside every grid, and NaN points, get -1.
The index is built once per revision of the grid layer and cached in the process (``grid_indexes``,
a ``core.memo.RevisedMemo``).

How the index answers quickly and still exactly: the grids' bounding box is cut into a uniform
raster of cells (a few million for a district). At build time every cell is classified:

* no polygon boundary comes near the cell: every point of the cell lies in the same set of grids,
  so the cell stores its answer (the lowest covering grid, or -1) and a lookup is one array read;
* otherwise the cell is a *boundary cell*: it stores, in a CSR array, the grids whose boundary
  touches it or which cover it, lowest first. Points there are tested exactly against those
  candidates (GEOS ``intersects_xy``, boundary included) and take the first hit.

"Near" means within a small margin around the closed cell, larger than any rounding in mapping a
point to its cell, so a point at a cell edge can never take a neighbour cell's stored answer
wrongly. Boundary cells are found from the polygon edges cut into pieces no longer than half a cell
(each piece lies in at most 2×2 cells); the other cells are labelled by runs along each raster row,
one exact point query per run, since no boundary crosses a run.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from quanyu.core.geo import to_wgs84
from quanyu.core.memo import RevisedMemo

NONE = -1

# Raster size: about this many cells per grid, within these bounds. With ~1,000 grids this gives
# ~4M cells (16 MB of int32), so that only a few per cent of random points fall in boundary cells.
CELLS_PER_GRID = 4096
MIN_CELLS = 4096
MAX_CELLS = 4_194_304
# Margin around each cell, in cell widths, within which a polygon edge makes it a boundary cell.
_MARGIN = 1e-6

Positions = NDArray[np.int64]


@dataclass(frozen=True)
class GridRecord:
    grid_id: int
    community_id: int
    street_id: int
    geometry: shapely.Geometry


class GridIndex:
    """Exact point → grid lookup over a fixed set of grid polygons (see the module docstring)."""

    def __init__(self, records: list[GridRecord], *, max_cells: int = MAX_CELLS) -> None:
        records = sorted(records, key=lambda r: r.grid_id)
        self.grid_ids = np.array([r.grid_id for r in records], dtype=np.int64)
        self.community_ids = np.array([r.community_id for r in records], dtype=np.int64)
        self.street_ids = np.array([r.street_id for r in records], dtype=np.int64)
        self._grid_ids, self._community_ids, self._street_ids = (
            np.append(ids, NONE) for ids in (self.grid_ids, self.community_ids, self.street_ids)
        )
        geometries = np.empty(len(records), dtype=object)
        geometries[:] = [r.geometry for r in records]
        self.geometries = geometries
        shapely.prepare(self.geometries)
        # GEOS prepared geometries build their point locators lazily and are not thread-safe
        # (libgeos/geos#825): exact tests on one index run one thread at a time.
        self._exact_lock = threading.Lock()
        self.tree = shapely.STRtree(self.geometries)
        self._build_raster(max_cells)

    def __len__(self) -> int:
        return len(self.grid_ids)

    # -- build ---------------------------------------------------------------------------------

    def _build_raster(self, max_cells: int) -> None:
        n = len(self)
        empty = n == 0 or bool(shapely.is_empty(self.geometries).all())
        if empty:
            x0 = y0 = x1 = y1 = 0.0
        else:
            x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(self.geometries))
        width, height = x1 - x0, y1 - y0
        # Cell numbers are int32 at query time.
        target = max(1, min(max_cells, 1 << 30, max(MIN_CELLS, CELLS_PER_GRID * n)))
        if width > 0 and height > 0:
            side = math.sqrt(width * height / target)
            nx = max(1, min(target, round(width / side)))
            ny = max(1, min(target // nx, round(height / side)))
        else:  # every grid on one line: a single row or column of cells
            nx = target if width > 0 else 1
            ny = target if height > 0 else 1
        self.bounds = (x0, y0, x1, y1)
        self.shape = (ny, nx)
        self._sx = nx / width if width > 0 else 0.0
        self._sy = ny / height if height > 0 else 0.0
        self._empty = empty
        if empty:
            self.cells = np.full(1, NONE, dtype=np.int32)
            self.cand_ptr = np.zeros(1, dtype=np.int64)
            self.cand_pos = np.zeros(0, dtype=np.int32)
            return

        # 1. Boundary cells and the grids whose edges touch them.
        bcell, bpos = self._edge_cells()
        boundary = np.zeros(nx * ny, dtype=bool)
        boundary[bcell] = True

        # 2. The other cells: runs along each row; one exact query per run at its first cell centre.
        free = ~boundary.reshape(ny, nx)
        run_start = free.copy()
        run_start[:, 1:] &= boundary.reshape(ny, nx)[:, :-1]
        first = np.flatnonzero(run_start)
        cx, cy = self._cell_centres(first)
        run_pos = self._lowest_covering(cx, cy).astype(np.int32)
        run_of = np.cumsum(run_start.ravel(), dtype=np.int32)
        run_of -= 1
        del run_start, free
        cells = run_pos[run_of] if run_pos.size else np.full(nx * ny, NONE, dtype=np.int32)
        del run_of

        # 3. Boundary cells also list grids that cover them without an edge nearby (overlapping
        #    layers); a grid covering the whole cell covers its centre.
        ucell = np.flatnonzero(boundary)
        del boundary
        cx, cy = self._cell_centres(ucell)
        pi, gi = self.tree.query(shapely.points(cx, cy), predicate="intersects")
        key = np.concatenate((bcell * n + bpos, ucell[pi] * n + gi))
        key.sort()  # by cell, then grid position
        keep = np.ones(key.size, dtype=bool)
        keep[1:] = key[1:] != key[:-1]
        key = key[keep]
        kcell, kpos = key // n, key % n
        # CSR over boundary cells in raster order (ucell and kcell are both sorted).
        counts = np.bincount(np.searchsorted(ucell, kcell), minlength=ucell.size)
        self.cand_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.cand_pos = kpos.astype(np.int32)
        cells[ucell] = -2 - np.arange(ucell.size, dtype=np.int32)
        self.cells = cells

    def _cell_centres(self, flat: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        ny, nx = self.shape
        x0, y0, x1, y1 = self.bounds
        col, row = flat % nx, flat // nx
        cx = np.asarray(x0 + (col + 0.5) * ((x1 - x0) / nx), dtype=np.float64)
        cy = np.asarray(y0 + (row + 0.5) * ((y1 - y0) / ny), dtype=np.float64)
        return cx, cy

    def _lowest_covering(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> Positions:
        """Exact: position of the lowest grid covering each point, or -1 (one STRtree query)."""
        out = np.full(x.shape[0], NONE, dtype=np.int64)
        if x.size == 0:
            return out
        pi, gi = self.tree.query(shapely.points(x, y), predicate="intersects")
        if pi.size:
            # Assign in descending grid order so that the lowest position is written last.
            order = np.lexsort((-gi, pi))
            out[pi[order]] = gi[order]
        return out

    def _edge_cells(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(cell, grid position) pairs for every cell that some grid's edge comes near."""
        ny, nx = self.shape
        x0, y0, _, _ = self.bounds
        ax, ay, bx, by, owner = _edges(self.geometries)
        # Cut each edge into pieces spanning at most half a cell along both axes.
        span = np.maximum(np.abs(bx - ax) * self._sx, np.abs(by - ay) * self._sy)
        pieces = np.maximum(1, np.ceil(span * 2.0)).astype(np.int64)
        edge = np.repeat(np.arange(pieces.size), pieces)
        step = np.arange(edge.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        t0 = step / pieces[edge]
        t1 = (step + 1) / pieces[edge]
        ex, ey, fx, fy = ax[edge], ay[edge], bx[edge] - ax[edge], by[edge] - ay[edge]
        px0, px1 = ex + t0 * fx, ex + t1 * fx
        py0, py1 = ey + t0 * fy, ey + t1 * fy
        # Cell ranges of each piece's box grown by the margin: at most two cells along each axis.
        lo_x = self._cell_of(np.minimum(px0, px1), x0, self._sx, nx, -_MARGIN)
        hi_x = self._cell_of(np.maximum(px0, px1), x0, self._sx, nx, _MARGIN)
        lo_y = self._cell_of(np.minimum(py0, py1), y0, self._sy, ny, -_MARGIN)
        hi_y = self._cell_of(np.maximum(py0, py1), y0, self._sy, ny, _MARGIN)
        assert (hi_x - lo_x).max(initial=0) <= 1 and (hi_y - lo_y).max(initial=0) <= 1
        pos = owner[edge]
        cell = np.concatenate(
            (lo_y * nx + lo_x, lo_y * nx + hi_x, hi_y * nx + lo_x, hi_y * nx + hi_x)
        ).astype(np.int64)
        return cell, np.tile(pos, 4).astype(np.int64)

    @staticmethod
    def _cell_of(v: NDArray[np.float64], origin: float, scale: float, size: int, margin: float) -> Positions:
        return np.clip(np.floor((v - origin) * scale + margin), 0, size - 1).astype(np.int64)

    # -- query ---------------------------------------------------------------------------------

    def locate_positions(self, lon: ArrayLike, lat: ArrayLike) -> Positions:
        """Position (into the sorted grid arrays) of the grid of each point, or -1."""
        x, y = _coordinates(lon, lat)
        return self._positions(x, y).astype(np.int64)

    def _positions(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int32]:
        if self._empty or x.shape[0] == 0:
            return np.full(x.shape[0], NONE, dtype=np.int32)
        x0, y0, x1, y1 = self.bounds
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)  # NaN compares False
        if inside.all():
            idx = None
            xi, yi = x, y
        else:
            idx = np.flatnonzero(inside)
            xi, yi = x[idx], y[idx]
        ny, nx = self.shape
        col = xi - x0
        col *= self._sx
        row = yi - y0
        row *= self._sy
        # Points on the far edges (or one rounding step past a cell edge) clamp into the raster.
        np.minimum(col, nx - 1, out=col)
        np.minimum(row, ny - 1, out=row)
        cell = row.astype(np.int32)
        cell *= nx
        cell += col.astype(np.int32)
        code = self.cells.take(cell)
        hard = np.flatnonzero(code <= -2)
        if hard.size:
            code[hard] = self._resolve(xi[hard], yi[hard], -2 - code[hard])
        if idx is None:
            return code
        out = np.full(x.shape[0], NONE, dtype=np.int32)
        out[idx] = code
        return out

    def _position(self, x: float, y: float) -> int:
        """``_positions`` of one point in plain floats: the same arithmetic, no arrays (for a
        request that brings one point, the arrays cost more than the lookup)."""
        if self._empty:
            return NONE
        x0, y0, x1, y1 = self.bounds
        if not (x0 <= x <= x1 and y0 <= y <= y1):  # NaN compares False
            return NONE
        ny, nx = self.shape
        col = min((x - x0) * self._sx, nx - 1)
        row = min((y - y0) * self._sy, ny - 1)
        code = int(self.cells[int(row) * nx + int(col)])
        if code <= -2:
            slot = np.array([-2 - code], dtype=np.int32)
            code = int(self._resolve(np.array([x]), np.array([y]), slot)[0])
        return code

    def _resolve(
        self, x: NDArray[np.float64], y: NDArray[np.float64], slot: NDArray[np.int32]
    ) -> NDArray[np.int32]:
        """Exact tests for points in boundary cells: first candidate (lowest id) that covers it."""
        start = self.cand_ptr[slot]
        end = self.cand_ptr[slot + 1]
        result = np.full(x.shape[0], NONE, dtype=np.int32)
        todo = np.arange(x.shape[0])
        k = 0
        while todo.size:
            todo = todo[start[todo] + k < end[todo]]
            if not todo.size:
                break
            pos = self.cand_pos[start[todo] + k]
            with self._exact_lock:
                hit = shapely.intersects_xy(self.geometries[pos], x[todo], y[todo])
            result[todo[hit]] = pos[hit]
            todo = todo[~hit]
            k += 1
        return result

    def locate(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """(grid, community, street) ids of each point; -1 outside every grid or for NaN."""
        pos = self._positions(*_coordinates(lon, lat)).astype(np.intp)
        # Each id table ends with -1, so position -1 reads "none" without a mask.
        return self._grid_ids[pos], self._community_ids[pos], self._street_ids[pos]

    def locate_point(self, lon: float, lat: float) -> tuple[int, int, int]:
        """``locate`` of one point: (grid, community, street) ids, -1 outside every grid."""
        pos = self._position(float(lon), float(lat))
        return int(self._grid_ids[pos]), int(self._community_ids[pos]), int(self._street_ids[pos])


def _coordinates(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.ascontiguousarray(lon, dtype=np.float64).ravel()
    y = np.ascontiguousarray(lat, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"lon and lat differ in length: {x.shape[0]} and {y.shape[0]}")
    return x, y


def _edges(
    geometries: NDArray[np.object_],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], Positions]:
    """Every edge (ax, ay, bx, by, owner position) of the geometries' boundaries.

    Polygons give their rings; lines themselves; points a zero-length edge. Multi-part geometries
    and collections are flattened first.
    """
    parts, owner = geometries, np.arange(len(geometries))
    while True:
        kinds = shapely.get_type_id(parts)
        multi = kinds >= 4
        if not multi.any():
            break
        sub, which = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate((parts[~multi], sub))
        owner = np.concatenate((owner[~multi], owner[multi][which]))
    kinds = shapely.get_type_id(parts)
    polys = kinds == 3
    rings, ring_poly = shapely.get_rings(parts[polys], return_index=True)
    lines = parts[~polys]
    chains = np.concatenate((rings, lines))
    chain_owner = np.concatenate((owner[polys][ring_poly], owner[~polys]))
    coords, chain_of = shapely.get_coordinates(chains, return_index=True)
    if coords.shape[0] == 0:
        nothing = np.zeros(0, dtype=np.float64)
        return nothing, nothing, nothing, nothing, np.zeros(0, dtype=np.int64)
    # Consecutive vertices of one chain form an edge; a chain of one vertex (a point) its own edge.
    first = np.ones(coords.shape[0], dtype=bool)
    first[1:] = chain_of[1:] != chain_of[:-1]
    last = np.ones(coords.shape[0], dtype=bool)
    last[:-1] = first[1:]
    start = np.flatnonzero(~last | (first & last))
    stop = np.where(first[start] & last[start], start, start + 1)
    return (
        coords[start, 0],
        coords[start, 1],
        coords[stop, 0],
        coords[stop, 1],
        chain_owner[chain_of[start]].astype(np.int64),
    )


def layer_revision() -> tuple[object, ...]:
    """The street, community and grid rows' count, last ``updated_at`` and top id: what the grid
    index (and the intake's remembered area rows) derive from. Streets and communities count too,
    since each grid's community and street are read from its path: moving a community (the moved
    node is saved, its grids' paths rewritten) must rebuild the index."""
    from django.db.models import Count, Max

    from quanyu.areas.models import Area, AreaKind

    agg = Area.objects.filter(kind__in=(AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET)).aggregate(
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


# The index of the current grid layer, per process (one key). Saving or deleting an Area here makes
# the next lookup read the grid layer's revision again (rebuilt only when a grid changed); bulk
# writes (the area import) make it forget through ``core.memo.forget_models(Area)``.
grid_indexes: RevisedMemo[GridIndex] = RevisedMemo("areas.grid_index", layer_revision, limit=1)
grid_indexes.recheck_when_changed("areas.Area")


def grid_index() -> GridIndex:
    """The cached index of the current grid layer, rebuilt when grids change. The revision
    (one aggregate) is read at most once per ``QUANYU_REVISION_RECHECK_SECONDS`` per process."""
    return grid_indexes.value("grids", build_grid_index)


def locate(
    lon: ArrayLike, lat: ArrayLike, *, crs: str = "wgs84"
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(grid, community, street) ids for each point; -1 where the point lies outside every grid."""
    x, y = to_wgs84(lon, lat, crs)
    return grid_index().locate(x, y)


def locate_point(lon: float, lat: float, *, crs: str = "wgs84") -> tuple[int, int, int]:
    """``locate`` of one point: its (grid, community, street) ids, -1 outside every grid."""
    if crs != "wgs84":
        x, y = to_wgs84([lon], [lat], crs)
        lon, lat = float(x[0]), float(y[0])
    return grid_index().locate_point(lon, lat)
