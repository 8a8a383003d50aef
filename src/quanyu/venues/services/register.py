"""The venue register: create, edit, move through planned → building → in use → closed, rooms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import Unit
from quanyu.venues import events
from quanyu.venues.access import require_editor
from quanyu.venues.models import Room, RoomFunction, Venue, VenueKind
from quanyu.venues.states import VENUE_ALLOWED, VenueStatus

OWNER_KINDS = frozenset({AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID})
EDITABLE = (
    "name",
    "address",
    "lon",
    "lat",
    "floor_area",
    "ground_floor_area",
    "opening_hours",
    "accessible",
    "accessibility_note",
    "photos",
    "unit",
    "building",
)


def _area_m2(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("请填写面积（平方米）")]}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("10000000"):
        raise ValidationError({field: [_("面积应为0到9999999之间的数")]})
    return number.quantize(Decimal("0.1"))


def clean_fields(values: dict[str, Any], *, area: Area) -> dict[str, Any]:
    """Plain checks of the register's fields, each error naming its field (400)."""
    out = dict(values)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise ValidationError({"name": [_("名称不能为空")]})
        if len(out["name"]) > 150:
            raise ValidationError({"name": [_("名称不能超过150字")]})
    for field in ("floor_area", "ground_floor_area"):
        if field in out:
            out[field] = _area_m2(out[field], field)
    if "ground_floor_area" in out and out["ground_floor_area"] > out.get("floor_area", Decimal("Infinity")):
        raise ValidationError({"ground_floor_area": [_("一层面积不能大于建筑面积")]})
    for field, low, high in (("lon", -180, 180), ("lat", -90, 90)):
        value = out.get(field)
        if value is None:
            continue
        try:
            out[field] = float(value)
        except (TypeError, ValueError):
            raise ValidationError({field: [_("坐标格式不正确")]}) from None
        if not low <= out[field] <= high:
            raise ValidationError({field: [_("坐标超出范围")]})
    if ("lon" in out or "lat" in out) and (out.get("lon") is None) != (out.get("lat") is None):
        raise ValidationError({"lat": [_("经度和纬度须同时填写")]})
    unit = out.get("unit")
    if unit is not None and not isinstance(unit, Unit):
        raise ValidationError({"unit": [_("单位不存在")]})
    building = out.get("building")
    if building is not None and (
        building.kind != AreaKind.BUILDING or not building.path.startswith(area.path)
    ):
        raise ValidationError({"building": [_("楼栋须在所属区域内")]})
    if "photos" in out and not (
        isinstance(out["photos"], list) and all(isinstance(p, str) and len(p) <= 500 for p in out["photos"])
    ):
        raise ValidationError({"photos": [_("照片应为链接列表")]})
    return out


def venue_create(
    *, actor: Any, kind: str, area: Area, status: str = VenueStatus.PLANNED, **fields: Any
) -> Venue:
    """Register a venue (status planned, or any status when an existing venue is recorded)."""
    if kind not in VenueKind.values:
        raise ValidationError({"kind": [_("阵地类型不正确")]})
    if area.kind not in OWNER_KINDS:
        raise ValidationError({"area": [_("所属区域应为区、街道、社区或网格")]})
    if status not in VenueStatus.values:
        raise ValidationError({"status": [_("状态不正确")]})
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("不能设置该字段")]})
    fields.setdefault("name", "")
    values = clean_fields(fields, area=area)
    if kind == VenueKind.UNIT_VENUE and values.get("unit") is None:
        raise ValidationError({"unit": [_("驻区单位共享场所须填写所属单位")]})
    require_editor(actor, area.path)
    with transaction.atomic():
        venue = Venue.objects.create(kind=kind, area=area, status=status, **values)
        events.venue_created_event(venue=venue, actor=actor)
        return venue


def venue_update(*, actor: Any, venue: Venue, **fields: Any) -> Venue:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("不能修改该字段")]})
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        merged = {"floor_area": locked.floor_area, "ground_floor_area": locked.ground_floor_area}
        merged.update(fields)
        values = clean_fields(merged, area=locked.area)
        changed = [f for f in fields if getattr(locked, f) != values[f]]
        for field in changed:
            setattr(locked, field, values[field])
        if changed:
            locked.save(update_fields=changed)
            events.venue_changed_event(venue=locked, actor=actor, fields=sorted(changed))
        return locked


def venue_set_status(*, actor: Any, venue: Venue, status: str, note: str = "") -> Venue:
    if status not in VenueStatus.values:
        raise ValidationError({"status": [_("状态不正确")]})
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        check_transition(
            VENUE_ALLOWED, locked.status, status, labels=VenueStatus, seen=venue.status, what=_("阵地")
        )
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        events.venue_status_event(
            venue=locked, actor=actor, from_status=previous, to_status=status, note=note
        )
        return locked


def room_add(
    *,
    actor: Any,
    venue: Venue,
    name: str,
    function: str,
    capacity: int = 0,
    bookable: bool = True,
    auto_approve: bool = False,
) -> Room:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("功能室名称应为1到100字")]})
    if function not in RoomFunction.values:
        raise ValidationError({"function": [_("功能不正确")]})
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= 10000:
        raise ValidationError({"capacity": [_("容纳人数应为0到10000")]})
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        room = Room.objects.create(
            venue=locked,
            name=name,
            function=function,
            capacity=capacity,
            bookable=bookable,
            auto_approve=auto_approve,
        )
        events.venue_room_added_event(venue=locked, actor=actor, room=name, function=function)
        return room


def room_update(
    *,
    actor: Any,
    room: Room,
    capacity: int | None = None,
    bookable: bool | None = None,
    auto_approve: bool | None = None,
) -> Room:
    if capacity is not None and (isinstance(capacity, bool) or not 0 <= capacity <= 10000):
        raise ValidationError({"capacity": [_("容纳人数应为0到10000")]})
    with transaction.atomic():
        locked = lock(Room.objects).select_related("venue__area").get(pk=room.pk)
        require_editor(actor, locked.venue.area.path)
        changed = []
        for field, value in (("capacity", capacity), ("bookable", bookable), ("auto_approve", auto_approve)):
            if value is not None and getattr(locked, field) != value:
                setattr(locked, field, value)
                changed.append(field)
        if changed:
            locked.save(update_fields=changed)
            events.venue_changed_event(venue=locked.venue, actor=actor, fields=[f"room.{f}" for f in changed])
        return locked
