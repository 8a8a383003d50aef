"""The grid locator against a brute-force reference: the lowest-id grid whose polygon covers a point.

The layout is built here: street, community and grid polygons nested by Voronoi splits of an
irregular district, so grids are non-rectangular and share edges and vertices. Points are chosen
where a raster index is most likely to go wrong: polygon vertices and edge midpoints (and one
rounding step either side), raster cell edges, the outer boundary, outside the district, NaN.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import shapely
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from quanyu.areas import locate as locate_module
from quanyu.areas.locate import GridIndex, GridRecord, grid_index, locate, locate_point
from quanyu.areas.models import Area
from quanyu.core.geo import gcj02_to_bd09, wgs84_to_gcj02
from tests.factories import box

DISTRICT = shapely.Polygon(
    [
        (121.330, 37.505),
        (121.390, 37.500),
        (121.470, 37.510),
        (121.455, 37.560),
        (121.405, 37.580),
        (121.360, 37.575),
        (121.335, 37.545),
    ]
)


def _split(parent: shapely.Geometry, n: int, rng: np.random.Generator) -> list[shapely.Geometry]:
    x0, y0, x1, y1 = parent.bounds
    x, y = rng.uniform(x0, x1, 50 * n), rng.uniform(y0, y1, 50 * n)
    inside = shapely.contains_xy(parent, x, y)
    seeds = shapely.multipoints(np.column_stack((x[inside][:n], y[inside][:n])))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=parent))
    out = []
    for piece in shapely.intersection(cells, parent):
        polys = [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0]
        if polys:
            out.append(polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys))
    return out


@functools.cache
def voronoi_records(seed: int = 7) -> tuple[GridRecord, ...]:
    """3 streets → 9 communities → ~60 grids; grid ids shuffled so id order is not spatial order."""
    rng = np.random.default_rng(seed)
    nested = []
    for si, street in enumerate(_split(DISTRICT, 3, rng)):
        for ci, community in enumerate(_split(street, 3, rng)):
            nested.extend((100 + si, 1000 + 10 * si + ci, g) for g in _split(community, 7, rng))
    ids = rng.permutation(len(nested)) * 3 + 11
    return tuple(
        GridRecord(grid_id=int(i), community_id=c, street_id=s, geometry=g)
        for i, (s, c, g) in zip(ids, nested, strict=True)
    )


def tricky_records() -> tuple[GridRecord, ...]:
    """Overlaps, a hole, a multipolygon, a sliver far smaller than a raster cell, a touching pair."""
    big = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]])
    return (
        GridRecord(5, 1, 1, big),
        GridRecord(3, 1, 1, shapely.box(2, 2, 5, 5)),  # overlaps the big one and its hole, lower id
        GridRecord(9, 1, 1, shapely.box(4.5, 4.5, 5.5, 5.5)),  # inside the hole and under grid 3
        GridRecord(2, 2, 1, shapely.MultiPolygon([shapely.box(11, 0, 12, 1), shapely.box(11, 9, 12, 10)])),
        GridRecord(7, 2, 1, shapely.box(10, 3, 10 + 1e-9, 3 + 1e-9)),  # sliver on the big one's edge
        GridRecord(1, 2, 1, shapely.Polygon([(10, 5), (11, 4), (11, 6)])),  # touches the big one at a vertex
        GridRecord(4, 3, 2, shapely.box(0, 0, 10, 10).difference(shapely.box(0.5, 0.5, 9.5, 9.5))),  # ring
    )


def reference(records: tuple[GridRecord, ...], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Brute force: the lowest-id grid whose polygon covers each point, or -1."""
    points = shapely.points(x, y)
    out = np.full(x.shape[0], -1, dtype=np.int64)
    for record in sorted(records, key=lambda r: r.grid_id):
        todo = np.flatnonzero(out == -1)
        covered = shapely.covers(record.geometry, points[todo])
        out[todo[covered]] = record.grid_id
    return out


def awkward_points(records: tuple[GridRecord, ...], index: GridIndex) -> tuple[np.ndarray, np.ndarray]:
    """Vertices, edge midpoints and raster cell edges, each also one rounding step either way."""
    coords = shapely.get_coordinates(shapely.boundary(np.array([r.geometry for r in records], dtype=object)))
    mids = (coords[:-1] + coords[1:]) / 2
    x0, y0, x1, y1 = index.bounds
    ny, nx = index.shape
    cols = np.linspace(0, nx, min(nx, 64) + 1).round()
    rows = np.linspace(0, ny, min(ny, 64) + 1).round()
    gx, gy = np.meshgrid(x0 + cols * ((x1 - x0) / nx), y0 + rows * ((y1 - y0) / ny))
    base = np.concatenate((coords, mids, np.column_stack((gx.ravel(), gy.ravel()))))
    xs, ys = [base[:, 0]], [base[:, 1]]
    for direction in (-np.inf, np.inf):
        xs += [np.nextafter(base[:, 0], direction), base[:, 0]]
        ys += [base[:, 1], np.nextafter(base[:, 1], direction)]
    return np.concatenate(xs), np.concatenate(ys)


@functools.cache
def voronoi_index(max_cells: int | None = None) -> GridIndex:
    records = list(voronoi_records())
    return GridIndex(records) if max_cells is None else GridIndex(records, max_cells=max_cells)


def assert_matches(records: tuple[GridRecord, ...], index: GridIndex, x: np.ndarray, y: np.ndarray) -> None:
    got, _, _ = index.locate(x, y)
    want = reference(records, x, y)
    wrong = np.flatnonzero(got != want)
    assert wrong.size == 0, [(x[i], y[i], got[i], want[i]) for i in wrong[:5]]
    # One point at a time (the path of a request) gives the same as the arrays.
    one = [index.locate_point(float(a), float(b))[0] for a, b in zip(x, y, strict=True)]
    assert one == got.tolist()


def test_layout_is_realistic():
    records = voronoi_records()
    geoms = [r.geometry for r in records]
    assert len(records) >= 50
    assert all(shapely.is_valid(g) for g in geoms)
    # Non-rectangular grids that tile the district.
    assert sum(shapely.get_num_coordinates(g) != 5 for g in geoms) > len(geoms) // 2
    assert shapely.union_all(geoms).symmetric_difference(DISTRICT).area < 1e-9


@pytest.mark.parametrize("max_cells", [64, 4096, None])
def test_random_points_match_reference(max_cells):
    records = voronoi_records()
    index = voronoi_index(max_cells)
    rng = np.random.default_rng(max_cells or 0)
    x0, y0, x1, y1 = DISTRICT.bounds
    x = rng.uniform(x0 - 0.01, x1 + 0.01, 20_000)
    y = rng.uniform(y0 - 0.01, y1 + 0.01, 20_000)
    assert_matches(records, index, x, y)


@pytest.mark.parametrize("max_cells", [64, 4096, None])
def test_shared_edges_vertices_and_cell_edges_match_reference(max_cells):
    records = voronoi_records()
    index = voronoi_index(max_cells)
    x, y = awkward_points(records, index)
    assert_matches(records, index, x, y)
    # Every vertex lies on its own grid, and most are shared with others: the ties are tested.
    geoms = np.array([r.geometry for r in records], dtype=object)
    vertices = shapely.points(shapely.get_coordinates(shapely.boundary(geoms)))
    assert (index.locate(shapely.get_x(vertices), shapely.get_y(vertices))[0] >= 0).all()
    shared = shapely.covers(geoms[:, None], vertices[None, :]).sum(axis=0) >= 2
    assert shared.mean() > 0.5


def test_outer_boundary_and_outside_points():
    records = voronoi_records()
    index = voronoi_index()
    ring = DISTRICT.exterior
    along = shapely.line_interpolate_point(ring, np.linspace(0, 1, 2001), normalized=True)
    bx, by = shapely.get_x(along), shapely.get_y(along)
    out = shapely.get_coordinates(shapely.buffer(DISTRICT, 0.002).exterior)
    x = np.concatenate((bx, out[:, 0], [0.0, 121.4, 200.0, -121.4]))
    y = np.concatenate((by, out[:, 1], [0.0, 89.0, 37.54, 37.54]))
    assert_matches(records, index, x, y)
    got, community, street = index.locate(out[:, 0], out[:, 1])
    assert (got == -1).all() and (community == -1).all() and (street == -1).all()


def test_nan_and_infinite_points_are_outside():
    index = voronoi_index()
    x = np.array([np.nan, 121.40, np.nan, np.inf, -np.inf, 121.40])
    y = np.array([37.54, np.nan, np.nan, 37.54, 37.54, np.inf])
    grid, community, street = index.locate(x, y)
    assert grid.tolist() == [-1] * 6
    assert {index.locate_point(a, b) for a, b in zip(x, y, strict=True)} == {(-1, -1, -1)}
    assert community.tolist() == [-1] * 6 and street.tolist() == [-1] * 6


def test_tricky_geometries_match_reference():
    records = tricky_records()
    for max_cells in (16, 4096, 1_000_000):
        index = GridIndex(list(records), max_cells=max_cells)
        rng = np.random.default_rng(max_cells)
        x = np.concatenate((rng.uniform(-1, 13, 20_000), awkward_points(records, index)[0]))
        y = np.concatenate((rng.uniform(-1, 11, 20_000), awkward_points(records, index)[1]))
        assert_matches(records, index, x, y)
    index = GridIndex(list(records))
    grid, community, street = index.locate([5.0, 5.0, 4.2, 1.0, 11.5, 0.2], [5.0, 4.0, 4.2, 1.0, 9.5, 0.2])
    # Hole centre: grid 3 covers it before 9; the hole's edge: grid 3; overlap: 3; big only: 5;
    # the multipolygon's second part: 2; the ring over the big grid: 4 (above 5).
    assert grid.tolist() == [3, 3, 3, 5, 2, 4]
    assert community.tolist() == [1, 1, 1, 1, 2, 3]
    assert street.tolist() == [1, 1, 1, 1, 1, 2]


def test_community_and_street_follow_the_grid():
    records = voronoi_records()
    index = voronoi_index()
    by_id = {r.grid_id: r for r in records}
    centres = [r.geometry.representative_point() for r in records]
    grid, community, street = index.locate([p.x for p in centres], [p.y for p in centres])
    assert grid.tolist() == [r.grid_id for r in records]
    assert community.tolist() == [by_id[g].community_id for g in grid.tolist()]
    assert street.tolist() == [by_id[g].street_id for g in grid.tolist()]


def test_empty_index_and_bad_shapes():
    index = GridIndex([])
    grid, community, street = index.locate([121.4, np.nan], [37.5, 37.5])
    assert grid.tolist() == [-1, -1] and community.tolist() == [-1, -1] and street.tolist() == [-1, -1]
    assert index.locate([], [])[0].shape == (0,)
    with pytest.raises(ValueError, match="lon and lat"):
        voronoi_index().locate([121.4, 121.41], [37.54])


_VERTICES = shapely.get_coordinates(
    shapely.boundary(np.array([r.geometry for r in voronoi_records()], dtype=object))
)
_X0, _Y0, _X1, _Y1 = DISTRICT.bounds


@st.composite
def _points(draw: st.DrawFn) -> tuple[float, float]:
    if draw(st.booleans()):
        return (
            draw(st.floats(_X0 - 0.005, _X1 + 0.005, allow_nan=False)),
            draw(st.floats(_Y0 - 0.005, _Y1 + 0.005, allow_nan=False)),
        )
    # A vertex, an edge point between two vertices of one ring, or a rounding step away.
    i = draw(st.integers(0, len(_VERTICES) - 2))
    t = draw(st.sampled_from([0.0, 0.5, 0.25, 1.0]))
    x, y = _VERTICES[i] + t * (_VERTICES[i + 1] - _VERTICES[i])
    nudge = draw(st.sampled_from([None, -np.inf, np.inf]))
    if nudge is not None:
        x, y = np.nextafter(x, nudge), np.nextafter(y, -nudge)
    return float(x), float(y)


@settings(max_examples=60, deadline=None)
@given(st.lists(_points(), min_size=1, max_size=300))
def test_any_points_match_reference(points):
    records = voronoi_records()
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    assert_matches(records, voronoi_index(), x, y)


# -- through the database: the cached index of the current grid layer ----------------------------


def test_locate_known_points(city):
    g = city.grids  # street 1: grids 0–3 (x 121.30–121.40), street 2: grids 4–7
    grid, community, street = locate([121.325, 121.475, 121.2, np.nan], [37.525, 37.575, 37.525, 37.5])
    assert grid.tolist() == [g[0].id, g[7].id, -1, -1]
    assert community.tolist() == [city.communities[0].id, city.communities[3].id, -1, -1]
    assert street.tolist() == [city.streets[0].id, city.streets[1].id, -1, -1]
    # On a shared edge the lowest id wins; at the corner where four grids meet, too.
    grid, _, _ = locate([121.35, 121.35, 121.40], [37.525, 37.55, 37.55])
    assert grid.tolist() == [
        min(g[0].id, g[1].id),
        min(g[0].id, g[1].id, g[2].id, g[3].id),
        min(g[1].id, g[3].id, g[4].id, g[6].id),
    ]


def test_index_is_cached_until_a_grid_changes(city):
    first = grid_index()
    assert grid_index() is first
    assert locate([121.34], [37.525])[0].tolist() == [city.grids[0].id]

    shrunk = city.grids[0]
    shrunk.geometry = box(121.30, 37.50, 121.33, 37.55)
    shrunk.save()

    assert grid_index() is not first
    assert locate([121.34, 121.32], [37.525, 37.525])[0].tolist() == [-1, city.grids[0].id]
    second = grid_index()
    assert grid_index() is second

    Area.objects.get(pk=city.grids[7].pk).delete()
    assert grid_index() is not second
    assert locate([121.475], [37.575])[0].tolist() == [-1]


def test_locate_converts_gcj02_and_bd09(city):
    # Just west of the edge between grids 0 and 1 (lon 121.35): the GCJ-02 offset (~500 m east)
    # would put the raw coordinates in the wrong grid.
    lon, lat = 121.3495, 37.525
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = gcj02_to_bd09(glon, glat)
    want = [city.grids[0].id]
    assert locate([lon], [lat])[0].tolist() == want
    assert locate([glon], [glat], crs="gcj02")[0].tolist() == want
    assert locate([blon], [blat], crs="bd09")[0].tolist() == want
    assert locate_point(blon, blat, crs="bd09") == (want[0], city.communities[0].id, city.streets[0].id)
    assert locate_point(glon, glat, crs="gcj02")[0] == locate_point(lon, lat)[0] == want[0]
    assert locate([glon], [glat])[0].tolist() == [city.grids[1].id]
    with pytest.raises(ValueError, match="crs"):
        locate([lon], [lat], crs="epsg:3857")


def test_degenerate_layers():
    # Lines and points as "grids": covered means lying on them.
    records = (
        GridRecord(2, 1, 1, shapely.LineString([(0, 0), (4, 0)])),
        GridRecord(1, 1, 1, shapely.Point(2, 0)),
        GridRecord(3, 1, 1, shapely.MultiPoint([(1, 0), (3, 0)])),
    )
    index = GridIndex(list(records))
    x = np.array([0.0, 2.0, 3.0, 4.0, 5.0, 1.5, np.nextafter(2.0, 3.0)])
    y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1e-12, 0.0])
    assert_matches(records, index, x, y)
    assert index.locate(x, y)[0].tolist() == [2, 1, 2, 2, -1, -1, 2]
    # A layer of empty geometries locates nothing.
    empty = GridIndex([GridRecord(1, 1, 1, shapely.Polygon())])
    assert empty.locate([0.0], [0.0])[0].tolist() == [-1]


def test_grid_index_revision_is_throttled(city, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    index = locate_module.grid_index()
    with django_assert_num_queries(0):
        assert locate_module.grid_index() is index
    grid = city.grids[0]
    # A change without a signal (another process's) is not seen inside the window ...
    type(grid).objects.filter(pk=grid.pk).update(geometry=None, updated_at=timezone.now())
    assert locate_module.grid_index() is index
    # ... and is seen after it.
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0
    assert locate_module.grid_index() is not index


def test_grid_index_rebuilt_after_a_save_here(city, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    index = locate_module.grid_index()
    grid = city.grids[0]
    grid.name = grid.name + "（改）"
    grid.save()
    assert locate_module.grid_index() is not index
