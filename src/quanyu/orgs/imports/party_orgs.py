"""The 党组织 sheet: the organisation tree, parents in the file or the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from quanyu.areas.imports import (
    PATH_SEPARATOR,
    NamePaths,
    TreePathIndex,
    TreeRow,
    cell_text,
    check_unique_codes,
    nodes_by_code,
    parse_name_path,
    resolve_tree_parents,
    tree_depths,
)
from quanyu.areas.models import Area
from quanyu.core.scoping import scope
from quanyu.orgs.imports.checks import AreaFinder, Checker, Records, cell_count, clipped
from quanyu.orgs.imports.reading import ORG_KIND_BY_TEXT, ORGS
from quanyu.orgs.imports.units import UnitFinder
from quanyu.orgs.models import PartyOrg


@dataclass
class OrgRow(TreeRow):
    kind: str = ""
    area: Area | None = None
    unit: Any = None  # ("db", Unit) / ("row", index into the units sheet)
    secretary: str = ""
    member_count: int = 0


def validate_orgs(
    records: Records, checker: Checker, unit_finder: Callable[[], UnitFinder]
) -> tuple[list[OrgRow], dict[int, int]]:
    sink = checker.sink(ORGS)
    finder = AreaFinder(checker.actor, records)
    units = unit_finder()
    rows: list[OrgRow] = []
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        row = OrgRow(number=number)
        kind_text = cell_text(record.get("kind"))
        row.kind = ORG_KIND_BY_TEXT.get(kind_text, "")
        if not row.kind:
            err(
                "kind",
                _("未知的组织类型“%(v)s”（应为 %(all)s 之一）")
                % {"v": kind_text, "all": "、".join(ORG_KIND_BY_TEXT)},
            )
        row.name = clipped(cell_text(record.get("name")), "name", 150, err)
        if not row.name:
            err("name", _("组织名称不能为空"))
        row.code = clipped(cell_text(record.get("code")), "code", 32, err)
        row.parent_code = cell_text(record.get("parent_code"))
        row.parent_path = parse_name_path(record.get("parent_path"))
        row.area = finder.find(record, err)
        if row.area is not None and not checker.may_edit(row.area):
            err("area_code", _("您无权在“%(name)s”维护党组织") % {"name": row.area.name})
        if cell_text(record.get("unit")):
            row.unit = units.find(cell_text(record.get("unit")), "unit", err)
        row.secretary = clipped(cell_text(record.get("secretary")), "secretary", 50, err)
        row.member_count = cell_count(record, "member_count", err)
        rows.append(row)

    visible = scope(PartyOrg.objects.all(), actor=checker.actor)

    first_by_code = check_unique_codes(
        rows,
        lambda codes: {c: orgs[0].name for c, orgs in nodes_by_code(PartyOrg.objects, codes).items()},
        sink,
    )
    wanted = {r.parent_code for r in rows if r.parent_code and r.parent_code not in first_by_code}
    db_by_code = nodes_by_code(visible, wanted)
    index = TreePathIndex(
        PartyOrg,
        visible,
        [r.parent_path for r in rows if not r.parent_code and r.parent_path],
        also=[o for orgs in db_by_code.values() for o in orgs],
    )
    resolve_tree_parents(rows, first_by_code=first_by_code, db_by_code=db_by_code, index=index, err=sink)
    depth = tree_depths(rows, sink)
    return rows, depth


def file_org_chains(rows: list[OrgRow]) -> list[list[str]]:
    """The full name path of each organisation of the file (through its parents in the file and,
    above them, in the database), for finding a committee by name path."""
    names = NamePaths(PartyOrg)
    names.load({r.parent[1].path for r in rows if r.parent is not None and r.parent[0] == "db"})
    chains = []
    for i in range(len(rows)):
        chain: list[str] = []
        seen: set[int] = set()
        current = i
        while current not in seen:
            seen.add(current)
            chain.append(rows[current].name)
            parent = rows[current].parent
            if parent is None or parent[0] == "root":
                break
            if parent[0] == "db":
                chain.extend(reversed(names.of(parent[1].path).split(PATH_SEPARATOR)))
                break
            current = parent[1]
        chains.append(chain[::-1])
    return chains
