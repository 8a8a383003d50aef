"""Shared helpers for the benchmarks: machine description, timing, a synthetic district layout, and
the scratch PostgreSQL databases the database benchmarks build and drop."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

# The Zhifu-sized district used when the demo generator is not available: an irregular polygon
# spanning about lon 121.33–121.47, lat 37.50–37.58 (a coastal district, ragged north shore).
DISTRICT_RING = [
    (121.330, 37.505),
    (121.372, 37.500),
    (121.418, 37.502),
    (121.470, 37.508),
    (121.468, 37.548),
    (121.452, 37.566),
    (121.431, 37.571),
    (121.405, 37.580),
    (121.381, 37.573),
    (121.362, 37.577),
    (121.341, 37.566),
    (121.333, 37.540),
]


@dataclass(frozen=True)
class Grid:
    grid_id: int
    community_id: int
    street_id: int
    geometry: shapely.Geometry


def _voronoi_split(parent: shapely.Geometry, n: int, rng: np.random.Generator) -> list[shapely.Geometry]:
    """Split ``parent`` into about ``n`` non-rectangular cells: Voronoi of random seeds, clipped."""
    if n <= 1:
        return [parent]
    x0, y0, x1, y1 = parent.bounds
    seeds: list[tuple[float, float]] = []
    while len(seeds) < n:
        x, y = rng.uniform(x0, x1, 4 * n), rng.uniform(y0, y1, 4 * n)
        keep = shapely.contains_xy(parent, x, y)
        seeds.extend(zip(x[keep][: n - len(seeds)].tolist(), y[keep][: n - len(seeds)].tolist(), strict=True))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=parent))
    pieces = shapely.intersection(cells, parent)
    out = []
    for piece in pieces:
        # Keep polygonal parts only; a clip can leave a stray line or point on the parent's edge.
        polys = [p for p in shapely.get_parts(piece) if isinstance(p, shapely.Polygon) and not p.is_empty]
        if polys:
            out.append(polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys))
    return out


def synthetic_layout(
    *, streets: int = 12, communities: int = 150, grids: int = 1024, seed: int = 20240601
) -> list[Grid]:
    """Street → community → grid polygons nested by Voronoi splits of the district polygon."""
    rng = np.random.default_rng(seed)
    district = shapely.Polygon(DISTRICT_RING)
    out: list[Grid] = []
    next_id = 1
    street_polys = _voronoi_split(district, streets, rng)
    comm_per_street = np.full(len(street_polys), communities // len(street_polys))
    comm_per_street[: communities - comm_per_street.sum()] += 1
    comm_polys: list[tuple[int, shapely.Geometry]] = []
    for si, street in enumerate(street_polys):
        comm_polys.extend((si + 1, c) for c in _voronoi_split(street, int(comm_per_street[si]), rng))
    grid_per_comm = np.full(len(comm_polys), grids // len(comm_polys))
    grid_per_comm[: grids - grid_per_comm.sum()] += 1
    for ci, (street_id, community) in enumerate(comm_polys):
        for g in _voronoi_split(community, int(grid_per_comm[ci]), rng):
            out.append(Grid(next_id, 1000 + ci, street_id, g))
            next_id += 1
    return out


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = None
    with contextlib.suppress(ValueError, OSError):
        mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # Other work on the machine skews every timing alike; ratios hold up better than figures.
        "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()],
    }


def best_of(n: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Smallest wall time over ``n`` runs of ``fn`` and the last result."""
    best = float("inf")
    result = None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def write_result(
    name: str,
    *,
    figures: dict[str, Any],
    reference: dict[str, Any] | None,
    targets: dict[str, Any],
    meets_target: dict[str, bool],
    **extra: Any,
) -> dict[str, Any]:
    """Write ``bench/results/<name>.json`` in the one shape every benchmark uses, and return it.

    ``figures`` are this run's measurements; ``reference`` the figures of the reference measured in
    the same run (None where none exists, with the reason in ``extra["note"]``); ``targets`` the
    goals; ``meets_target`` one boolean per target, same keys as ``targets``. ``extra`` keeps any
    detail a reader wants (per-fold figures, sizes, notes).
    """
    import json
    from pathlib import Path

    missing = set(targets) - set(meets_target)
    if missing:
        raise ValueError(f"meets_target lacks {sorted(missing)}")
    out: dict[str, Any] = {
        "benchmark": name,
        "machine": machine_info(),
        "figures": figures,
        "reference": reference,
        "targets": targets,
        "meets_target": {key: bool(meets_target[key]) for key in targets},
        **extra,
    }
    path = Path(__file__).resolve().parent / "results" / f"{name}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return out


def admin_dsn() -> str:
    """Where the scratch databases are created: BENCH_PG_DSN, or the local server's ``postgres``."""
    return os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def scratch_dsn(name: str) -> str:
    return f"{admin_dsn().rsplit('/', 1)[0]}/{name}"


def recreate_database(name: str) -> None:
    """Drop the scratch database ``name`` if it is there (closing its sessions) and create it empty."""
    import psycopg

    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    """Close this process's Django connections, then drop the scratch database ``name``."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_dsn(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
