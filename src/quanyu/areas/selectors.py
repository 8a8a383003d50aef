"""Reads of the area tree, always through the actor's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from quanyu.areas.models import Area
from quanyu.core.scoping import actor_scope_paths, collapse_paths, get_scoped_or_404, scope


def area_list_for(*, actor: Any, with_geometry: bool = False) -> QuerySet[Area]:
    queryset = Area.objects.all()
    if not with_geometry:
        queryset = queryset.defer("geometry")
    return scope(queryset, actor=actor)


def area_get_for(*, actor: Any, area_id: int) -> Area:
    return get_scoped_or_404(Area.objects.all(), actor=actor, pk=area_id)


def area_roots_for(*, actor: Any) -> list[Area]:
    """The top nodes the actor sees: the nodes of its grants (or the tree roots for superusers)."""
    if getattr(actor, "is_superuser", False):
        return list(Area.objects.filter(depth=1).order_by("path"))
    return list(Area.objects.filter(path__in=collapse_paths(actor_scope_paths(actor))).order_by("path"))
