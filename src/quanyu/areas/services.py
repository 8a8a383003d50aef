"""Writes to the area tree. Every function checks the actor may edit the registry at that place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.geometry import POLYGON_KINDS, parse_polygon, representative_lonlat
from quanyu.areas.models import CHILD_KINDS, Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.memo import forget_models
from quanyu.core.permissions import can_edit_registry, require_role
from quanyu.core.roles import Role
from quanyu.core.trees import NewNode, bulk_add_nodes
from quanyu.core.workflow import lock


def _check_place(*, actor: Any, parent: Area | None, kind: str) -> None:
    if parent is None:
        require_role(actor, {Role.ADMIN})
        if kind not in (AreaKind.CITY, AreaKind.DISTRICT):
            raise ValidationError(_("顶层区域只能是市或区"), code="kind")
        return
    if not can_edit_registry(actor, at_path=parent.path):
        raise PermissionDenied(_("您无权在“%(name)s”下维护区域") % {"name": parent.name})
    if kind not in CHILD_KINDS[parent.kind]:
        raise ValidationError(
            _("“%(parent)s”（%(pkind)s）下不能直接设立%(kind)s")
            % {"parent": parent.name, "pkind": AreaKind(parent.kind).label, "kind": AreaKind(kind).label},
            code="kind",
        )


def _prepare(instance: Area) -> None:
    if instance.geometry is not None:
        shape = parse_polygon(instance.geometry)
        if instance.lon is None or instance.lat is None:
            instance.lon, instance.lat = representative_lonlat(shape)
    elif instance.kind in POLYGON_KINDS and instance.kind != AreaKind.DISTRICT:
        # Streets, communities and grids without a boundary are allowed (to be drawn later).
        pass


def area_create(*, actor: Any, parent: Area | None, kind: str, name: str, **fields: Any) -> Area:
    """Add one node under ``parent`` (a root when None)."""
    with transaction.atomic():
        if parent is not None:
            parent = lock(Area.objects).get(pk=parent.pk)
        _check_place(actor=actor, parent=parent, kind=kind)
        instance = Area(kind=kind, name=name, **fields)
        _prepare(instance)
        instance.full_clean(exclude=["path", "depth", "numchild"])
        create_kwargs = {
            f.attname: getattr(instance, f.attname)
            for f in Area._meta.concrete_fields
            if f.attname not in {"id", "path", "depth", "numchild", "updated_at"}
        }
        if parent is None:
            area = Area.objects.add_root(create_kwargs=create_kwargs)
        else:
            area = Area.objects.add_child(parent, create_kwargs=create_kwargs)
        audit_record(actor=actor, action="change", target=area, detail={"op": "create"})
        return area


def area_bulk_create(
    *, actor: Any, nodes: Sequence[NewNode], audit_detail: dict[str, Any] | None = None
) -> list[Area]:
    """Insert a batch of nodes (already validated by the caller, e.g. an importer) in one
    transaction. Parents outside the batch are locked and checked for the actor's rights."""
    with transaction.atomic():
        parent_ids = sorted({spec.parent.pk for spec in nodes if spec.parent is not None})
        locked = {a.pk: a for a in lock(Area.objects).filter(pk__in=parent_ids).order_by("pk")}
        for i, spec in enumerate(nodes):
            instance = spec.instance
            assert isinstance(instance, Area)
            if spec.parent is not None:
                spec.parent = locked[spec.parent.pk]
                _check_place(actor=actor, parent=spec.parent, kind=instance.kind)
            elif spec.parent_index is not None:
                parent = nodes[spec.parent_index].instance
                assert isinstance(parent, Area)
                if instance.kind not in CHILD_KINDS[parent.kind]:
                    raise ValidationError(_("第%(i)d个区域的上级层级不正确") % {"i": i + 1}, code="kind")
            else:
                _check_place(actor=actor, parent=None, kind=instance.kind)
            _prepare(instance)
        saved = bulk_add_nodes(Area, nodes)
        # A bulk insert sends no signal: the memos built on areas (the grid index, who is told of
        # new work at a place) forget now in this process; others recheck within their window.
        forget_models(Area)
        audit_record(
            actor=actor,
            action="import",
            target_type="areas.area",
            detail={"created": len(saved), **(audit_detail or {})},
        )
        return saved


def area_update(*, actor: Any, area: Area, **changes: Any) -> Area:
    """Change fields of one node (name, code, geometry, lon/lat, population, households)."""
    allowed = {"name", "code", "geometry", "lon", "lat", "population", "households"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("不能修改字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = lock(Area.objects).get(pk=area.pk)
        if not can_edit_registry(actor, at_path=locked.path):
            raise PermissionDenied(_("您无权修改该区域"))
        for key, value in changes.items():
            setattr(locked, key, value)
        if "geometry" in changes and locked.geometry is not None:
            locked.lon, locked.lat = representative_lonlat(parse_polygon(locked.geometry))
        locked.full_clean(exclude=["path", "depth", "numchild"])
        locked.save()
        audit_record(actor=actor, action="change", target=locked, fields=",".join(sorted(changes)))
        return locked
