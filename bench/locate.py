"""Benchmark: locate 1,000,000 random points to the grids of a Zhifu-sized district.

Compares quanyu.areas.locate.GridIndex (raster cell index + exact tests on boundary cells) with
a per-point shapely loop, a plain bulk STRtree query, and PostGIS (ST_Covers / ST_Contains over a
GiST index) when the local PostgreSQL has it. Every answer is checked against the others.

Run: .venv/bin/python bench/locate.py [--points N] [--no-postgis]
PostGIS connection: BENCH_PG_DSN (default postgresql://postgres@127.0.0.1:5432/postgres); the
scratch database ``bench_locate`` is created and dropped.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _util import best_of, machine_info, synthetic_layout, write_result

from quanyu.areas.locate import GridIndex, GridRecord

RESULTS = Path(__file__).resolve().parent / "results" / "locate.json"
SCRATCH_DB = "bench_locate"


def load_grids() -> tuple[list[GridRecord], str]:
    """The demo district's grids when the demo generator offers them, else the synthetic layout."""
    why = ""
    try:
        from quanyu.demo.layout import build_layout  # type: ignore[import-not-found]
    except ImportError as exc:
        why = f"quanyu.demo.layout unavailable ({exc})"
    else:
        try:
            records = _records_from_demo(build_layout())
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            why = f"quanyu.demo.layout.build_layout() not understood ({exc!r})"
        else:
            if len(records) >= 100:
                return records, "quanyu.demo.layout.build_layout"
            why = f"demo layout has only {len(records)} grids"
    grids = synthetic_layout()
    records = [GridRecord(g.grid_id, g.community_id, g.street_id, g.geometry) for g in grids]
    return records, f"synthetic Voronoi layout in bench/_util.py ({why})"


def _records_from_demo(layout: Any) -> list[GridRecord]:
    """Grids of a demo ``Layout``: regions with a polygon and the index of their parent community."""
    communities = getattr(layout, "communities", ())
    records = []
    for i, grid in enumerate(layout.grids):
        geometry = getattr(grid, "polygon", None)
        if geometry is None:
            geometry = getattr(grid, "geometry", None)
        if isinstance(geometry, dict):
            geometry = shapely.geometry.shape(geometry)
        if not isinstance(geometry, shapely.Geometry):
            raise TypeError(f"grid geometry is {type(geometry).__name__}")
        community = int(getattr(grid, "parent", -1))
        street = (
            int(getattr(communities[community], "parent", -1)) if 0 <= community < len(communities) else -1
        )
        records.append(GridRecord(i + 1, community + 1, street + 1, geometry))
    return records


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def strtree_lowest(tree: shapely.STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The old implementation: one bulk STRtree query, lowest position per point."""
    out = np.full(x.shape[0], -1, dtype=np.int64)
    pi, gi = tree.query(shapely.points(x, y), predicate="intersects")
    order = np.lexsort((-gi, pi))
    out[pi[order]] = gi[order]
    return out


def per_point_tree(tree: shapely.STRtree, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.full(x.shape[0], -1, dtype=np.int64)
    for i in range(x.shape[0]):
        hits = tree.query(shapely.Point(x[i], y[i]), predicate="intersects")
        if hits.size:
            out[i] = hits.min()
    return out


def per_point_scan(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.full(x.shape[0], -1, dtype=np.int64)
    for i in range(x.shape[0]):
        point = shapely.Point(x[i], y[i])
        for j, geom in enumerate(geoms):
            if geom.covers(point):
                out[i] = j
                break
    return out


def postgis(
    index: GridIndex, x: np.ndarray, y: np.ndarray, ours: np.ndarray, on_boundary: np.ndarray
) -> dict[str, Any]:
    """Load the grids and points into a scratch PostGIS database; time the covers / contains joins."""
    import psycopg
    from psycopg import sql

    dsn = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        return {"skipped": f"cannot connect to PostgreSQL at {dsn}: {exc}".strip()}
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH_DB)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH_DB)))
    scratch = psycopg.conninfo.make_conninfo(dsn, dbname=SCRATCH_DB)
    try:
        with psycopg.connect(scratch, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                return {"skipped": f"CREATE EXTENSION postgis failed: {exc}".strip()}
            return _postgis_run(conn, index, x, y, ours, on_boundary)
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(SCRATCH_DB)))


def _postgis_run(
    conn: Any, index: GridIndex, x: np.ndarray, y: np.ndarray, ours: np.ndarray, on_boundary: np.ndarray
) -> dict[str, Any]:
    version = conn.execute("SELECT postgis_full_version()").fetchone()[0]
    workers = conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
    conn.execute("CREATE TABLE grids (pos integer PRIMARY KEY, geom geometry(Geometry, 4326) NOT NULL)")
    conn.execute("CREATE UNLOGGED TABLE pts (i integer PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)")
    t0 = time.perf_counter()
    wkb = shapely.to_wkb(shapely.set_srid(index.geometries, 4326), hex=True, include_srid=True)
    with conn.cursor().copy("COPY grids (pos, geom) FROM STDIN") as copy:
        for pos, text in enumerate(wkb):
            copy.write_row((pos, text))
    conn.execute("CREATE INDEX grids_geom ON grids USING gist (geom)")
    conn.execute("ANALYZE grids")
    grids_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    buf = io.StringIO()
    # repr() of a float is the shortest text that reads back to the same double: exact points.
    buf.writelines(
        f"{i}\tSRID=4326;POINT({a!r} {b!r})\n"
        for i, (a, b) in enumerate(zip(x.tolist(), y.tolist(), strict=True))
    )
    with conn.cursor().copy("COPY pts (i, geom) FROM STDIN") as copy:
        copy.write(buf.getvalue())
    conn.execute("ANALYZE pts")
    points_load = time.perf_counter() - t0

    out: dict[str, Any] = {
        "version": version,
        "max_parallel_workers_per_gather": workers,
        "grids_load_s": grids_load,
        "points_load_s": points_load,
    }
    for predicate in ("ST_Covers", "ST_Contains"):
        query = (
            "SELECT p.i, min(g.pos) AS pos FROM pts p"
            f" JOIN grids g ON {predicate}(g.geom, p.geom) GROUP BY p.i"
        )

        def run(query: str = query) -> None:
            # Server-side work only: the answers stay in a temporary table, read back untimed.
            conn.execute("DROP TABLE IF EXISTS answers")
            conn.execute(f"CREATE TEMP TABLE answers AS {query}")

        seconds, _ = best_of(3, run)
        rows = conn.execute("SELECT i, pos FROM answers").fetchall()
        got = np.full(x.shape[0], -1, dtype=np.int64)
        if rows:
            arr = np.array(rows, dtype=np.int64)
            got[arr[:, 0]] = arr[:, 1]
        plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN {query}").fetchall())
        differ = got != ours
        out[predicate] = {
            "seconds": seconds,
            "points_per_s": x.shape[0] / seconds,
            "differ_all": int(differ.sum()),
            "differ_off_boundary": int((differ & ~on_boundary).sum()),
            "uses_gist": "grids_geom" in plan,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="points for the per-point loop")
    parser.add_argument("--no-postgis", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    records, source = load_grids()
    geoms = np.array([r.geometry for r in sorted(records, key=lambda r: r.grid_id)], dtype=object)
    print(f"layout: {len(records)} grids from {source}")
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    print(f"        {vertices} vertices, bbox {shapely.total_bounds(geoms)}")

    # -- our index: build -------------------------------------------------------------------------
    gc.collect()
    rss0 = maxrss_mib()
    tracemalloc.start()
    t0 = time.perf_counter()
    index = GridIndex(records)
    build_first = time.perf_counter() - t0
    build_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    build_rss = maxrss_mib() - rss0
    build_best, _ = best_of(3, lambda: GridIndex(records))
    ny, nx = index.shape
    boundary_cells = index.cand_ptr.size - 1
    index_bytes = index.cells.nbytes + index.cand_ptr.nbytes + index.cand_pos.nbytes

    # -- points --------------------------------------------------------------------------------------
    rng = np.random.default_rng(args.seed)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    x = rng.uniform(x0, x1, args.points)
    y = rng.uniform(y0, y1, args.points)

    # -- our index: query -----------------------------------------------------------------------------
    index.locate(x, y)  # warm
    tracemalloc.start()
    index.locate(x, y)
    query_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ours_s, (grid, _, _) = best_of(3, lambda: index.locate(x, y))
    ours = index.locate_positions(x, y)
    bx0, by0, bx1, by1 = index.bounds
    col = np.minimum(((x - bx0) * (nx / (bx1 - bx0))).astype(np.int64), nx - 1)
    row = np.minimum(((y - by0) * (ny / (by1 - by0))).astype(np.int64), ny - 1)
    in_boundary_cell = float((index.cells[row * nx + col] <= -2).mean())
    one_s, _ = best_of(200, lambda: index.locate(x[:1], y[:1]))
    thousand_s, _ = best_of(50, lambda: index.locate(x[:1000], y[:1000]))

    # -- plain bulk STRtree (the previous implementation) ---------------------------------------
    tree = shapely.STRtree(geoms)
    shapely.prepare(geoms)
    strtree_s, ref = best_of(3, lambda: strtree_lowest(tree, x, y))
    mismatches_strtree = int((ref != ours).sum())

    # -- per-point loops on a sample --------------------------------------------------------------------
    n = min(args.sample, args.points)
    loop_s, loop = best_of(1, lambda: per_point_tree(tree, x[:n], y[:n]))
    scan_n = min(1_000, n)
    scan_s, scan = best_of(1, lambda: per_point_scan(geoms, x[:scan_n], y[:scan_n]))
    mismatches_loop = int((loop != ours[:n]).sum()) + int((scan != ours[:scan_n]).sum())

    # Points on some grid boundary (for comparing with ST_Contains, which excludes boundaries).
    on_boundary = np.zeros(args.points, dtype=bool)
    if args.points:
        pts = shapely.points(x, y)
        pi, gi = tree.query(pts, predicate="intersects")
        touch = shapely.touches(geoms[gi], pts[pi])
        on_boundary[pi[touch]] = True

    per_s = args.points / ours_s
    results: dict[str, Any] = {
        "benchmark": "locate",
        "machine": machine_info(),
        "layout": {
            "source": source,
            "grids": len(records),
            "vertices": vertices,
            "bbox": [float(v) for v in (x0, y0, x1, y1)],
        },
        "points": args.points,
        "seed": args.seed,
        "index": {
            "raster": [nx, ny],
            "boundary_cells": int(boundary_cells),
            "boundary_cell_share": boundary_cells / (nx * ny),
            "candidates": int(index.cand_pos.size),
            "bytes": int(index_bytes),
            "points_in_boundary_cells": in_boundary_cell,
            "build_first_s": build_first,
            "build_best_of_3_s": build_best,
            "build_tracemalloc_peak_mib": build_peak / 2**20,
            "build_maxrss_delta_mib": build_rss,
            "query_tracemalloc_peak_mib": query_peak / 2**20,
        },
        "ours": {
            "seconds": ours_s,
            "points_per_s": per_s,
            "one_point_s": one_s,
            "thousand_points_s": thousand_s,
        },
        "strtree_bulk": {
            "seconds": strtree_s,
            "points_per_s": args.points / strtree_s,
            "mismatches": mismatches_strtree,
        },
        "per_point_strtree_loop": {
            "sample": n,
            "seconds": loop_s,
            "points_per_s": n / loop_s if n else None,
            "extrapolated_s": loop_s * args.points / n if n else None,
        },
        "per_point_scan_loop": {
            "sample": scan_n,
            "seconds": scan_s,
            "points_per_s": scan_n / scan_s if scan_n else None,
            "extrapolated_s": scan_s * args.points / scan_n if scan_n else None,
        },
        "mismatches_loops": mismatches_loop,
        "points_on_boundaries": int(on_boundary.sum()),
        "located": int((grid >= 0).sum()),
    }
    if args.no_postgis:
        results["postgis"] = {"skipped": "--no-postgis"}
    else:
        results["postgis"] = postgis(index, x, y, ours, on_boundary)

    ratios = {
        "vs_strtree_bulk": strtree_s / ours_s,
        "vs_per_point_strtree_loop": (loop_s / n) / (ours_s / args.points) if n else None,
        "vs_per_point_scan_loop": (scan_s / scan_n) / (ours_s / args.points) if scan_n else None,
    }
    pg = results["postgis"]
    for predicate in ("ST_Covers", "ST_Contains"):
        if predicate in pg:
            ratios[f"vs_postgis_{predicate.lower()}"] = pg[predicate]["seconds"] / ours_s
    results["ratios"] = ratios
    print_table(results)
    exact = mismatches_strtree == 0 and mismatches_loop == 0
    for predicate in ("ST_Covers", "ST_Contains"):
        exact = exact and pg.get(predicate, {}).get("differ_off_boundary", 0) == 0
    exact = exact and pg.get("ST_Covers", {}).get("differ_all", 0) == 0
    figures = {"points_per_s": per_s, "exact": exact, **{k: v for k, v in ratios.items() if v is not None}}
    # The issue asks for speed beside references (ratios), and answers equal to theirs.
    targets: dict[str, Any] = {"exact": True, "vs_strtree_bulk": 1, "vs_per_point_strtree_loop": 1}
    if "vs_postgis_st_covers" in ratios:
        targets["vs_postgis_st_covers"] = 1
    meets = {key: (exact if key == "exact" else (ratios.get(key) or 0) > 1) for key in targets}
    reference = {
        "strtree_bulk_points_per_s": results["strtree_bulk"]["points_per_s"],
        "per_point_strtree_loop_points_per_s": results["per_point_strtree_loop"]["points_per_s"],
        "postgis": results["postgis"],
    }
    extra = {k: v for k, v in results.items() if k not in ("benchmark", "machine")}
    write_result("locate", figures=figures, reference=reference, targets=targets, meets_target=meets, **extra)
    print(f"\nwritten {RESULTS}")
    if not exact:
        print("MISMATCH: answers differ between methods (see the JSON)")
        sys.exit(1)


def print_table(r: dict[str, Any]) -> None:
    m, idx, n = r["machine"], r["index"], r["points"]
    print(
        f"\nmachine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, python {m['python']}, "
        f"load average {m['load_average_1_5_15'][0]} at start"
    )
    print(
        f"index:   raster {idx['raster'][0]}×{idx['raster'][1]}, {idx['boundary_cells']:,} boundary cells "
        f"({idx['boundary_cell_share']:.1%}), {idx['bytes'] / 2**20:.1f} MiB; "
        f"{idx['points_in_boundary_cells']:.1%} of points need exact tests"
    )
    print(
        f"build:   {idx['build_first_s']:.3f} s first, {idx['build_best_of_3_s']:.3f} s best of 3; "
        f"peak {idx['build_tracemalloc_peak_mib']:.0f} MiB traced, "
        f"max RSS +{idx['build_maxrss_delta_mib']:.0f} MiB"
    )
    print(f"query:   peak {idx['query_tracemalloc_peak_mib']:.0f} MiB traced for {n:,} points")
    rows = [
        ("quanyu GridIndex.locate", r["ours"]["seconds"], r["ours"]["points_per_s"], 1.0, "best of 3"),
        (
            "shapely STRtree.query bulk",
            r["strtree_bulk"]["seconds"],
            r["strtree_bulk"]["points_per_s"],
            r["ratios"]["vs_strtree_bulk"],
            f"best of 3, {r['strtree_bulk']['mismatches']} mismatches",
        ),
        (
            "per-point STRtree loop",
            r["per_point_strtree_loop"]["extrapolated_s"],
            r["per_point_strtree_loop"]["points_per_s"],
            r["ratios"]["vs_per_point_strtree_loop"],
            f"{r['per_point_strtree_loop']['sample']:,} points, extrapolated",
        ),
        (
            "per-point scan of all grids",
            r["per_point_scan_loop"]["extrapolated_s"],
            r["per_point_scan_loop"]["points_per_s"],
            r["ratios"]["vs_per_point_scan_loop"],
            f"{r['per_point_scan_loop']['sample']:,} points, extrapolated",
        ),
    ]
    pg = r["postgis"]
    for predicate in ("ST_Covers", "ST_Contains"):
        if predicate in pg:
            p = pg[predicate]
            rows.append(
                (
                    f"PostGIS {predicate} + GiST",
                    p["seconds"],
                    p["points_per_s"],
                    r["ratios"][f"vs_postgis_{predicate.lower()}"],
                    f"best of 3, {p['differ_all']} differ ({p['differ_off_boundary']} off boundaries)",
                )
            )
    print(f"\n{n:,} random points in the district bbox")
    print(f"{'method':<30} {'seconds':>9} {'points/s':>13} {'ours is ×':>10}  note")
    for name, seconds, rate, ratio, note in rows:
        print(f"{name:<30} {seconds:>9.3f} {rate:>13,.0f} {ratio:>10.1f}  {note}")
    print(
        f"one-point call {r['ours']['one_point_s'] * 1e6:.0f} µs, "
        f"1,000-point call {r['ours']['thousand_points_s'] * 1e3:.2f} ms"
    )
    if "skipped" in pg:
        print(f"PostGIS skipped: {pg['skipped']}")
    else:
        print(
            f"PostGIS: {pg['version'].split(' ')[0]}, max_parallel_workers_per_gather "
            f"{pg['max_parallel_workers_per_gather']}; loading grids {pg['grids_load_s']:.2f} s, "
            f"points {pg['points_load_s']:.2f} s (not in the timings)"
        )


if __name__ == "__main__":
    main()
