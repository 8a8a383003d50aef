"""The demo layout, a pure function: the tree's geometry tiles at every level, buildings lie in
their grid, figures roll up, and the same seed gives the same district."""

import numpy as np
import pytest
import shapely

from quanyu.demo.layout import Layout, build_layout

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def small() -> Layout:
    return build_layout(seed=7, scale=0.1)


@pytest.fixture(scope="module")
def full() -> Layout:
    return build_layout(seed=2024, scale=1.0)


def levels(layout: Layout):
    yield "streets", [layout.district], layout.streets
    yield "communities", layout.streets, layout.communities
    yield "grids", layout.communities, layout.grids


def assert_tiles(parent: shapely.Geometry, children: list[shapely.Geometry]) -> None:
    """``children`` cover ``parent`` exactly: no gap, no overlap, nothing outside."""
    assert children
    assert all(c.is_valid and not c.is_empty for c in children)
    area = parent.area
    assert abs(shapely.union_all(children).area - area) <= TOLERANCE * area
    assert abs(sum(c.area for c in children) - area) <= TOLERANCE * area
    assert shapely.difference(shapely.union_all(children), parent).area <= TOLERANCE * area
    tree = shapely.STRtree(children)
    left, right = tree.query(children, predicate="intersects")
    pairs = left < right
    overlaps = shapely.intersection(np.array(children)[left[pairs]], np.array(children)[right[pairs]])
    assert shapely.area(overlaps).sum() <= TOLERANCE * area


@pytest.mark.parametrize("which", ["small", "full"])
def test_every_level_tiles_its_parent(which, request):
    layout = request.getfixturevalue(which)
    for _, parents, children in levels(layout):
        for p, parent in enumerate(parents):
            assert_tiles(parent.polygon, [c.polygon for c in children if c.parent == p])


def test_every_building_lies_inside_its_grid(full):
    grids = [g.polygon for g in full.grids]
    lon = np.array([b.lon for b in full.buildings])
    lat = np.array([b.lat for b in full.buildings])
    own = np.array([grids[b.parent] for b in full.buildings], dtype=object)
    assert shapely.contains_xy(own, lon, lat).all()
    # and in no other grid
    hits = shapely.STRtree(grids).query(shapely.points(lon, lat), predicate="intersects")
    assert len(hits[0]) == len(full.buildings)


def test_population_and_households_roll_up(small):
    for level, parents, children in levels(small):
        for p, parent in enumerate(parents):
            mine = [c for c in children if c.parent == p]
            assert parent.population == sum(c.population for c in mine), level
            assert parent.households == sum(c.households for c in mine), level
    for g, grid in enumerate(small.grids):
        mine = [b for b in small.buildings if b.parent == g]
        assert mine
        assert grid.population == sum(b.population for b in mine)
        assert grid.households == sum(b.households for b in mine)


def test_full_scale_is_the_size_of_zhifu(full):
    assert len(full.streets) == 12
    assert len(full.communities) == 150
    assert len(full.grids) == 1024
    assert 7 <= len(full.buildings) / len(full.grids) <= 9
    assert 200_000 <= full.population <= 1_000_000
    assert {s.name for s in full.streets} >= {"向阳街道", "东山街道", "毓璜顶街道", "芝罘岛街道"}
    assert len({c.name for c in full.communities}) == 150
    assert len({c.pinyin for c in full.communities}) == 150
    minx, miny, maxx, maxy = full.district.polygon.bounds
    assert 121.3 <= minx < maxx <= 121.5 and 37.49 <= miny < maxy <= 37.59
    # an irregular outline, not a rectangle
    assert len(full.district.polygon.exterior.coords) > 20
    assert full.district.polygon.area < 0.95 * shapely.box(minx, miny, maxx, maxy).area


def test_statistical_codes(full):
    assert [s.code for s in full.streets] == [f"370602{i:03d}" for i in range(1, 13)]
    for c in full.communities:
        assert len(c.code) == 12 and c.code.startswith(full.streets[c.parent].code)
    for g in full.grids:
        assert g.code.startswith(full.communities[g.parent].code)
    for level in (full.communities, full.grids, full.buildings):
        assert len({x.code for x in level}) == len(level)


def test_children_lookup(small):
    for c in small.children("streets", 0):
        assert small.communities[c].parent == 0
    assert sum(len(small.children("communities", c)) for c in range(len(small.communities))) == len(
        small.grids
    )


def test_same_seed_same_layout_other_seed_other_layout(small):
    again = build_layout(seed=7, scale=0.1)
    assert again == small
    assert [g.polygon.wkb for g in again.grids] == [g.polygon.wkb for g in small.grids]
    other = build_layout(seed=8, scale=0.1)
    assert other != small
    assert [c.name for c in other.communities] != [c.name for c in small.communities]
    assert other.grids[0].polygon != small.grids[0].polygon
