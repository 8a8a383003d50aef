"""What every sheet's validation uses: the error sink and rights cache, areas by code or name
path, and the cell checks that report instead of raising."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.imports import (
    PATH_SEPARATOR,
    TreePathIndex,
    areas_by_code,
    cell_text,
    parse_count,
    parse_name_path,
)
from quanyu.areas.models import Area
from quanyu.core.permissions import can_edit_registry
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import RowError
from quanyu.orgs.imports.reading import COLUMNS, SHEETS

Records = list[tuple[int, dict[str, Any]]]


class AreaFinder:
    """Areas by code or name path, within the actor's scope, fetched in two queries per sheet."""

    def __init__(self, actor: Any, records: Records) -> None:
        self.visible = scope(Area.objects.defer("geometry"), actor=actor)
        codes = {cell_text(r.get("area_code")) for _n, r in records} - {""}
        self.by_code = areas_by_code(codes, queryset=self.visible)
        paths = [
            parse_name_path(r.get("area_path")) for _n, r in records if not cell_text(r.get("area_code"))
        ]
        self.index = TreePathIndex(Area, self.visible, [p for p in paths if p])

    def find(self, record: dict[str, Any], err: Callable[[str, str], None]) -> Area | None:
        code = cell_text(record.get("area_code"))
        path = parse_name_path(record.get("area_path"))
        if code:
            found = self.by_code.get(code, [])
            key, shown = "area_code", code
        elif path:
            found = self.index.find(path)
            key, shown = "area_path", PATH_SEPARATOR.join(path)
        else:
            err("area_code", _("请填写区域代码或区域名称"))
            return None
        if not found:
            err(key, _("区域“%(v)s”不存在或不在您的管辖范围内") % {"v": shown})
            return None
        if len(found) > 1:
            err(key, _("区域“%(v)s”不唯一，请改用区域代码或更完整的名称路径") % {"v": shown})
            return None
        return found[0]


class Checker:
    """Collects errors and caches the actor's rights per area."""

    def __init__(self, actor: Any, single: bool) -> None:
        self.actor = actor
        self.single = single
        self.errors: list[RowError] = []
        self._rights: dict[str, bool] = {}

    def sink(self, kind: str) -> Callable[[int, str, str], None]:
        headers = {c.key: c.header for c in COLUMNS[kind]}
        sheet = "" if self.single else SHEETS[kind]

        def err(number: int, key: str, message: str) -> None:
            self.errors.append(RowError(number, headers.get(key, key), message, sheet=sheet))

        return err

    def may_edit(self, area: Area) -> bool:
        if area.path not in self._rights:
            self._rights[area.path] = can_edit_registry(self.actor, at_path=area.path)
        return self._rights[area.path]


def cell_count(record: dict[str, Any], key: str, err: Callable[[str, str], None]) -> int:
    try:
        return parse_count(record.get(key))
    except ValidationError as exc:
        err(key, exc.messages[0])
        return 0


def clipped(value: str, key: str, limit: int, err: Callable[[str, str], None]) -> str:
    if len(value) > limit:
        err(key, _("不能超过%(n)d个字") % {"n": limit})
    return value[:limit]
