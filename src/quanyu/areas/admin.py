"""Back-office editing of the area tree, scoped to the user's subtree (quanyu.core.admin_scoping)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _
from treebeard.forms import movenodeform_factory

from quanyu.areas.models import CHILD_KINDS, KIND_ORDER, Area, AreaKind
from quanyu.core.admin_scoping import ScopedMoveNodeForm, ScopedTreeAdmin


def misplaced_kind(kind: str, parent: Area | None) -> str | None:
    """Why a node of ``kind`` may not hang under ``parent`` (None: a root), or None if it may."""
    allowed = CHILD_KINDS[parent.kind] if parent is not None else frozenset({AreaKind.CITY})
    if kind in allowed:
        return None
    return _("%(where)s下不能放“%(kind)s”；可放：%(allowed)s") % {
        "where": parent.name if parent is not None else _("根节点"),
        "kind": AreaKind(kind).label,
        "allowed": "、".join(str(AreaKind(k).label) for k in KIND_ORDER if k in allowed) or _("无"),
    }


class AreaForm(ScopedMoveNodeForm):
    def validate_parent(self, parent: Any, cleaned: dict[str, Any]) -> None:
        kind = cleaned.get("kind")
        reason = misplaced_kind(kind, parent) if kind else None
        if reason:
            self.add_error("kind", reason)


@admin.register(Area)
class AreaAdmin(ScopedTreeAdmin):
    form = movenodeform_factory(Area, form=AreaForm)
    list_display = ("name", "kind", "code", "population", "households")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    ordering = ("path",)

    def validate_move(self, node: Any, new_parent: Any) -> str | None:
        return misplaced_kind(node.kind, new_parent)
