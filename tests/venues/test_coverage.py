"""Coverage against a brute-force computation on small layouts, straight-line and over a
network; the report per community and street on the test city."""

from __future__ import annotations

import heapq
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quanyu.venues import coverage
from quanyu.venues.coverage_report import coverage_for
from quanyu.venues.services.network import network_from_grids, network_import
from tests.venues.factories import make_venue


def brute_straight(b, v, detour):
    return np.array([min((math.dist(p, q) for q in v), default=math.inf) * detour for p in b])


def brute_network(lines, b, v):
    """Plain Dijkstra from every venue, one at a time, on the same graph; the minimum per building."""
    nodes: dict[tuple[float, float], int] = {}
    adj: dict[int, list[tuple[int, float]]] = {}
    pts = []
    for line in lines:
        ids = []
        for x, y in line:
            key = (round(x * 100), round(y * 100))
            if key not in nodes:
                nodes[key] = len(pts)
                pts.append((x, y))
            ids.append(nodes[key])
        for a, c in itertools.pairwise(ids):
            w = math.dist(pts[a], pts[c])
            adj.setdefault(a, []).append((c, w))
            adj.setdefault(c, []).append((a, w))

    def nearest(p):
        return min(range(len(pts)), key=lambda i: math.dist(p, pts[i]))

    best = np.full(len(b), math.inf)
    for q in v:
        src = nearest(q)
        dist = {src: math.dist(q, pts[src])}
        heap = [(dist[src], src)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist.get(u, math.inf):
                continue
            for w_node, w in adj.get(u, []):
                if d + w < dist.get(w_node, math.inf):
                    dist[w_node] = d + w
                    heapq.heappush(heap, (d + w, w_node))
        for i, p in enumerate(b):
            n = nearest(p)
            best[i] = min(best[i], math.dist(p, pts[n]) + dist.get(n, math.inf))
    return best


points = st.lists(st.tuples(st.floats(0, 2000), st.floats(0, 2000)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(points, st.lists(st.tuples(st.floats(0, 2000), st.floats(0, 2000)), max_size=6))
def test_straight_line_equals_brute_force(b, v):
    got = coverage.straight_distances(np.array(b).reshape(-1, 2), np.array(v).reshape(-1, 2), detour=1.3)
    assert np.allclose(got, brute_straight(b, v, 1.3), rtol=1e-9, atol=1e-6)


def grid_lines(n: int, step: float, rng: np.random.Generator) -> list[np.ndarray]:
    """A street grid with some blocks' sides left out."""
    lines = []
    for i in range(n + 1):
        for j in range(n):
            if rng.random() > 0.15:
                lines.append(np.array([[i * step, j * step], [i * step, (j + 1) * step]]))
            if rng.random() > 0.15:
                lines.append(np.array([[j * step, i * step], [(j + 1) * step, i * step]]))
    return lines


@pytest.mark.parametrize("seed", range(8))
def test_network_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    lines = grid_lines(6, 150.0, rng)
    b = rng.uniform(0, 900, size=(30, 2))
    v = rng.uniform(0, 900, size=(3, 2))
    got = coverage.Network.from_lines(lines).distances(b, v)
    expected = brute_network(lines, b, v)
    assert np.allclose(got, expected, rtol=1e-9, atol=1e-6)


def test_no_venue_covers_nobody():
    b = np.array([[0.0, 0.0]])
    assert np.isinf(coverage.straight_distances(b, np.zeros((0, 2)), detour=1.0)).all()


def test_report_per_community_and_street(city, settings):
    settings.VENUES_CIRCLES_M = {"5": 300, "10": 500, "15": 1000}
    # one centre at building 0 (community 1-1): it covers that building only (the others lie ~4 km away)
    b0 = city.buildings[0]
    make_venue(city, city.communities[0]).__class__.objects.update(lon=b0.lon, lat=b0.lat)
    report = coverage_for(actor=city.users["district_admin"])
    assert report["method"] == "straight"
    assert report["population"] == 120 * 8
    assert report["share"] == pytest.approx(1 / 8)
    first = next(c for c in report["communities"] if c["path"] == city.communities[0].path)
    assert (first["covered"], first["population"], first["share"]) == (120, 240, 0.5)
    assert report["uncovered_count"] == 7
    assert b0.pk not in {u["id"] for u in report["uncovered"]}
    # community_y sees its own buildings only
    mine = coverage_for(actor=city.users["community_y"])
    assert mine["population"] == 240 and mine["share"] == 0.0


def test_report_over_the_grid_network(city):
    b0 = city.buildings[0]
    make_venue(city, city.communities[0]).__class__.objects.update(lon=b0.lon, lat=b0.lat)
    network_from_grids(actor=city.users["district_admin"])
    report = coverage_for(actor=city.users["district_admin"], minutes="15")
    assert report["method"] == "network"
    # the venue and the building share a point: the walk is the join to the grid's nearest corner
    # (the boundary's vertices are the network's nodes) and back
    far = {u["id"]: u["distance_m"] for u in report["uncovered"]}
    plane = coverage.Plane(b0.lon, b0.lat)
    corner = plane.xy([121.30], [37.50])[0]
    assert far[b0.pk] == pytest.approx(2 * math.hypot(*corner), rel=0.02)


def test_network_import_names_the_bad_feature(city):
    from django.core.exceptions import ValidationError

    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[121.3, 37.5], [121.31, 37.5]]},
            },
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.3, 37.5]}},
        ],
    }
    with pytest.raises(ValidationError) as err:
        network_import(actor=city.users["district_admin"], name="路网", geojson=bad)
    assert "第2个要素" in err.value.message_dict["geojson"][0]
