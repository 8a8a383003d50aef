"""The geometry of the demo district, as a pure function of ``(seed, scale)``: no database.

``build_layout(seed, scale)`` returns a :class:`Layout`: the district outline and, level by level,
its streets, communities and grids as polygons that tile their parent exactly (no gaps, no
overlaps), and the buildings as points inside their grid, with population and households rolled up
from the buildings to the district. The demo build writes it to the area tree; benchmarks (for
example ``bench/locate.py``) use it directly::

    from quanyu.demo.layout import build_layout

    layout = build_layout(seed=2024, scale=1.0)
    polygons = [g.polygon for g in layout.grids]
    community_of_grid = [g.parent for g in layout.grids]  # index into layout.communities

How the shapes are made: the district outline is an irregular star-shaped polygon fitted to Zhifu's
extent. Each level is a Voronoi diagram of seeded points clipped to the parent polygon (streets
from the outline, communities from their street, grids from their community). Street seeds sit
near where the real streets lie; community seeds are drawn denser in the old town; grid seeds are
relaxed twice (Lloyd) for even shapes. A Voronoi cell clipped by a non-convex parent can fall into
pieces: the piece holding the seed stays, the others join the neighbour with which they share the
longest edge, so the cells still tile the parent.

Counts at ``scale=1``: 12 streets, 150 communities, 1,024 grids, about 8 buildings per grid. At a
smaller scale every count shrinks (at least 3 streets, one community per street, one grid per
community) so that tests stay fast. Same seed and scale, same layout, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import shapely
from numpy.typing import NDArray

from quanyu.demo import names

FULL_STREETS = 12
FULL_COMMUNITIES = 150
FULL_GRIDS = 1024
BUILDINGS_PER_GRID = 8

Polygonal: TypeAlias = shapely.Polygon | shapely.MultiPolygon


@dataclass(frozen=True)
class Region:
    """A street, community or grid (or the district itself): a polygon node of the area tree."""

    name: str
    code: str
    polygon: Polygonal
    parent: int  # index into the parent level (streets → 0, the district)
    lon: float  # a representative point inside the polygon
    lat: float
    population: int
    households: int
    pinyin: str = ""  # streets and communities: used for the demo user names


@dataclass(frozen=True)
class Building:
    name: str
    code: str
    lon: float
    lat: float
    parent: int  # index into Layout.grids
    floors: int
    population: int
    households: int


@dataclass(frozen=True)
class Layout:
    seed: int
    scale: float
    city_name: str
    city_code: str
    district: Region
    streets: tuple[Region, ...]
    communities: tuple[Region, ...]
    grids: tuple[Region, ...]
    buildings: tuple[Building, ...]

    @property
    def population(self) -> int:
        return self.district.population

    def children(self, level: str, index: int) -> list[int]:
        """Indexes of the children of ``layout.<level>[index]`` in the next level down."""
        if level == "streets":
            parents = [c.parent for c in self.communities]
        elif level == "communities":
            parents = [g.parent for g in self.grids]
        elif level == "grids":
            parents = [b.parent for b in self.buildings]
        else:
            raise ValueError(f"unknown level {level!r}")
        return [i for i, parent in enumerate(parents) if parent == index]


def counts_for(scale: float) -> tuple[int, int, int]:
    """(streets, communities, grids) at ``scale``."""
    if not (0 < scale <= 4):
        raise ValueError("scale must be in (0, 4]")
    streets = max(3, min(FULL_STREETS, round(FULL_STREETS * scale)))
    communities = max(streets, round(FULL_COMMUNITIES * scale))
    grids = max(communities, round(FULL_GRIDS * scale))
    return streets, communities, grids


# --- geometry helpers -----------------------------------------------------------------------------


def _density(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Relative population density: highest in the old town, a quarter of it at the edges."""
    dx = (x - names.CORE_LON) / 0.035
    dy = (y - names.CORE_LAT) / 0.025
    return np.asarray(0.25 + np.exp(-(dx * dx + dy * dy)), dtype=np.float64)


def _outline(rng: np.random.Generator) -> shapely.Polygon:
    """An irregular, star-shaped district outline filling Zhifu's extent."""
    angles = np.linspace(0.0, 2.0 * math.pi, 144, endpoint=False)
    radius = np.ones_like(angles)
    for harmonic in range(2, 9):
        amplitude = rng.uniform(0.03, 0.13) / math.sqrt(harmonic)
        radius += amplitude * np.cos(harmonic * angles + rng.uniform(0, 2 * math.pi))
    radius *= rng.uniform(0.985, 1.015, size=angles.size)  # a ragged coastline
    x, y = radius * np.cos(angles), radius * np.sin(angles)
    x = names.LON_MIN + (x - x.min()) / (x.max() - x.min()) * (names.LON_MAX - names.LON_MIN)
    y = names.LAT_MIN + (y - y.min()) / (y.max() - y.min()) * (names.LAT_MAX - names.LAT_MIN)
    polygon = shapely.Polygon(np.column_stack([x, y]))
    assert polygon.is_valid
    return polygon


def _sample(
    polygon: Polygonal, n: int, rng: np.random.Generator, *, weighted: bool = False
) -> NDArray[np.float64]:
    """``n`` random points strictly inside ``polygon`` (denser where people live if ``weighted``)."""
    shapely.prepare(polygon)
    x0, y0, x1, y1 = polygon.bounds
    found: list[NDArray[np.float64]] = []
    have = 0
    while have < n:
        batch = max(4 * (n - have), 64)
        x = rng.uniform(x0, x1, batch)
        y = rng.uniform(y0, y1, batch)
        keep = shapely.contains_xy(polygon, x, y)
        if weighted:
            keep &= rng.uniform(0, 1.25, batch) < _density(x, y)
        points = np.column_stack([x[keep], y[keep]])
        found.append(points)
        have += len(points)
    return np.vstack(found)[:n]


def _pieces(geometry: shapely.Geometry) -> list[shapely.Polygon]:
    return [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon) and p.area > 0]


def _partition(parent: Polygonal, points: NDArray[np.float64]) -> list[Polygonal]:
    """The Voronoi cells of ``points`` clipped to ``parent``, one per point, tiling ``parent``."""
    if len(points) == 1:
        return [parent]
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=parent, ordered=True)
    cells = shapely.intersection(shapely.get_parts(diagram), parent)
    result: list[Polygonal] = []
    orphans: list[shapely.Polygon] = []
    for (x, y), cell in zip(points, cells, strict=True):
        pieces = _pieces(cell)
        if len(pieces) == 1:
            result.append(pieces[0])
            continue
        home = next((p for p in pieces if shapely.intersects_xy(p, x, y)), max(pieces, key=lambda p: p.area))
        result.append(home)
        orphans.extend(p for p in pieces if p is not home)
    for orphan in sorted(orphans, key=lambda p: -p.area):
        shared = [shapely.intersection(orphan.boundary, cell.boundary).length for cell in result]
        best = int(np.argmax(shared))
        merged = shapely.union(result[best], orphan)
        pieces = _pieces(merged)
        result[best] = pieces[0] if len(pieces) == 1 else shapely.MultiPolygon(pieces)
    return result


def _relaxed_partition(
    parent: Polygonal, points: NDArray[np.float64], iterations: int
) -> tuple[list[Polygonal], NDArray[np.float64]]:
    """Lloyd relaxation: move each point to the centre of its cell, ``iterations`` times; then
    order the points north-west first and partition."""
    shapely.prepare(parent)
    for _ in range(iterations):
        cells = _partition(parent, points)
        centres = shapely.centroid(np.array(cells, dtype=object))
        inside = shapely.contains(parent, centres)
        fallback = shapely.point_on_surface(np.array(cells, dtype=object))
        centres = np.where(inside, centres, fallback)
        points = shapely.get_coordinates(centres)
    order = np.lexsort((points[:, 0], -np.round(points[:, 1], 3)))
    points = points[order]
    return _partition(parent, points), points


def _allocate(weights: list[float], total: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights``, each at least 1 (largest remainder)."""
    n = len(weights)
    extra = total - n
    if extra < 0:
        raise ValueError("total smaller than the number of parts")
    w = np.asarray(weights, dtype=np.float64)
    share = w / w.sum() * extra
    counts = np.floor(share).astype(int)
    remainder = extra - int(counts.sum())
    for i in np.argsort(-(share - counts), kind="stable")[:remainder]:
        counts[i] += 1
    return [int(c) + 1 for c in counts]


def _weight(polygon: Polygonal) -> float:
    """Expected population of a polygon: its area times the density at a few inside points."""
    point = polygon.representative_point()
    centre = polygon.centroid
    xs = np.array([point.x, centre.x])
    ys = np.array([point.y, centre.y])
    return float(polygon.area * _density(xs, ys).mean())


# --- names ----------------------------------------------------------------------------------------


def _community_names(rng: np.random.Generator, street_names: list[str]) -> list[tuple[str, str]]:
    """One (name, pinyin) per entry of ``street_names`` (the community's street), all unique."""
    used_names: set[str] = set()
    used_pinyin: set[str] = set()
    result = []
    for street in street_names:
        suffixes = names.VILLAGE_SUFFIXES if street in names.OUTER_STREETS else names.COMMUNITY_SUFFIXES
        while True:
            stem, stem_py = names.STEMS[int(rng.integers(len(names.STEMS)))]
            suffix, suffix_py = suffixes[int(rng.integers(len(suffixes)))]
            name, pinyin = f"{stem}{suffix}社区", f"{stem_py}{suffix_py}"
            if name not in used_names and pinyin not in used_pinyin:
                break
        used_names.add(name)
        used_pinyin.add(pinyin)
        result.append((name, pinyin))
    return result


def _compound_name(rng: np.random.Generator) -> str:
    stem = names.STEMS[int(rng.integers(len(names.STEMS)))][0]
    return stem + names.COMPOUND_SUFFIXES[int(rng.integers(len(names.COMPOUND_SUFFIXES)))]


# --- the layout -----------------------------------------------------------------------------------


def _region(
    name: str, code: str, polygon: Polygonal, parent: int, population: int, households: int, pinyin: str = ""
) -> Region:
    point = polygon.representative_point()
    return Region(
        name=name,
        code=code,
        polygon=polygon,
        parent=parent,
        lon=float(point.x),
        lat=float(point.y),
        population=population,
        households=households,
        pinyin=pinyin,
    )


def _street_seeds(outline: shapely.Polygon, count: int, rng: np.random.Generator) -> NDArray[np.float64]:
    centre = outline.centroid
    seeds = []
    for street in names.STREETS[:count]:
        u = street.u + rng.normal(0, 0.02)
        v = street.v + rng.normal(0, 0.02)
        x = names.LON_MIN + u * (names.LON_MAX - names.LON_MIN)
        y = names.LAT_MIN + v * (names.LAT_MAX - names.LAT_MIN)
        while not shapely.contains_xy(outline, x, y):  # pull stray anchors inside
            x, y = (x + centre.x) / 2, (y + centre.y) / 2
        seeds.append((x, y))
    return np.array(seeds, dtype=np.float64)


def build_layout(seed: int = 2024, scale: float = 1.0) -> Layout:
    """The demo district for ``seed`` at ``scale`` (1.0 = the size of Zhifu). Pure and reproducible."""
    rng = np.random.default_rng([seed, 20240602])
    n_streets, n_communities, n_grids = counts_for(scale)
    outline = _outline(rng)

    street_cells = _partition(outline, _street_seeds(outline, n_streets, rng))
    street_specs = names.STREETS[:n_streets]

    # Communities: denser seeds where people live, one relaxation step.
    per_street = _allocate([_weight(c) for c in street_cells], n_communities)
    community_cells: list[Polygonal] = []
    community_street: list[int] = []
    for s, (cell, k) in enumerate(zip(street_cells, per_street, strict=True)):
        cells, _ = _relaxed_partition(cell, _sample(cell, k, rng, weighted=True), 1)
        community_cells.extend(cells)
        community_street.extend([s] * len(cells))
    community_names = _community_names(rng, [street_specs[s].name for s in community_street])

    # Grids: as many as the community's expected population asks for, evenly shaped.
    per_community = _allocate([_weight(c) for c in community_cells], n_grids)
    grid_cells: list[Polygonal] = []
    grid_community: list[int] = []
    for c, (cell, k) in enumerate(zip(community_cells, per_community, strict=True)):
        cells, _ = _relaxed_partition(cell, _sample(cell, k, rng), 2)
        grid_cells.extend(cells)
        grid_community.extend([c] * len(cells))

    # Codes: streets 9 digits (370602001…), communities 12, grids 15, buildings 18.
    street_codes = [f"{names.DISTRICT_CODE}{i + 1:03d}" for i in range(n_streets)]
    community_codes: list[str] = []
    seen: dict[int, int] = {}
    for s in community_street:
        seen[s] = seen.get(s, 0) + 1
        community_codes.append(f"{street_codes[s]}{seen[s]:03d}")
    grid_codes: list[str] = []
    grid_numbers: list[int] = []
    seen = {}
    for c in grid_community:
        seen[c] = seen.get(c, 0) + 1
        grid_codes.append(f"{community_codes[c]}{seen[c]:03d}")
        grid_numbers.append(seen[c])

    # Buildings: about 8 per grid, walk-ups mostly, some high-rises; households by floors.
    buildings: list[Building] = []
    floors_choice = np.array([4, 5, 6, 6, 7, 7, 11, 18, 26])
    for g, cell in enumerate(grid_cells):
        k = int(np.clip(rng.poisson(BUILDINGS_PER_GRID), 3, 16))
        points = _sample(cell, k, rng)
        compounds = [_compound_name(rng) for _ in range(1 + int(rng.integers(2)))]
        numbers = dict.fromkeys(compounds, 0)
        for b, (x, y) in enumerate(points):
            compound = compounds[b % len(compounds)]
            numbers[compound] += 1
            floors = int(rng.choice(floors_choice))
            households = int(floors * rng.integers(2, 6))
            population = round(households * rng.uniform(2.1, 2.8))
            buildings.append(
                Building(
                    name=f"{compound}{numbers[compound]}号楼",
                    code=f"{grid_codes[g]}{b + 1:03d}",
                    lon=float(x),
                    lat=float(y),
                    parent=g,
                    floors=floors,
                    population=population,
                    households=households,
                )
            )

    # Roll-ups: buildings → grids → communities → streets → district.
    def rollup(parents: list[int], size: int, pop: list[int], hh: list[int]) -> tuple[list[int], list[int]]:
        p_sum, h_sum = [0] * size, [0] * size
        for parent, p, h in zip(parents, pop, hh, strict=True):
            p_sum[parent] += p
            h_sum[parent] += h
        return p_sum, h_sum

    grid_pop, grid_hh = rollup(
        [b.parent for b in buildings],
        len(grid_cells),
        [b.population for b in buildings],
        [b.households for b in buildings],
    )
    com_pop, com_hh = rollup(grid_community, len(community_cells), grid_pop, grid_hh)
    street_pop, street_hh = rollup(community_street, n_streets, com_pop, com_hh)

    district = _region(
        names.DISTRICT_NAME, names.DISTRICT_CODE, outline, 0, sum(street_pop), sum(street_hh), "zhifu"
    )
    streets = tuple(
        _region(spec.name, street_codes[i], street_cells[i], 0, street_pop[i], street_hh[i], spec.pinyin)
        for i, spec in enumerate(street_specs)
    )
    communities = tuple(
        _region(
            community_names[i][0],
            community_codes[i],
            community_cells[i],
            community_street[i],
            com_pop[i],
            com_hh[i],
            community_names[i][1],
        )
        for i in range(len(community_cells))
    )
    grids = tuple(
        _region(
            f"{communities[grid_community[i]].name}第{grid_numbers[i]}网格",
            grid_codes[i],
            grid_cells[i],
            grid_community[i],
            grid_pop[i],
            grid_hh[i],
        )
        for i in range(len(grid_cells))
    )
    return Layout(
        seed=seed,
        scale=scale,
        city_name=names.CITY_NAME,
        city_code=names.CITY_CODE,
        district=district,
        streets=streets,
        communities=communities,
        grids=grids,
        buildings=tuple(buildings),
    )
