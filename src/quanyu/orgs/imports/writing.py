"""Writing a valid plan, the empty template, and the export (the template's sheets, re-importable)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from quanyu.areas.imports import NamePaths
from quanyu.areas.models import Area
from quanyu.core.audit import audit_record
from quanyu.core.permissions import can_reveal_pii
from quanyu.core.pii import mask_phone
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import write_sheets, write_template_sheets
from quanyu.orgs.collation import name_key
from quanyu.orgs.imports.reading import (
    COLUMNS,
    ORG_COLUMNS,
    ORGS,
    PART_TIME,
    PART_TIME_COLUMNS,
    SHEETS,
    UNIT_COLUMNS,
    UNITS,
    org_records_from_file,
)
from quanyu.orgs.imports.validation import OrgImportPlan, org_import_validate
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit
from quanyu.orgs.services import part_time_member_bulk_create, party_org_bulk_create, unit_bulk_create


def org_import_write(*, actor: Any, plan: OrgImportPlan) -> OrgImportPlan:
    """Write units, then party organisations, then part-time members, in one transaction."""
    if not plan.ok:
        raise ValueError("cannot write a plan with errors")
    with transaction.atomic():
        if plan.units:
            unit_bulk_create(actor=actor, units=plan.units)
        # Organisations and members point at instances saved just before (units, then
        # organisations); Django takes their new ids when it saves the rows that refer to them.
        if plan.org_nodes:
            party_org_bulk_create(actor=actor, nodes=plan.org_nodes)
        if plan.members:
            part_time_member_bulk_create(actor=actor, members=plan.members)
    return plan


def org_import_file(
    *, actor: Any, path: str | Path, kind: str | None = None, dry_run: bool = False
) -> OrgImportPlan:
    plan = org_import_validate(actor=actor, source=org_records_from_file(path, kind=kind))
    if plan.ok and not dry_run:
        org_import_write(actor=actor, plan=plan)
    return plan


def org_write_template(target: Any, *, kind: str | None = None) -> None:
    kinds = [kind] if kind else list(SHEETS)
    write_template_sheets(target, [(SHEETS[k], COLUMNS[k]) for k in kinds])


def org_export(*, actor: Any, target: Any) -> list[int]:
    """Write the actor's units, party organisations and part-time members to one workbook with the
    template's three sheets; returns the row count of each. Phone numbers are written in full only
    where the actor may reveal them (and that export is audited); otherwise masked."""
    units = sorted(
        scope(Unit.objects.select_related("area"), actor=actor).order_by("kind", "id"),
        key=lambda u: (u.kind, name_key(u.name)),
    )
    orgs = list(scope(PartyOrg.objects.select_related("area", "unit"), actor=actor).order_by("path"))
    members = list(
        scope(PartTimeMember.objects.select_related("unit", "committee"), actor=actor).order_by(
            "committee__path", "id"
        )
    )
    area_paths = NamePaths(Area)
    area_paths.load({u.area.path for u in units} | {o.area.path for o in orgs})
    org_paths = NamePaths(PartyOrg)
    org_paths.load({o.path for o in orgs} | {m.committee.path for m in members})
    parent_codes = dict(
        PartyOrg.objects.filter(
            path__in={o.path[: -PartyOrg.steplen] for o in orgs if o.depth > 1}
        ).values_list("path", "code")
    )
    revealed = 0

    def unit_ref(unit: Unit | None) -> str:
        return "" if unit is None else unit.credit_code or unit.name

    def unit_rows() -> Iterator[dict[str, Any]]:
        nonlocal revealed
        for u in units:
            phone = u.contact_phone
            if phone and can_reveal_pii(actor, at_path=u.area.path):
                revealed += 1
            else:
                phone = mask_phone(phone)
            yield {
                "kind": u.get_kind_display(),
                "name": u.name,
                "credit_code": u.credit_code,
                "area_code": u.area.code,
                "area_path": area_paths.of(u.area.path),
                "address": u.address,
                "contact_name": u.contact_name,
                "contact_phone": phone,
                "staff_count": u.staff_count,
                "member_count": u.member_count,
                "lon": u.lon if u.lon is not None else "",
                "lat": u.lat if u.lat is not None else "",
            }

    def org_rows() -> Iterator[dict[str, Any]]:
        for o in orgs:
            parent_path = o.path[: -PartyOrg.steplen] if o.depth > 1 else ""
            yield {
                "kind": o.get_kind_display(),
                "name": o.name,
                "code": o.code,
                "parent_code": parent_codes.get(parent_path, ""),
                "parent_path": org_paths.of(parent_path) if parent_path else "",
                "area_code": o.area.code,
                "area_path": area_paths.of(o.area.path),
                "unit": unit_ref(o.unit),
                "secretary": o.secretary,
                "member_count": o.member_count,
            }

    def member_rows() -> Iterator[dict[str, Any]]:
        for m in members:
            yield {
                "name": m.name,
                "unit": unit_ref(m.unit),
                "unit_post": m.unit_post,
                "committee_code": m.committee.code,
                "committee_path": "" if m.committee.code else org_paths.of(m.committee.path),
                "post": m.post,
                "term_start": m.term_start or "",
                "term_end": m.term_end or "",
            }

    counts = write_sheets(
        target,
        [
            (SHEETS[UNITS], UNIT_COLUMNS, unit_rows()),
            (SHEETS[ORGS], ORG_COLUMNS, org_rows()),
            (SHEETS[PART_TIME], PART_TIME_COLUMNS, member_rows()),
        ],
    )
    detail = {"units": counts[0], "party_orgs": counts[1], "part_time_members": counts[2]}
    audit_record(actor=actor, action="export", target_type="orgs.unit", detail=detail)
    if revealed:
        audit_record(
            actor=actor,
            action="export_unmasked",
            target_type="orgs.unit",
            fields="contact_phone",
            detail={"revealed": revealed},
        )
    return counts
