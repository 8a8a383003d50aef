"""Walking coverage of venues (pure numpy/scipy; no database): which buildings lie within a 5-,
10- or 15-minute walk of a venue, weighted by population.

Distances are in metres on a local plane: lon/lat are projected around the layout's mean
latitude (equirectangular; the error over a city is far below a metre per kilometre).

- **Straight line** (no street network): the nearest venue by a k-d tree, times the detour
  factor (``VENUES_DETOUR_FACTOR``).
- **Over a network** (GeoJSON LineStrings): the lines' vertices are the nodes, their segments the
  edges; each venue and building is joined to its nearest node (the join's length counts); one
  Dijkstra from a virtual source tied to every venue's node with its join length gives every
  node's distance to its nearest venue (multi-source shortest paths, scipy.sparse.csgraph).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

EARTH_M = 6_371_008.8
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Plane:
    """Equirectangular projection around ``lat0`` (degrees) to metres."""

    lon0: float
    lat0: float

    @classmethod
    def around(cls, lon: Array, lat: Array) -> Plane:
        return cls(float(np.mean(lon)) if len(lon) else 0.0, float(np.mean(lat)) if len(lat) else 0.0)

    def xy(self, lon: Any, lat: Any) -> Array:
        lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        k = np.pi / 180 * EARTH_M
        return np.column_stack(((lon - self.lon0) * k * np.cos(np.radians(self.lat0)), (lat - self.lat0) * k))


def straight_distances(buildings: Array, venues: Array, *, detour: float) -> Array:
    """Each building's walking distance (m) to its nearest venue: straight line × ``detour``.
    ``buildings`` and ``venues`` are (n, 2) arrays in metres; no venue → infinity."""
    if len(venues) == 0:
        return np.full(len(buildings), np.inf)
    dist, _ = cKDTree(venues).query(buildings, k=1)
    return np.asarray(dist, dtype=np.float64) * detour


@dataclass
class Network:
    nodes: Array  # (n, 2) metres
    graph: Any  # scipy sparse (n, n) of edge lengths, symmetric
    tree: cKDTree

    @classmethod
    def from_lines(cls, lines: Iterable[Array]) -> Network:
        """Lines as (m, 2) arrays of metres; shared vertices (to the centimetre) join."""
        index: dict[tuple[int, int], int] = {}
        points: list[tuple[float, float]] = []
        rows: list[int] = []
        cols: list[int] = []
        lengths: list[float] = []
        for line in lines:
            ids = []
            for x, y in line:
                key = (round(x * 100), round(y * 100))
                if key not in index:
                    index[key] = len(points)
                    points.append((x, y))
                ids.append(index[key])
            for a, b in pairwise(ids):
                if a != b:
                    rows.append(a)
                    cols.append(b)
                    lengths.append(float(np.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1])))
        nodes = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        n = len(nodes)
        graph = coo_matrix(
            (np.asarray(lengths + lengths), (np.asarray(rows + cols), np.asarray(cols + rows))), shape=(n, n)
        ).tocsr()
        return cls(nodes=nodes, graph=graph, tree=cKDTree(nodes))

    def distances(self, buildings: Array, venues: Array) -> Array:
        """Each building's distance (m) over the network to its nearest venue (join lengths
        included); infinity when unreachable or no venue."""
        if len(venues) == 0 or len(self.nodes) == 0:
            return np.full(len(buildings), np.inf)
        n = len(self.nodes)
        v_join, v_node = self.tree.query(venues, k=1)
        # a virtual source (index n) tied to each venue's node by its join length
        best: dict[int, float] = {}
        for node, join in zip(v_node.tolist(), v_join.tolist(), strict=True):
            best[node] = min(join, best.get(node, np.inf))
        extra_rows = np.full(len(best), n)
        extra_cols = np.fromiter(best.keys(), dtype=np.int64)
        extra_w = np.fromiter(best.values(), dtype=np.float64) + 1e-9  # zero weights would vanish
        g = self.graph.tocoo()
        full = coo_matrix(
            (
                np.concatenate([g.data, extra_w]),
                (np.concatenate([g.row, extra_rows]), np.concatenate([g.col, extra_cols])),
            ),
            shape=(n + 1, n + 1),
        ).tocsr()
        node_dist = dijkstra(full, directed=True, indices=n)
        b_join, b_node = self.tree.query(buildings, k=1)
        return np.asarray(b_join + node_dist[b_node], dtype=np.float64)


@dataclass(frozen=True)
class Coverage:
    distance: Array  # per building, metres
    circles: dict[str, float]  # "5" → metres

    def covered(self, minutes: str) -> NDArray[np.bool_]:
        return self.distance <= self.circles[minutes]


def compute(
    *,
    buildings_lonlat: Array,
    venues_lonlat: Array,
    circles: dict[str, float],
    detour: float,
    network_lines: list[Array] | None = None,
) -> Coverage:
    """Coverage of buildings by venues, straight-line × detour or over ``network_lines`` (lists of
    lon/lat vertex arrays)."""
    everything = np.vstack([buildings_lonlat.reshape(-1, 2), venues_lonlat.reshape(-1, 2)])
    plane = Plane.around(everything[:, 0], everything[:, 1])
    b = (
        plane.xy(buildings_lonlat[:, 0], buildings_lonlat[:, 1])
        if len(buildings_lonlat)
        else np.zeros((0, 2))
    )
    v = plane.xy(venues_lonlat[:, 0], venues_lonlat[:, 1]) if len(venues_lonlat) else np.zeros((0, 2))
    if network_lines:
        net = Network.from_lines(plane.xy(line[:, 0], line[:, 1]) for line in network_lines)
        distance = net.distances(b, v)
    else:
        distance = straight_distances(b, v, detour=detour)
    return Coverage(distance=distance, circles={k: float(m) for k, m in circles.items()})


def shares(covered: NDArray[np.bool_], population: Array, groups: list[str]) -> dict[str, dict[str, float]]:
    """Covered and total population per group key, and the share."""
    out: dict[str, dict[str, float]] = {}
    for key, is_covered, people in zip(groups, covered.tolist(), population.tolist(), strict=True):
        row = out.setdefault(key, {"population": 0.0, "covered": 0.0})
        row["population"] += people
        row["covered"] += people if is_covered else 0.0
    for row in out.values():
        row["share"] = round(row["covered"] / row["population"], 4) if row["population"] else 1.0
    return out
