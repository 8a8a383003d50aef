"""Benchmark: walking coverage of 200,000 buildings by 2,000 venues at the three circles (5, 10,
15 minutes), straight line × detour factor and over a street network of about 100,000 edges.
Checked in the same run against a brute-force reference on a sample (every venue for the straight
line; a Dijkstra from each sampled building for the network). Targets: < 2 s and < 10 s.

Run: .venv/bin/python bench/coverage.py [--buildings N] [--venues N] [--side N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _util import write_result
from scipy.sparse.csgraph import dijkstra

from quanyu.venues import coverage

CIRCLES = {"5": 300.0, "10": 500.0, "15": 1000.0}
DETOUR = 1.3
LON0, LAT0, SPAN_LON, SPAN_LAT = 121.33, 37.50, 0.14, 0.08  # a Zhifu-sized box


def street_grid(side: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A jittered side × side street grid (lon/lat), some segments missing: ~2·side² edges."""
    xs = LON0 + np.linspace(0, SPAN_LON, side)
    ys = LAT0 + np.linspace(0, SPAN_LAT, side)
    jitter = rng.normal(0, SPAN_LON / side / 8, size=(side, side, 2))
    nodes = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1) + jitter
    lines = []
    for i in range(side):
        for j in range(side):
            if i + 1 < side and rng.random() > 0.05:
                lines.append(np.array([nodes[i, j], nodes[i + 1, j]]))
            if j + 1 < side and rng.random() > 0.05:
                lines.append(np.array([nodes[i, j], nodes[i, j + 1]]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buildings", type=int, default=200_000)
    parser.add_argument("--venues", type=int, default=2_000)
    parser.add_argument("--side", type=int, default=224)  # 2·224·223 ≈ 100k edges
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    buildings = np.column_stack(
        [LON0 + rng.uniform(0, SPAN_LON, args.buildings), LAT0 + rng.uniform(0, SPAN_LAT, args.buildings)]
    )
    venues = np.column_stack(
        [LON0 + rng.uniform(0, SPAN_LON, args.venues), LAT0 + rng.uniform(0, SPAN_LAT, args.venues)]
    )
    population = rng.integers(10, 400, args.buildings).astype(float)
    lines = street_grid(args.side, rng)

    t0 = time.perf_counter()
    straight = coverage.compute(
        buildings_lonlat=buildings, venues_lonlat=venues, circles=CIRCLES, detour=DETOUR
    )
    straight_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    network = coverage.compute(
        buildings_lonlat=buildings, venues_lonlat=venues, circles=CIRCLES, detour=DETOUR, network_lines=lines
    )
    network_s = time.perf_counter() - t0

    # brute-force references on a sample
    sample = rng.choice(args.buildings, size=args.sample, replace=False)
    everything = np.vstack([buildings, venues])
    plane = coverage.Plane.around(everything[:, 0], everything[:, 1])
    b_xy = plane.xy(buildings[sample, 0], buildings[sample, 1])
    v_xy = plane.xy(venues[:, 0], venues[:, 1])
    brute_straight = np.sqrt(((b_xy[:, None, :] - v_xy[None, :, :]) ** 2).sum(-1)).min(axis=1) * DETOUR
    straight_err = float(np.abs(brute_straight - straight.distance[sample]).max())

    net = coverage.Network.from_lines(plane.xy(line[:, 0], line[:, 1]) for line in lines)
    v_join, v_node = net.tree.query(v_xy)
    b_join, b_node = net.tree.query(b_xy)
    check = min(args.sample, 20)
    from_buildings = dijkstra(net.graph, directed=False, indices=b_node[:check])
    brute_network = b_join[:check] + (from_buildings[:, v_node] + v_join[None, :]).min(axis=1)
    got = network.distance[sample[:check]]
    finite = np.isfinite(brute_network)
    network_err = float(np.abs(brute_network[finite] - got[finite]).max()) if finite.any() else 0.0

    def shares(result: coverage.Coverage) -> dict[str, float]:
        return {k: round(float(population[result.covered(k)].sum() / population.sum()), 4) for k in CIRCLES}

    assert straight_err < 1e-6 and network_err < 1e-6, (straight_err, network_err)
    targets = {"straight_seconds": 2, "network_seconds": 10, "max_error_m": 1e-6}
    write_result(
        "coverage",
        figures={
            "straight_seconds": round(straight_s, 3),
            "network_seconds": round(network_s, 3),
            "straight_shares": shares(straight),
            "network_shares": shares(network),
        },
        reference={
            "kind": "brute force on a sample, same run",
            "straight_sample": args.sample,
            "network_sample": check,
            "straight_max_error_m": straight_err,
            "network_max_error_m": network_err,
        },
        targets=targets,
        meets_target={
            "straight_seconds": straight_s < targets["straight_seconds"],
            "network_seconds": network_s < targets["network_seconds"],
            "max_error_m": max(straight_err, network_err) < targets["max_error_m"],
        },
        buildings=args.buildings,
        venues=args.venues,
        network_edges=len(lines),
        network_nodes=len(net.nodes),
        circles_m=CIRCLES,
    )
    print(
        json.dumps(
            {"straight_s": round(straight_s, 3), "network_s": round(network_s, 3), "edges": len(lines)},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
