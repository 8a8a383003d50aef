"""Writes to the catalogue and the holiday table. Categories are edited in the Django admin (and
imported from xlsx); the holiday table is seeded from chinese_calendar and extended each year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from quanyu.catalog.calendar import years as holiday_years
from quanyu.catalog.holidays import package_rows
from quanyu.catalog.models import Category, Holiday, Tier
from quanyu.catalog.suggest import matchers as category_matchers
from quanyu.core.audit import audit_record
from quanyu.core.permissions import require_role
from quanyu.core.roles import Role
from quanyu.core.workflow import lock
from quanyu.orgs.models import Unit, UnitKind


def holidays_seed_from_package(*, years: set[int] | None = None) -> int:
    """Insert the chinese_calendar schedule into ``Holiday`` (rows already there are kept as the
    administrator left them). Returns the number of rows added. Used by the data migration and the
    ``holidays_seed`` command."""
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [Holiday(date=d, kind=k, name=n) for d, k, n in package_rows(years) if d not in existing]
    with transaction.atomic():
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
    # A bulk insert sends no signal: this process's holiday years forget now (others recheck).
    holiday_years.forget()
    return len(new)


def holiday_set(*, actor: Any, date: dt.date, kind: str, name: str = "") -> Holiday:
    """Enter or change one day of a year's schedule (administrators and the organisation
    department)."""
    require_role(actor, {Role.ADMIN, Role.ORG_DEPARTMENT})
    if kind not in Holiday.Kind.values:
        raise ValidationError({"kind": _("类型必须是法定节假日或调休工作日")})
    with transaction.atomic():
        holiday, _created = Holiday.objects.update_or_create(date=date, defaults={"kind": kind, "name": name})
    return holiday


def holiday_delete(*, actor: Any, date: dt.date) -> int:
    """Remove one day from the schedule; answers how many rows went (0 or 1)."""
    require_role(actor, {Role.ADMIN, Role.ORG_DEPARTMENT})
    with transaction.atomic():
        deleted, _rows = Holiday.objects.filter(date=date).delete()
    return deleted


# --- Catalogue import (quanyu import catalog, the upload page) ---------------------------------


@dataclass(frozen=True)
class CategoryGroupSpec:
    """A top-level category (大类) as an import names it."""

    code: str
    name: str


@dataclass(frozen=True)
class CategoryItemSpec:
    """An item (小类) as an import gives it; ``department_ids`` in order, the first is the lead."""

    code: str
    group_code: str
    name: str
    department_ids: tuple[int, ...] = ()
    first_tier: str = Tier.GRID
    response_hours: int = 24
    completion_days: int = 5
    working_days: bool = True
    is_one_window: bool = False
    materials: tuple[str, ...] = ()
    open311_published: bool = False
    service_code: str = ""
    keywords: str = ""
    description: str = ""
    active: bool = True


@dataclass(frozen=True)
class CategoryImportResult:
    groups_created: int
    groups_updated: int
    items_created: int
    items_updated: int


CATALOG_EDITORS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})
_ITEM_FIELDS = (
    "parent",
    "name",
    "first_tier",
    "response_hours",
    "completion_days",
    "working_days",
    "is_one_window",
    "materials",
    "open311_published",
    "service_code",
    "keywords",
    "description",
    "active",
    "lead_department",
)


def category_import(
    *,
    actor: Any,
    groups: Sequence[CategoryGroupSpec],
    items: Sequence[CategoryItemSpec],
    source_name: str = "",
) -> CategoryImportResult:
    """Create or update categories and items by code, all in one transaction (administrators and
    the organisation department). Rows already there are locked and keep their place in the
    catalogue; new ones are appended in the order given. ValidationError (nothing written) when a
    code names the wrong level, a department is not a department unit or a group is missing."""
    require_role(actor, CATALOG_EDITORS)
    group_codes = {g.code for g in groups}
    missing = sorted({i.group_code for i in items} - group_codes)
    if missing:
        raise ValidationError({"group_code": _("缺少大类：%(codes)s") % {"codes": "、".join(missing)}})
    clash = sorted(group_codes & {i.code for i in items})
    if clash:
        raise ValidationError({"code": _("大类与事项的编码重复：%(codes)s") % {"codes": "、".join(clash)}})
    department_ids = {d for i in items for d in i.department_ids}
    with transaction.atomic():
        found = set(
            Unit.objects.filter(pk__in=department_ids, kind=UnitKind.DEPARTMENT).values_list("pk", flat=True)
        )
        if department_ids - found:
            raise ValidationError({"departments": _("责任部门必须是职能部门")})
        codes = group_codes | {i.code for i in items}
        existing = {c.code: c for c in lock(Category.objects).filter(code__in=codes).order_by("pk")}
        wrong = [g.code for g in groups if g.code in existing and existing[g.code].parent_id is not None]
        wrong += [i.code for i in items if i.code in existing and existing[i.code].parent_id is None]
        if wrong:
            message = _("编码与已有类别的层级不符：%(codes)s") % {"codes": "、".join(wrong)}
            raise ValidationError({"code": message})

        tops: dict[str, Category] = {}
        next_top = (Category.objects.filter(parent=None).aggregate(m=Max("sort_order"))["m"] or 0) + 1
        groups_created = groups_updated = 0
        for group in groups:
            top = existing.get(group.code)
            if top is None:
                top = Category.objects.create(code=group.code, name=group.name, sort_order=next_top)
                next_top += 1
                groups_created += 1
            elif top.name != group.name:
                top.name = group.name
                top.save(update_fields=["name"])
                groups_updated += 1
            tops[group.code] = top

        # Free the Open311 codes of the items being rewritten first, so that codes may move
        # between items of the same import without tripping the unique constraint.
        Category.objects.filter(code__in=[i.code for i in items if i.code in existing]).exclude(
            service_code=""
        ).update(service_code="", open311_published=False)
        next_item: dict[int, int] = {
            row["parent_id"]: row["m"] + 1
            for row in Category.objects.filter(parent_id__in=[t.pk for t in tops.values()])
            .values("parent_id")
            .annotate(m=Max("sort_order"))
            .order_by()
        }
        items_created = items_updated = 0
        written: list[tuple[Category, tuple[int, ...]]] = []
        for spec in items:
            parent = tops[spec.group_code]
            values = {
                "parent": parent,
                "name": spec.name,
                "first_tier": spec.first_tier,
                "response_hours": spec.response_hours,
                "completion_days": spec.completion_days,
                "working_days": spec.working_days,
                "is_one_window": spec.is_one_window,
                "materials": list(spec.materials),
                "open311_published": spec.open311_published,
                "service_code": spec.service_code,
                "keywords": spec.keywords,
                "description": spec.description,
                "active": spec.active,
                "lead_department_id": spec.department_ids[0] if spec.department_ids else None,
            }
            item = existing.get(spec.code)
            if item is None:
                order = next_item.get(parent.pk, 0)
                next_item[parent.pk] = order + 1
                item = Category.objects.create(code=spec.code, sort_order=order, **values)
                items_created += 1
            else:
                for name, value in values.items():
                    setattr(item, name, value)
                item.save(update_fields=list(_ITEM_FIELDS))
                items_updated += 1
            written.append((item, spec.department_ids))

        through = Category.departments.through
        through.objects.filter(category_id__in=[item.pk for item, _ids in written]).delete()
        through.objects.bulk_create(
            [through(category_id=item.pk, unit_id=unit_id) for item, ids in written for unit_id in ids]
        )
        result = CategoryImportResult(groups_created, groups_updated, items_created, items_updated)
        # The Open311 codes were freed by a queryset update and the departments bulk-inserted, with
        # no signal: this process's matcher forgets the catalogue now (others recheck).
        category_matchers.forget()
        audit_record(
            actor=actor,
            action="import",
            target_type="catalog.category",
            detail={"source": source_name, **asdict(result)},
        )
    return result
