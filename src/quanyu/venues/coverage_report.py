"""The coverage report the pages and the API read: buildings of the actor's office scope, the
in-use venues of the whole city (a venue across a boundary still serves), per community and
street, per venue kind, and the uncovered buildings for the map."""

from __future__ import annotations

from typing import Any

import numpy as np

from quanyu.areas.models import Area, AreaKind
from quanyu.venues import conf, coverage
from quanyu.venues.models import Venue, WalkNetwork
from quanyu.venues.selectors import office_q
from quanyu.venues.states import VenueStatus

STEP = 4
MAX_UNCOVERED = 5000


def coverage_for(*, actor: Any, kind: str | None = None, minutes: str = "15") -> dict[str, Any]:
    circles = {k: float(v) for k, v in conf.get("VENUES_CIRCLES_M").items()}
    if minutes not in circles:
        minutes = max(circles, key=lambda k: circles[k])
    office = office_q(actor, "path")
    buildings = Area.objects.filter(kind=AreaKind.BUILDING).exclude(lon=None).exclude(lat=None)
    if office is not None:
        buildings = buildings.filter(office)
    rows = list(buildings.values_list("pk", "name", "path", "lon", "lat", "population"))
    venues = Venue.objects.filter(status=VenueStatus.IN_USE).exclude(lon=None).exclude(lat=None)
    if kind:
        venues = venues.filter(kind=kind)
    points = np.asarray(list(venues.values_list("lon", "lat")), dtype=np.float64).reshape(-1, 2)
    b = np.asarray([(r[3], r[4]) for r in rows], dtype=np.float64).reshape(-1, 2)
    population = np.asarray([r[5] for r in rows], dtype=np.float64)
    network = WalkNetwork.objects.first()
    lines = [np.asarray(line, dtype=np.float64) for line in network.lines] if network else None
    result = coverage.compute(
        buildings_lonlat=b,
        venues_lonlat=points,
        circles=circles,
        detour=float(conf.get("VENUES_DETOUR_FACTOR")),
        network_lines=lines,
    )
    covered = result.covered(minutes)
    communities = coverage.shares(covered, population, [r[2][: 4 * STEP] for r in rows])
    streets = coverage.shares(covered, population, [r[2][: 3 * STEP] for r in rows])
    names = dict(Area.objects.filter(path__in=[*communities, *streets]).values_list("path", "name"))
    total = float(population.sum())
    by_circle = {
        k: round(float(population[result.covered(k)].sum()) / total, 4) if total else 1.0 for k in circles
    }
    uncovered = [
        {
            "id": r[0],
            "name": r[1],
            "lon": r[3],
            "lat": r[4],
            "population": r[5],
            "distance_m": round(float(d)) if np.isfinite(d) else None,
        }
        for r, c, d in zip(rows, covered.tolist(), result.distance.tolist(), strict=True)
        if not c
    ]
    uncovered.sort(key=lambda u: -u["population"])
    return {
        "minutes": minutes,
        "metres": circles[minutes],
        "method": "network" if network else "straight",
        "network": network.name if network else "",
        "population": total,
        "share": by_circle[minutes],
        "by_circle": by_circle,
        "communities": [{"path": p, "name": names.get(p, ""), **v} for p, v in sorted(communities.items())],
        "streets": [{"path": p, "name": names.get(p, ""), **v} for p, v in sorted(streets.items())],
        "uncovered": uncovered[:MAX_UNCOVERED],
        "uncovered_count": len(uncovered),
    }


def coverage_by_kind(*, actor: Any, minutes: str = "15") -> dict[str, float]:
    """The share of residents within ``minutes`` of a venue of each kind."""
    kinds = Venue.objects.filter(status=VenueStatus.IN_USE).values_list("kind", flat=True).distinct()
    return {k: coverage_for(actor=actor, kind=k, minutes=minutes)["share"] for k in sorted(set(kinds))}


def _scoped_buildings(actor: Any) -> list[tuple[int, str, str, float, float, int]]:
    office = office_q(actor, "path")
    qs = Area.objects.filter(kind=AreaKind.BUILDING).exclude(lon=None).exclude(lat=None)
    if office is not None:
        qs = qs.filter(office)
    return list(qs.values_list("pk", "name", "path", "lon", "lat", "population"))


def siting_for(*, actor: Any, k: int, minutes: str = "15", exact_limit: int = 400) -> dict[str, Any]:
    """Where the next ``k`` centres should go: candidates are the buildings of the actor's scope,
    the demand the population the in-use venues leave uncovered (straight line × detour factor).
    Exact (HiGHS) when the case is small, else the greedy + swap heuristic."""
    from quanyu.venues.siting import cover_matrix, exact, greedy_swap

    report = coverage_for(actor=actor, minutes=minutes)
    rows = _scoped_buildings(actor)
    uncovered = {u["id"] for u in report["uncovered"]}
    demand_rows = [r for r in rows if r[0] in uncovered and r[5] > 0]
    if not demand_rows or not rows:
        return {
            "minutes": report["minutes"],
            "method": "none",
            "sites": [],
            "added": 0.0,
            "before": report["share"],
        }
    lonlat = np.asarray([(r[3], r[4]) for r in rows], dtype=np.float64)
    plane = coverage.Plane.around(lonlat[:, 0], lonlat[:, 1])
    cand_xy = plane.xy(lonlat[:, 0], lonlat[:, 1])
    dem_xy = plane.xy([r[3] for r in demand_rows], [r[4] for r in demand_rows])
    weights = np.asarray([r[5] for r in demand_rows], dtype=np.float64)
    radius = report["metres"] / float(conf.get("VENUES_DETOUR_FACTOR"))
    cover = cover_matrix(dem_xy, cand_xy, radius)
    small = len(rows) <= exact_limit and len(demand_rows) <= 20 * exact_limit
    solution = exact(cover, weights, k, time_limit=20) if small else greedy_swap(cover, weights, k)
    sites = [
        {"id": rows[j][0], "name": rows[j][1], "lon": rows[j][3], "lat": rows[j][4], "adds": gain}
        for j, gain in zip(solution.chosen, solution.gains, strict=True)
    ]
    return {
        "minutes": report["minutes"],
        "method": "exact" if small else "heuristic",
        "sites": sites,
        "added": solution.covered,
        "before": report["share"],
        "population": report["population"],
    }


def enlarge_first(*, actor: Any, rows: list[dict[str, Any]], minutes: str = "15") -> list[dict[str, Any]]:
    """Under-standard venues (compliance rows) ranked by the residents within their circle."""
    failing = [r for r in rows if not r["compliant"] and r["venue"].lon is not None]
    if not failing:
        return []
    buildings = _scoped_buildings(actor)
    circles = {k: float(v) for k, v in conf.get("VENUES_CIRCLES_M").items()}
    radius = circles.get(minutes, max(circles.values())) / float(conf.get("VENUES_DETOUR_FACTOR"))
    lonlat = np.asarray([(b[3], b[4]) for b in buildings] or [(0.0, 0.0)], dtype=np.float64)
    plane = coverage.Plane.around(lonlat[:, 0], lonlat[:, 1])
    pop = np.asarray([b[5] for b in buildings], dtype=np.float64)
    from scipy.spatial import cKDTree

    tree = cKDTree(plane.xy(lonlat[:, 0], lonlat[:, 1])) if buildings else None
    ranked = []
    for r in failing:
        v = r["venue"]
        near = tree.query_ball_point(plane.xy([v.lon], [v.lat])[0], r=radius) if tree is not None else []
        ranked.append({**r, "residents": float(pop[near].sum()) if near else 0.0})
    ranked.sort(key=lambda r: -r["residents"])
    return ranked
