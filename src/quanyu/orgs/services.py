"""Writes to party organisations, units and part-time committee members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.core.audit import audit_record
from quanyu.core.permissions import can_edit_registry
from quanyu.core.trees import NewNode, bulk_add_nodes
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit


def _require_registry_rights(actor: Any, paths: set[str]) -> None:
    for path in sorted(paths):
        if not can_edit_registry(actor, at_path=path):
            raise PermissionDenied(_("您无权维护该区域的组织与单位"))


def unit_bulk_create(*, actor: Any, units: Sequence[Unit]) -> list[Unit]:
    with transaction.atomic():
        _require_registry_rights(actor, {u.area.path for u in units})
        for unit in units:
            unit.full_clean(exclude=["area"], validate_unique=False)
        saved = Unit.objects.bulk_create(units, batch_size=2000)
        audit_record(actor=actor, action="import", target_type="orgs.unit", detail={"created": len(saved)})
        return saved


def party_org_bulk_create(*, actor: Any, nodes: Sequence[NewNode]) -> list[PartyOrg]:
    with transaction.atomic():
        _require_registry_rights(actor, {spec.instance.area.path for spec in nodes})  # type: ignore[attr-defined]
        saved = bulk_add_nodes(PartyOrg, nodes)
        audit_record(
            actor=actor, action="import", target_type="orgs.partyorg", detail={"created": len(saved)}
        )
        return saved


def part_time_member_bulk_create(*, actor: Any, members: Sequence[PartTimeMember]) -> list[PartTimeMember]:
    with transaction.atomic():
        _require_registry_rights(actor, {m.committee.area.path for m in members})
        saved = PartTimeMember.objects.bulk_create(members, batch_size=2000)
        audit_record(
            actor=actor, action="import", target_type="orgs.parttimemember", detail={"created": len(saved)}
        )
        return saved
