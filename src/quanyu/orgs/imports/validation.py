"""Checking every row of every sheet: the plan to write, or the row errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from quanyu.areas.imports import cell_text, tree_nodes
from quanyu.core.spreadsheets import RowError
from quanyu.core.trees import NewNode
from quanyu.orgs.imports.checks import Checker
from quanyu.orgs.imports.part_time import validate_members
from quanyu.orgs.imports.party_orgs import OrgRow, validate_orgs
from quanyu.orgs.imports.reading import ORGS, PART_TIME, SHEETS, UNITS, OrgRecords
from quanyu.orgs.imports.units import UnitFinder, resolve_unit, validate_units
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit


@dataclass
class OrgImportPlan:
    units: list[Unit] = field(default_factory=list)
    org_nodes: list[NewNode] = field(default_factory=list)
    members: list[PartTimeMember] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("单位%(u)d个、党组织%(o)d个、兼职委员%(m)d名") % {
            "u": len(self.units),
            "o": len(self.org_nodes),
            "m": len(self.members),
        }


def org_import_validate(*, actor: Any, source: OrgRecords) -> OrgImportPlan:
    """Check every row of every sheet; the plan to write, or the errors (sorted by sheet and row)."""
    checker = Checker(actor, source.single)
    units: list[Unit] = []
    by_credit: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    if UNITS in source.sheets:
        units, by_credit, by_name = validate_units(source.sheets[UNITS], checker)
    cached: list[UnitFinder] = []

    def unit_finder() -> UnitFinder:
        if not cached:
            refs = {
                cell_text(r.get("unit"))
                for kind in (ORGS, PART_TIME)
                for _n, r in source.sheets.get(kind, [])
                if cell_text(r.get("unit"))
            }
            cached.append(UnitFinder(actor, refs, units, by_credit, by_name))
        return cached[0]

    org_rows: list[OrgRow] = []
    depth: dict[int, int] = {}
    if ORGS in source.sheets:
        org_rows, depth = validate_orgs(source.sheets[ORGS], checker, unit_finder)
    members = (
        validate_members(source.sheets[PART_TIME], checker, unit_finder, org_rows)
        if PART_TIME in source.sheets
        else []
    )
    if checker.errors:
        sheet_order = list(SHEETS.values())
        checker.errors.sort(key=lambda e: (sheet_order.index(e.sheet) if e.sheet else 0, e.row))
        return OrgImportPlan(errors=checker.errors)

    def make(row: OrgRow) -> PartyOrg:
        return PartyOrg(
            kind=row.kind,
            name=row.name,
            code=row.code,
            area=row.area,
            unit=resolve_unit(row.unit, units),
            secretary=row.secretary,
            member_count=row.member_count,
        )

    nodes, position = tree_nodes(org_rows, depth, make)
    plan_members = []
    for member, unit_ref, committee in members:
        member.unit = resolve_unit(unit_ref, units)  # type: ignore[assignment]
        assert committee is not None
        member.committee = committee[1] if committee[0] == "db" else nodes[position[committee[1]]].instance  # type: ignore[assignment]
        plan_members.append(member)
    return OrgImportPlan(units=units, org_nodes=nodes, members=plan_members)
