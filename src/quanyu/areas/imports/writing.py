"""Writing a valid plan, the empty template, and the export (the template's columns, re-importable)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.imports.reading import AREA_COLUMNS, area_records_from_file, kind_label
from quanyu.areas.imports.trees import PATH_SEPARATOR
from quanyu.areas.imports.validation import AreaImportPlan, Progress, area_import_validate
from quanyu.areas.models import Area, AreaKind
from quanyu.areas.services import area_bulk_create
from quanyu.core.audit import audit_record
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import write_rows, write_template


def area_import_write(*, actor: Any, plan: AreaImportPlan, source_name: str = "") -> list[Area]:
    """Write a validated plan in one transaction (nothing is written if anything fails)."""
    if not plan.ok:
        raise ValueError("cannot write a plan with errors")
    with transaction.atomic():
        return area_bulk_create(actor=actor, nodes=plan.nodes, audit_detail={"source": source_name})


def area_import_file(
    *, actor: Any, path: str | Path, dry_run: bool = False, progress: Progress | None = None
) -> tuple[AreaImportPlan, list[Area]]:
    """Read, validate and (unless ``dry_run`` or invalid) write; the plan says what happened."""
    records = area_records_from_file(path)
    plan = area_import_validate(actor=actor, source=records, progress=progress)
    if dry_run or not plan.ok:
        return plan, []
    return plan, area_import_write(actor=actor, plan=plan, source_name=Path(path).name)


def area_write_template(target: Any) -> None:
    write_template(target, AREA_COLUMNS, title=_("区域导入模板"))


def counts_text(counts: Counter[str]) -> str:
    return "、".join(f"{kind_label(k)}{counts[k]}个" for k in [k.value for k in AreaKind] if counts.get(k))


def area_export_rows(*, actor: Any, root: Area | None = None) -> Iterator[dict[str, Any]]:
    """The actor's areas (under ``root`` when given) as template rows, parents before children."""
    queryset = scope(Area.objects.all(), actor=actor).order_by("path")
    if root is not None:
        queryset = queryset.filter(path__startswith=root.path)
    first = queryset.only("path", "depth").first()
    info: dict[str, tuple[str, str, str]] = {}  # path -> (name, code, name path)
    if first is not None and first.depth > 1:
        prefixes = [first.path[: Area.steplen * i] for i in range(1, first.depth)]
        for path, name, code in (
            Area.objects.filter(path__in=prefixes).order_by("path").values_list("path", "name", "code")
        ):
            parent_path = info.get(path[: -Area.steplen], ("", "", ""))[2]
            info[path] = (name, code, f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name)
    for area in queryset.iterator(chunk_size=2000):
        parent = info.get(area.path[: -Area.steplen]) if area.depth > 1 else None
        name_path = f"{parent[2]}{PATH_SEPARATOR}{area.name}" if parent else area.name
        info[area.path] = (area.name, area.code, name_path)
        yield {
            "kind": kind_label(area.kind),
            "name": area.name,
            "code": area.code,
            "parent_code": parent[1] if parent else "",
            "parent_path": parent[2] if parent else "",
            "population": area.population,
            "households": area.households,
            "lon": area.lon if area.lon is not None else "",
            "lat": area.lat if area.lat is not None else "",
            "geometry": json.dumps(area.geometry, ensure_ascii=False, separators=(",", ":"))
            if area.geometry is not None
            else "",
        }


def area_export(*, actor: Any, target: Any, root: Area | None = None) -> int:
    """Write the actor's areas to an xlsx file with the template's columns; returns the row count."""
    count = write_rows(target, AREA_COLUMNS, area_export_rows(actor=actor, root=root), title=_("区域"))
    audit_record(
        actor=actor,
        action="export",
        target=root,
        target_type="areas.area",
        detail={"exported": count},
    )
    return count
