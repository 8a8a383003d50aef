"""Reads of the area tree, always through the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from quanyu.areas.models import Area
from quanyu.core.scoping import actor_scope_paths, collapse_paths, get_scoped_or_404, scope


def area_list_for(*, actor: Any, with_geometry: bool = False) -> QuerySet[Area]:
    queryset = Area.objects.all()
    if not with_geometry:
        queryset = queryset.defer("geometry")
    return scope(queryset, actor=actor)


def area_get_for(*, actor: Any, area_id: int) -> Area:
    return get_scoped_or_404(Area.objects.all(), actor=actor, pk=area_id)


def area_roots_for(*, actor: Any) -> list[Area]:
    """The top nodes the actor sees: the nodes of its grants (or the tree roots for superusers)."""
    if getattr(actor, "is_superuser", False):
        return list(Area.objects.filter(depth=1).order_by("path"))
    return list(Area.objects.filter(path__in=collapse_paths(actor_scope_paths(actor))).order_by("path"))


# --- Pages: breadcrumb, children with figures, scope counts, map features -----------------------

# The grid is where residents and households are registered; figures above the grid are the sums of
# the grids beneath, figures of a grid or building are its own.
STATS_KIND = "grid"


def area_breadcrumb_for(*, actor: Any, area: Area) -> list[Area]:
    """The ancestors of ``area`` from the actor's scope root down to ``area`` itself (one query)."""
    steplen = Area.steplen
    prefixes = [area.path[: steplen * i] for i in range(1, area.depth + 1)]
    nodes = scope(Area.objects.defer("geometry").filter(path__in=prefixes), actor=actor)
    return list(nodes.order_by("depth"))


def _grid_figures_by_prefix(*, actor: Any, under: list[Area], depth: int) -> dict[str, dict[str, int]]:
    """Population, households and grid count of the grids under each node of ``under`` (all at
    ``depth``), keyed by the node's path: one aggregate query."""
    if not under:
        return {}
    condition = Q()
    for node in under:
        condition |= Q(path__startswith=node.path)
    rows = (
        scope(Area.objects.filter(condition, kind=STATS_KIND), actor=actor)
        .annotate(prefix=Substr("path", 1, depth * Area.steplen))
        .values("prefix")
        .annotate(population_sum=Sum("population"), households_sum=Sum("households"), grids=Count("id"))
        .order_by()
    )
    return {
        row["prefix"]: {
            "population": row["population_sum"] or 0,
            "households": row["households_sum"] or 0,
            "grids": row["grids"],
        }
        for row in rows
    }


def area_figures(nodes: list[Area], figures: dict[str, dict[str, int]]) -> None:
    """Set ``population_total``, ``households_total`` and ``grid_count`` on each node."""
    for node in nodes:
        if node.kind in (STATS_KIND, "building"):
            node.population_total = node.population  # type: ignore[attr-defined]
            node.households_total = node.households  # type: ignore[attr-defined]
            node.grid_count = 1 if node.kind == STATS_KIND else 0  # type: ignore[attr-defined]
        else:
            row = figures.get(node.path, {})
            node.population_total = row.get("population", 0)  # type: ignore[attr-defined]
            node.households_total = row.get("households", 0)  # type: ignore[attr-defined]
            node.grid_count = row.get("grids", 0)  # type: ignore[attr-defined]


def area_children_for(*, actor: Any, area: Area | None, with_geometry: bool = False) -> list[Area]:
    """The children of ``area`` inside the actor's scope (the actor's scope roots when ``area`` is
    None), each with ``population_total``, ``households_total`` and ``grid_count``. Two queries."""
    if area is None:
        children = area_roots_for(actor=actor)
    else:
        queryset = Area.objects.filter(path__startswith=area.path, depth=area.depth + 1)
        if not with_geometry:
            queryset = queryset.defer("geometry")
        children = list(scope(queryset, actor=actor).order_by("path"))
    above_grid = [c for c in children if c.kind not in (STATS_KIND, "building")]
    figures: dict[str, dict[str, int]] = {}
    for depth in sorted({c.depth for c in above_grid}):
        same_depth = [c for c in above_grid if c.depth == depth]
        figures.update(_grid_figures_by_prefix(actor=actor, under=same_depth, depth=depth))
    area_figures(children, figures)
    return children


def area_figures_for(*, actor: Any, area: Area) -> dict[str, int]:
    """Population, households and grid count of one node, as on the children list."""
    node_list = [area]
    area_figures(node_list, _grid_figures_by_prefix(actor=actor, under=node_list, depth=area.depth))
    return {
        "population": area.population_total,  # type: ignore[attr-defined]
        "households": area.households_total,  # type: ignore[attr-defined]
        "grids": area.grid_count,  # type: ignore[attr-defined]
    }


def area_scope_counts_for(*, actor: Any) -> dict[str, int]:
    """What the actor's part of the tree holds: nodes per kind, and population and households of
    its grids. One aggregate query."""
    kinds = ("district", "street", "community", "grid", "building")
    aggregates: dict[str, Any] = {kind: Count("id", filter=Q(kind=kind)) for kind in kinds}
    aggregates["population"] = Sum("population", filter=Q(kind=STATS_KIND))
    aggregates["households"] = Sum("households", filter=Q(kind=STATS_KIND))
    row = scope(Area.objects.all(), actor=actor).aggregate(**aggregates)
    return {key: value or 0 for key, value in row.items()}


def area_features_for(*, actor: Any, area: Area | None) -> dict[str, Any]:
    """GeoJSON FeatureCollection of what the map of ``area`` draws: its children (polygons, or
    points for buildings), and for a leaf the node itself. Properties: id, name, kind, kind_label,
    population, households. ``area`` None means the actor's scope roots."""
    children = area_children_for(actor=actor, area=area, with_geometry=True)
    shown = children
    if not children and area is not None:
        shown = [area]
        area_figures(shown, {})
    features = []
    for node in shown:
        geometry = node.geometry
        if not geometry and node.lon is not None and node.lat is not None:
            geometry = {"type": "Point", "coordinates": [node.lon, node.lat]}
        if not geometry:
            continue
        features.append(
            {
                "type": "Feature",
                "id": node.pk,
                "geometry": geometry,
                "properties": {
                    "id": node.pk,
                    "name": node.name,
                    "kind": node.kind,
                    "kind_label": node.kind_label,
                    "population": node.population_total,  # type: ignore[attr-defined]
                    "households": node.households_total,  # type: ignore[attr-defined]
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- The public grid layer (pick-a-point maps) ---------------------------------------------------

GRID_LAYER_CACHE_SECONDS = 3600


def areas_revision(kinds: Iterable[str]) -> str:
    """A cheap stamp that changes whenever an area of ``kinds`` is added, removed, renamed or
    redrawn (one aggregate query): the key of the public map layers' caches."""
    from django.db.models import Max

    row = Area.objects.filter(kind__in=list(kinds)).aggregate(
        n=Count("id"), last=Max("updated_at"), top=Max("id")
    )
    last = row["last"]
    stamp = int(last.timestamp() * 1_000_000) if last is not None else 0
    return f"{row['n']}.{row['top'] or 0}.{stamp}"


def grid_layer_revision() -> str:
    """The grid layer's stamp: its grids and their communities."""
    from quanyu.areas.models import AreaKind

    return areas_revision([AreaKind.GRID, AreaKind.COMMUNITY])


def grid_layer_features() -> dict[str, Any]:
    """The city's grid outlines as a GeoJSON FeatureCollection — per grid its id, name, community
    name and outline, nothing else (these are public: residents pick their place on the map).
    Cached (Django cache) per ``grid_layer_revision``: one query when nothing changed."""
    from django.core.cache import cache

    from quanyu.areas.models import AreaKind

    key = f"quanyu.areas.grid-layer.{grid_layer_revision()}"
    collection: dict[str, Any] | None = cache.get(key)
    if collection is not None:
        return collection
    grids = list(
        Area.objects.filter(kind=AreaKind.GRID, geometry__isnull=False)
        .order_by("path")
        .values_list("pk", "name", "path", "geometry")
    )
    parents = dict(
        Area.objects.filter(path__in={p[: -Area.steplen] for _pk, _n, p, _g in grids}).values_list(
            "path", "name"
        )
    )
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": geometry,
                "properties": {"id": pk, "name": name, "community": parents.get(path[: -Area.steplen], "")},
            }
            for pk, name, path, geometry in grids
        ],
    }
    cache.set(key, collection, GRID_LAYER_CACHE_SECONDS)
    return collection


# Kinds of grant area a pick-a-point map opens on: a community, a grid or a building (its grid);
# a street or wider scope opens on the whole city.
_FOCUS_LIMIT = 200


def own_grid_ids_for(*, actor: Any) -> list[int]:
    """The grids where ``actor`` lives or works (their grants at a community, grid or building):
    the pick-a-point map opens on these. Empty for anonymous users and wider scopes."""
    from quanyu.areas.models import AreaKind
    from quanyu.core.permissions import grants_for

    if not getattr(actor, "is_authenticated", False):
        return []
    prefixes: set[str] = set()
    for grant in grants_for(actor):
        area = grant.area
        if area.kind == AreaKind.BUILDING:
            prefixes.add(area.path[: -Area.steplen])
        elif area.kind in (AreaKind.COMMUNITY, AreaKind.GRID):
            prefixes.add(area.path)
    if not prefixes:
        return []
    where = Q()
    for prefix in collapse_paths(tuple(prefixes)):
        where |= Q(path__startswith=prefix)
    grids = Area.objects.filter(where, kind=AreaKind.GRID).order_by("path").values_list("pk", flat=True)
    return list(grids[:_FOCUS_LIMIT])


def home_community_for(*, actor: Any) -> Area | None:
    """The community a signed-in resident or party member lives in (their grant there, or at one
    of its buildings or grids), or None: a request sent without a point on the map goes to it."""
    from quanyu.areas.models import AreaKind
    from quanyu.core.permissions import grants_for
    from quanyu.core.roles import Role

    if not getattr(actor, "is_authenticated", False):
        return None
    for grant in grants_for(actor):
        if grant.role not in (Role.RESIDENT, Role.PARTY_MEMBER):
            continue
        area = grant.area
        if area.kind == AreaKind.COMMUNITY:
            return area
        if area.kind in (AreaKind.GRID, AreaKind.BUILDING):
            return Area.objects.filter(kind=AreaKind.COMMUNITY, path__in=ancestor_paths(area.path)).first()
    return None


def ancestor_paths(path: str) -> list[str]:
    """The paths of the area at ``path``'s ancestors, root first (not the area itself)."""
    return [path[:i] for i in range(Area.steplen, len(path), Area.steplen)]
