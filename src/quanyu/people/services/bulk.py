"""Many residents at once, for onboarding batches and generators (the demo's register): the same
checks as the roster import, all or nothing, one audit entry. ID and phone numbers are encrypted
and hashed as every import does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.core.audit import audit_record
from quanyu.core.permissions import has_role
from quanyu.core.pii import pii_hash
from quanyu.people.access import EDITORS, TAG_VIEWERS
from quanyu.people.models import Resident
from quanyu.people.services.imports import BATCH_SIZE, insert_persons
from quanyu.people.validation import FieldError, clean_id_number, clean_name, clean_phone, clean_tags


@dataclass
class ResidentSpec:
    """One resident for ``residents_bulk_create``: their community, and the building, unit, room
    and household key (户号) where they live; ``tags`` as the import writes them (空巢老人、低收入)."""

    name: str
    id_number: str
    community: Area
    building: Area | None = None
    phone: str = ""
    unit_no: str = ""
    room: str = ""
    household_key: str = ""
    tags: str = ""
    address: str = ""


def residents_bulk_create(
    *, actor: Any, residents: Iterable[ResidentSpec], batch_size: int = BATCH_SIZE
) -> int:
    """Validate and insert many residents, all or nothing (a ValidationError names the first bad
    one); the actor keeps the register of every community named and, to set protected tags,
    serves vulnerable groups. Answers how many were written."""
    if not has_role(actor, EDITORS):
        raise PermissionDenied(_("您无权导入名册"))
    may_tag = has_role(actor, TAG_VIEWERS)
    allowed: dict[str, bool] = {}
    seen: set[str] = set()
    written = 0
    batch: list[dict[str, Any]] = []
    duplicate = ValidationError(_("有身份证号已在居民名册中"))

    def flush() -> None:
        nonlocal written
        if not batch:
            return
        if Resident.objects.filter(id_hash__in=[row["id_hash"] for row in batch]).exists():
            raise duplicate
        try:
            with transaction.atomic():
                insert_persons(Resident, batch)
        except IntegrityError:
            raise duplicate from None
        written += len(batch)
        batch.clear()

    with transaction.atomic():
        for i, spec in enumerate(residents, start=1):
            path = spec.community.path
            if path not in allowed:
                allowed[path] = has_role(actor, EDITORS, at_path=path)
            if not allowed[path]:
                raise PermissionDenied(_("您无权维护该区域的居民与党员"))
            try:
                number, born, gender = clean_id_number(spec.id_number)
                phone = clean_phone(spec.phone)
                tags = clean_tags(spec.tags)
                if spec.building is not None and not spec.building.path.startswith(path):
                    raise FieldError("楼栋", _("楼栋不在该社区内"))
            except FieldError as exc:
                raise ValidationError(
                    _("第%(i)d名居民【%(f)s】：%(m)s") % {"i": i, "f": exc.field, "m": exc.message}
                ) from None
            if tags and not may_tag:
                raise PermissionDenied(_("您无权设置关爱标签"))
            id_hash = pii_hash("id", number)
            if id_hash in seen:
                raise ValidationError(_("第%(i)d名居民的身份证号重复") % {"i": i})
            seen.add(id_hash)
            batch.append(
                {
                    "name": clean_name(spec.name),
                    "id_number": number,
                    "id_hash": id_hash,
                    "birth_date": born,
                    "gender": gender,
                    "phone": phone,
                    "phone_hash": pii_hash("phone", phone) if phone else "",
                    "address": spec.address[:200],
                    "community_id": spec.community.pk,
                    "building_id": spec.building.pk if spec.building is not None else None,
                    "scope_path": spec.building.path if spec.building is not None else path,
                    "unit_no": spec.unit_no[:20],
                    "room": spec.room[:20],
                    "household_key": spec.household_key[:64],
                    "tags": tags,
                }
            )
            if len(batch) >= batch_size:
                flush()
        flush()
        audit_record(actor=actor, action="import", target_type="people.resident", detail={"created": written})
    return written
