"""The 兼职委员 sheet: part-time committee members of street and community organisations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.imports import PATH_SEPARATOR, TreePathIndex, cell_text, nodes_by_code, parse_name_path
from quanyu.core.scoping import scope
from quanyu.orgs.imports.checks import Checker, Records, clipped
from quanyu.orgs.imports.party_orgs import OrgRow, file_org_chains
from quanyu.orgs.imports.reading import COMMITTEE_AREA_KINDS, PART_TIME
from quanyu.orgs.imports.units import UnitFinder
from quanyu.orgs.imports.validators import parse_date
from quanyu.orgs.models import PartTimeMember, PartyOrg


def validate_members(
    records: Records,
    checker: Checker,
    unit_finder: Callable[[], UnitFinder],
    org_rows: list[OrgRow],
) -> list[tuple[PartTimeMember, tuple[str, Any] | None, tuple[str, Any] | None]]:
    sink = checker.sink(PART_TIME)
    units = unit_finder()
    visible = scope(PartyOrg.objects.select_related("area"), actor=checker.actor)
    file_by_code = {r.code: i for i, r in enumerate(org_rows) if r.code}
    codes = {cell_text(r.get("committee_code")) for _n, r in records} - {""}
    db_by_code = nodes_by_code(visible, codes)
    paths = [
        parse_name_path(r.get("committee_path"))
        for _n, r in records
        if not cell_text(r.get("committee_code"))
    ]
    index = TreePathIndex(PartyOrg, visible, [p for p in paths if p])
    org_names: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(org_rows):
        org_names[r.name].append(i)
    chains = file_org_chains(org_rows) if any(paths) else []
    result = []
    for number, record in records:

        def err(key: str, message: str, number: int = number) -> None:
            sink(number, key, message)

        name = clipped(cell_text(record.get("name")), "name", 50, err)
        if not name:
            err("name", _("姓名不能为空"))
        unit_ref = None
        if cell_text(record.get("unit")):
            unit_ref = units.find(cell_text(record.get("unit")), "unit", err)
        else:
            err("unit", _("所在单位不能为空"))
        code = cell_text(record.get("committee_code"))
        path = parse_name_path(record.get("committee_path"))
        committee: tuple[str, Any] | None = None
        if code:
            if code in file_by_code:
                committee = ("row", file_by_code[code])
            elif len(db_by_code.get(code, [])) == 1:
                committee = ("db", db_by_code[code][0])
            else:
                err("committee_code", _("党组织代码“%(v)s”找不到、不唯一或不在您的管辖范围内") % {"v": code})
        elif path:
            in_db = index.find(path)
            in_file = [i for i in org_names.get(path[-1], []) if chains[i][-len(path) :] == path]
            if len(in_db) + len(in_file) == 1:
                committee = ("db", in_db[0]) if in_db else ("row", in_file[0])
            else:
                err(
                    "committee_path",
                    _("党组织“%(v)s”找不到、不唯一或不在您的管辖范围内") % {"v": PATH_SEPARATOR.join(path)},
                )
        else:
            err("committee_code", _("请填写兼职党组织代码或名称"))
        if committee is not None:
            area = committee[1].area if committee[0] == "db" else org_rows[committee[1]].area
            if area is not None and area.kind not in COMMITTEE_AREA_KINDS:
                err(
                    "committee_code" if code else "committee_path",
                    _("兼职委员只能任职于街道或社区党组织（该组织属于%(kind)s）") % {"kind": area.kind_label},
                )
            elif area is not None and not checker.may_edit(area):
                err("committee_code" if code else "committee_path", _("您无权维护该党组织的兼职委员"))
        dates = []
        for key in ("term_start", "term_end"):
            try:
                dates.append(parse_date(record.get(key)))
            except ValidationError as exc:
                err(key, exc.messages[0])
                dates.append(None)
        if dates[0] and dates[1] and dates[1] < dates[0]:
            err("term_end", _("任期结束不能早于任期开始"))
        member = PartTimeMember(
            name=name,
            unit_post=clipped(cell_text(record.get("unit_post")), "unit_post", 100, err),
            post=clipped(cell_text(record.get("post")), "post", 50, err) or "兼职委员",
            term_start=dates[0],
            term_end=dates[1],
        )
        result.append((member, unit_ref, committee))
    return result
