"""Bulk writers for the register and for past bookings (the demo build, imports from an older
system): the same checks as the one-at-a-time services, one INSERT per table.

- ``venues_bulk_create``: venues with their rooms; each checked as ``venue_create`` checks it
  (fields, owner area, the editor's role at it); nothing is written unless every row passes.
- ``bookings_bulk_record``: bookings that already happened or were decided (used, no-show,
  cancelled, declined …) with their history events; no two holding ones of a room may overlap,
  in the batch or against the database (``ConflictError`` naming the row), and the actor must be
  an editor at every venue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.core.bulk import fast_insert
from quanyu.core.workflow import ConflictError
from quanyu.core.workflow.events import actor_fields
from quanyu.orgs.models import PartyOrg
from quanyu.venues.access import require_editor
from quanyu.venues.models import Booking, BookingEvent, Room, RoomFunction, Venue, VenueEvent, VenueKind
from quanyu.venues.services.register import OWNER_KINDS, clean_fields
from quanyu.venues.states import BOOKING_ALLOWED, HOLDING, BookingStatus, VenueStatus


@dataclass
class RoomSpec:
    name: str
    function: str
    capacity: int = 0
    bookable: bool = True
    auto_approve: bool = False


@dataclass
class VenueSpec:
    kind: str
    area: Area
    name: str
    status: str = VenueStatus.IN_USE
    floor_area: Decimal = Decimal(0)
    ground_floor_area: Decimal = Decimal(0)
    fields: dict[str, Any] = field(default_factory=dict)
    rooms: list[RoomSpec] = field(default_factory=list)


def venues_bulk_create(*, actor: Any, specs: list[VenueSpec]) -> list[Venue]:
    venues: list[Venue] = []
    for n, spec in enumerate(specs, start=1):
        where = _("第%(n)d行：") % {"n": n}
        if spec.kind not in VenueKind.values or spec.area.kind not in OWNER_KINDS:
            raise ValidationError({"kind": [where + _("阵地类型或所属区域不正确")]})
        if spec.status not in VenueStatus.values:
            raise ValidationError({"status": [where + _("状态不正确")]})
        try:
            values = clean_fields(
                {
                    "name": spec.name,
                    "floor_area": spec.floor_area,
                    "ground_floor_area": spec.ground_floor_area,
                    **spec.fields,
                },
                area=spec.area,
            )
        except ValidationError as exc:
            raise ValidationError({k: [where + m for m in v] for k, v in exc.message_dict.items()}) from None
        if any(r.function not in RoomFunction.values for r in spec.rooms):
            raise ValidationError({"rooms": [where + _("功能不正确")]})
        require_editor(actor, spec.area.path)
        venues.append(Venue(kind=spec.kind, area=spec.area, status=spec.status, **values))
    with transaction.atomic():
        made = Venue.objects.bulk_create(venues)
        Room.objects.bulk_create(
            [
                Room(
                    venue=v,
                    name=r.name[:100],
                    function=r.function,
                    capacity=r.capacity,
                    bookable=r.bookable,
                    auto_approve=r.auto_approve,
                )
                for v, spec in zip(made, specs, strict=True)
                for r in spec.rooms
            ]
        )
        who = actor_fields(actor)
        VenueEvent.objects.bulk_create(
            [
                VenueEvent(venue=v, kind="created", payload={"status": v.status, "bulk": True}, **who)
                for v in made
            ]
        )
    return made


@dataclass
class PastBooking:
    room: Room
    booker: Any
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str
    status: str
    booker_kind: str = Booking.BookerKind.RESIDENT
    org: PartyOrg | None = None
    team: str = ""
    expected: int = 0
    attendance: int | None = None


def _path(status: str) -> list[str]:
    """The statuses a booking passed through to reach ``status`` (its events' kinds)."""
    if status == BookingStatus.REQUESTED:
        return [BookingStatus.REQUESTED]
    if status in BOOKING_ALLOWED[BookingStatus.REQUESTED]:
        return [BookingStatus.REQUESTED, status]
    return [BookingStatus.REQUESTED, BookingStatus.APPROVED, status]


def bookings_bulk_record(*, actor: Any, rows: list[PastBooking]) -> list[Booking]:
    by_room: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = {}
    # The venues' area paths in one query; the editor's role checked once per venue.
    venue_paths = dict(
        Venue.objects.filter(pk__in={r.room.venue_id for r in rows}).values_list("pk", "area__path")
    )
    for path in set(venue_paths.values()):
        require_editor(actor, path)
    statuses = set(BookingStatus.values)
    for n, row in enumerate(rows, start=1):
        if row.status not in statuses:
            raise ValidationError({"status": [_("第%(n)d行：状态不正确") % {"n": n}]})
        if row.ends_at <= row.starts_at:
            raise ValidationError({"ends_at": [_("第%(n)d行：结束时间须晚于开始时间") % {"n": n}]})
        if row.status in HOLDING:
            by_room.setdefault(row.room.pk, []).append((row.starts_at, row.ends_at, n))
    for slots in by_room.values():
        slots.sort()
        for (_s1, e1, n1), (s2, _e2, n2) in pairwise(slots):
            if s2 < e1:
                raise ConflictError(_("第%(a)d行与第%(b)d行的时段重叠") % {"a": n1, "b": n2})
    with transaction.atomic():
        if by_room:
            # The holding bookings of the batch's rooms over its span, in one query.
            lo = min(s for slots in by_room.values() for s, _e, _n in slots)
            hi = max(e for slots in by_room.values() for _s, e, _n in slots)
            held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
            for room_id, ts, te in Booking.objects.filter(
                room_id__in=list(by_room), status__in=HOLDING, starts_at__lt=hi, ends_at__gt=lo
            ).values_list("room_id", "starts_at", "ends_at"):
                held.setdefault(room_id, []).append((ts, te))
            for room_id, slots in by_room.items():
                taken = held.get(room_id, [])
                for s, e, n in slots:
                    if any(ts < e and te > s for ts, te in taken):
                        raise ConflictError(_("第%(n)d行：该功能室此时段已被预约") % {"n": n})
        made = Booking.objects.bulk_create(
            [
                Booking(
                    room=r.room,
                    venue_id=r.room.venue_id,
                    booker=r.booker,
                    booker_kind=r.booker_kind,
                    org=r.org,
                    team=r.team,
                    purpose=r.purpose[:200],
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                    expected=r.expected,
                    attendance=r.attendance if r.status == BookingStatus.USED else None,
                    checked_in_at=r.starts_at if r.status == BookingStatus.USED else None,
                    status=r.status,
                    decided_by=actor if r.status != BookingStatus.REQUESTED else None,
                )
                for r in rows
            ]
        )
        who = actor_fields(actor)
        fast_insert(
            BookingEvent,
            [
                {
                    "booking_id": b.pk,
                    "kind": kind,
                    "at": b.starts_at,
                    "payload": {"bulk": True},
                    "actor_id": getattr(who["actor"], "pk", None),
                    "actor_name": who["actor_name"],
                }
                for b in made
                for kind in _path(b.status)
            ],
        )
    return made
