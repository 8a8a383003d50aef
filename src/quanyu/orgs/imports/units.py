"""The 单位 sheet: units checked against the file and the database, and finding a unit named by
another sheet (credit code or name, the file first)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.geometry import validate_point
from quanyu.areas.imports import cell_text
from quanyu.core.scoping import scope
from quanyu.orgs.imports.checks import AreaFinder, Checker, Records, cell_count, clipped
from quanyu.orgs.imports.reading import UNIT_KIND_BY_TEXT, UNITS
from quanyu.orgs.imports.validators import validate_credit_code, validate_phone
from quanyu.orgs.models import Unit


def validate_units(
    records: Records, checker: Checker
) -> tuple[list[Unit], dict[str, int], dict[str, list[int]]]:
    """Units and their indexes by credit code and by name (for the other sheets)."""
    sink = checker.sink(UNITS)
    finder = AreaFinder(checker.actor, records)
    units: list[Unit] = []
    by_credit: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    seen_names: dict[tuple[str, str], int] = {}
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        kind_text = cell_text(record.get("kind"))
        kind = UNIT_KIND_BY_TEXT.get(kind_text, "")
        if not kind:
            err(
                "kind",
                _("未知的单位类型“%(v)s”（应为 %(all)s 之一）")
                % {"v": kind_text, "all": "、".join(UNIT_KIND_BY_TEXT)},
            )
        name = clipped(cell_text(record.get("name")), "name", 150, err)
        if not name:
            err("name", _("名称不能为空"))
        elif kind and (kind, name) in seen_names:
            err("name", _("与第%(n)d行的单位同类型同名") % {"n": seen_names[(kind, name)]})
        elif kind:
            seen_names[(kind, name)] = number
        credit = ""
        if cell_text(record.get("credit_code")):
            try:
                credit = validate_credit_code(record.get("credit_code"))
            except ValidationError as exc:
                err("credit_code", exc.messages[0])
            else:
                if credit in by_credit:
                    err("credit_code", _("与第%(n)d行重复") % {"n": records[by_credit[credit]][0]})
        area = finder.find(record, err)
        if area is not None and not checker.may_edit(area):
            err("area_code", _("您无权在“%(name)s”维护单位") % {"name": area.name})
        phone = ""
        if cell_text(record.get("contact_phone")):
            try:
                phone = validate_phone(record.get("contact_phone"))
            except ValidationError as exc:
                err("contact_phone", exc.messages[0])
        lon = lat = None
        if cell_text(record.get("lon")) or cell_text(record.get("lat")):
            try:
                lon, lat = validate_point(record.get("lon"), record.get("lat"))
            except ValidationError as exc:
                err("lon", exc.messages[0])
        unit = Unit(
            kind=kind,
            name=name,
            credit_code=credit,
            area=area,
            address=clipped(cell_text(record.get("address")), "address", 200, err),
            contact_name=clipped(cell_text(record.get("contact_name")), "contact_name", 50, err),
            contact_phone=phone,
            staff_count=cell_count(record, "staff_count", err),
            member_count=cell_count(record, "member_count", err),
            lon=lon,
            lat=lat,
        )
        if credit and credit not in by_credit:
            by_credit[credit] = len(units)
        by_name[name].append(len(units))
        units.append(unit)
    # Against the database: a unit of the same kind and name, or the same credit code.
    names = {(u.kind, u.name) for u in units if u.kind and u.name}
    credits = set(by_credit)
    existing_names = set()
    for kind in {k for k, _n in names}:
        wanted = sorted(n for k, n in names if k == kind)
        existing_names |= {
            (kind, n) for n in Unit.objects.filter(kind=kind, name__in=wanted).values_list("name", flat=True)
        }
    existing_credits = set(
        Unit.objects.filter(credit_code__in=sorted(credits)).values_list("credit_code", flat=True)
    )
    for (number, _record), unit in zip(records, units, strict=True):
        if (unit.kind, unit.name) in existing_names:
            sink(number, "name", _("系统中已有同类型同名的单位“%(name)s”") % {"name": unit.name})
        if unit.credit_code in existing_credits:
            sink(number, "credit_code", _("统一社会信用代码“%(c)s”在系统中已存在") % {"c": unit.credit_code})
    return units, by_credit, by_name


class UnitFinder:
    """A unit by credit code or name: in the file's units sheet first, then the actor's scope."""

    def __init__(
        self,
        actor: Any,
        refs: set[str],
        units: list[Unit],
        by_credit: dict[str, int],
        by_name: dict[str, list[int]],
    ) -> None:
        self.units, self.by_credit, self.by_name = units, by_credit, by_name
        visible = scope(Unit.objects.select_related("area"), actor=actor)
        self.db: dict[str, list[Unit]] = defaultdict(list)
        refs = refs | {r.upper() for r in refs}
        for unit in visible.filter(credit_code__in=sorted(refs)):
            self.db[unit.credit_code].append(unit)
        for unit in visible.filter(name__in=sorted(refs)):
            if unit not in self.db[unit.name]:
                self.db[unit.name].append(unit)

    def find(self, ref: str, key: str, err: Callable[[str, str], None]) -> tuple[str, Any] | None:
        upper = ref.upper()
        if upper in self.by_credit:
            return ("row", self.by_credit[upper])
        in_file = self.by_name.get(ref, [])
        in_db = self.db.get(upper, []) or self.db.get(ref, [])
        if len(in_file) + len(in_db) == 0:
            err(key, _("单位“%(v)s”在本文件和系统中都找不到，或不在您的管辖范围内") % {"v": ref})
            return None
        if len(in_file) + len(in_db) > 1:
            err(key, _("单位名称“%(v)s”不唯一，请改填统一社会信用代码") % {"v": ref})
            return None
        return ("row", in_file[0]) if in_file else ("db", in_db[0])


def resolve_unit(ref: tuple[str, Any] | None, units: list[Unit]) -> Unit | None:
    if ref is None:
        return None
    return units[ref[1]] if ref[0] == "row" else ref[1]
