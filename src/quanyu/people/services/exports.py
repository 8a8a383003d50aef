"""Exports of the registers to xlsx: masked by default; unmasked only for a role that may see
personal data and asks for it with a reason. Either way one audit entry records the export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quanyu.core.audit import audit_record
from quanyu.core.permissions import has_role
from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.core.spreadsheets import Column, Target, write_rows
from quanyu.people.access import REVEALERS, scoped, scoped_members
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services.imports import MEMBER_COLUMNS, RESIDENT_COLUMNS

EXPORT_CHUNK = 2000


def _check(actor: Any, unmasked: bool, reason: str) -> str:
    reason = (reason or "").strip()
    if unmasked:
        if not has_role(actor, REVEALERS):
            raise PermissionDenied(_("您无权导出明文个人信息"))
        if not reason:
            raise ValidationError({"reason": [_("明文导出请填写事由")]})
    return reason


def _member_rows(members: QuerySet[PartyMember], unmasked: bool) -> Iterator[dict[str, Any]]:
    for m in members.select_related("branch", "community").iterator(chunk_size=EXPORT_CHUNK):
        yield {
            "name": m.name,
            "gender": m.get_gender_display(),
            "id_number": m.id_number if unmasked else mask_id_number(m.id_number),
            "phone": m.phone if unmasked else mask_phone(m.phone),
            "branch": m.branch.name,
            "category": m.get_category_display(),
            "joined_on": m.joined_on,
            "status": m.get_status_display(),
            "work_unit": m.work_unit_name,
            "community": m.community.name if m.community else "",
            "address": m.address,
        }


def members_export(
    *, actor: Any, members: QuerySet[PartyMember], target: Target, unmasked: bool = False, reason: str = ""
) -> int:
    """Write ``members`` (already scoped by a selector) with the import template's headers."""
    reason = _check(actor, unmasked, reason)
    if unmasked:
        members = scoped_members(members, actor=actor, roles=REVEALERS)
    count = write_rows(target, MEMBER_COLUMNS, _member_rows(members, unmasked), title="党员名册")
    audit_record(
        actor=actor,
        action="export_unmasked" if unmasked else "export",
        target_type="people.partymember",
        fields="id_number,phone" if unmasked else "",
        reason=reason,
        detail={"rows": count},
    )
    return count


RESIDENT_EXPORT_COLUMNS: list[Column] = [c for c in RESIDENT_COLUMNS if c.key != "tags"]


def _resident_rows(residents: QuerySet[Resident], unmasked: bool) -> Iterator[dict[str, Any]]:
    for r in residents.select_related("community", "building").iterator(chunk_size=EXPORT_CHUNK):
        yield {
            "name": r.name,
            "gender": r.get_gender_display(),
            "id_number": r.id_number if unmasked else mask_id_number(r.id_number),
            "phone": r.phone if unmasked else mask_phone(r.phone),
            "community": r.community.name,
            "building": r.building.name if r.building else "",
            "unit_no": r.unit_no,
            "room": r.room,
            "household_key": r.household_key,
            "address": r.address,
        }


def residents_export(
    *, actor: Any, residents: QuerySet[Resident], target: Target, unmasked: bool = False, reason: str = ""
) -> int:
    """Residents without the protected tags (those never leave in a bulk export)."""
    reason = _check(actor, unmasked, reason)
    if unmasked:
        residents = scoped(residents, actor=actor, roles=REVEALERS)
    count = write_rows(target, RESIDENT_EXPORT_COLUMNS, _resident_rows(residents, unmasked), title="居民名册")
    audit_record(
        actor=actor,
        action="export_unmasked" if unmasked else "export",
        target_type="people.resident",
        fields="id_number,phone" if unmasked else "",
        reason=reason,
        detail={"rows": count},
    )
    return count
