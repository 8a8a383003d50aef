"""The area tree: 烟台市 → 芝罘区 → streets → communities → grids → buildings, from the layout."""

from __future__ import annotations

from typing import Any

import shapely

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.services import area_bulk_create
from quanyu.core.trees import NewNode
from quanyu.demo.context import DemoContext
from quanyu.demo.layout import Building, Polygonal, Region

TITLE = "区域树"


def geojson(polygon: Polygonal) -> dict[str, Any]:
    """GeoJSON geometry of a (Multi)Polygon with full-precision coordinates (plain lists)."""

    def rings(p: shapely.Polygon) -> list[list[list[float]]]:
        return [shapely.get_coordinates(r).tolist() for r in (p.exterior, *p.interiors)]

    if isinstance(polygon, shapely.MultiPolygon):
        return {"type": "MultiPolygon", "coordinates": [rings(p) for p in polygon.geoms]}
    return {"type": "Polygon", "coordinates": rings(polygon)}


def _region_area(kind: str, region: Region) -> Area:
    return Area(
        kind=kind,
        code=region.code,
        name=region.name,
        geometry=geojson(region.polygon),
        lon=region.lon,
        lat=region.lat,
        population=region.population,
        households=region.households,
    )


def _building_area(building: Building) -> Area:
    return Area(
        kind=AreaKind.BUILDING,
        code=building.code,
        name=building.name,
        lon=building.lon,
        lat=building.lat,
        population=building.population,
        households=building.households,
    )


def run(ctx: DemoContext) -> None:
    """One bulk insert of the whole tree (parents by index within the batch: no per-parent
    queries), then the saved areas are handed out level by level."""
    layout = ctx.layout
    city = Area(
        kind=AreaKind.CITY,
        code=layout.city_code,
        name=layout.city_name,
        population=layout.population,
        households=layout.district.households,
    )
    nodes = [NewNode(city), NewNode(_region_area(AreaKind.DISTRICT, layout.district), parent_index=0)]
    offsets = {}
    for level, kind, items, parent_level in (
        ("streets", AreaKind.STREET, layout.streets, "district"),
        ("communities", AreaKind.COMMUNITY, layout.communities, "streets"),
        ("grids", AreaKind.GRID, layout.grids, "communities"),
    ):
        offsets[level] = len(nodes)
        base = 1 if parent_level == "district" else offsets[parent_level]
        nodes.extend(NewNode(_region_area(kind, r), parent_index=base + r.parent) for r in items)
    offsets["buildings"] = len(nodes)
    nodes.extend(
        NewNode(_building_area(b), parent_index=offsets["grids"] + b.parent) for b in layout.buildings
    )
    task = ctx.progress("区域 areas", total=len(nodes))
    saved = area_bulk_create(actor=ctx.actor, nodes=nodes, audit_detail={"source": "demo"})
    task.advance(len(saved))
    ctx.city, ctx.district = saved[0], saved[1]
    ctx.streets = saved[offsets["streets"] : offsets["communities"]]
    ctx.communities = saved[offsets["communities"] : offsets["grids"]]
    ctx.grids = saved[offsets["grids"] : offsets["buildings"]]
    ctx.buildings = saved[offsets["buildings"] :]
