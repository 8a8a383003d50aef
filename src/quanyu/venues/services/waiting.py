"""Blackout periods (a venue or room takes no bookings) and the waiting list of a taken slot.
A released slot (cancelled, declined, no-show) is offered to the waiting list by
``bookings.promote_waiting``, in the transaction that released it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, lock
from quanyu.venues.access import is_booker, require_booker, require_editor
from quanyu.venues.models import Blackout, Room, Venue, WaitEntry, WaitStatus
from quanyu.venues.services.bookings import _aware, _clean_slot, overlapping


def blackout_add(
    *,
    actor: Any,
    venue: Venue,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    room: Room | None = None,
) -> Blackout:
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因")]})
    if room is not None and room.venue_id != venue.pk:
        raise ValidationError({"room": [_("功能室不属于该阵地")]})
    with transaction.atomic():
        locked = lock(Venue.objects).select_related("area").get(pk=venue.pk)
        require_editor(actor, locked.area.path)
        return Blackout.objects.create(
            venue=locked, room=room, starts_at=start, ends_at=end, reason=reason[:200]
        )


def wait_join(
    *, actor: Any, room: Room, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str
) -> WaitEntry:
    """Join the waiting list of a taken slot (a free slot is booked directly instead)."""
    start, end = _clean_slot(starts_at, ends_at)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": [_("请填写用途（200字以内）")]})
    with transaction.atomic():
        locked = lock(Room.objects).select_related("venue__area").get(pk=room.pk)
        require_booker(actor, locked.venue.area.path)
        if not overlapping(locked.pk, start, end).exists():
            raise ValidationError({"starts_at": [_("该时段空闲，可直接预约")]})
        if WaitEntry.objects.filter(
            room=locked, booker=actor, starts_at=start, status=WaitStatus.WAITING
        ).exists():
            raise ValidationError({"starts_at": [_("您已在该时段的候补名单中")]})
        return WaitEntry.objects.create(
            room=locked, booker=actor, starts_at=start, ends_at=end, purpose=purpose[:200]
        )


def wait_withdraw(*, actor: Any, entry: WaitEntry) -> WaitEntry:
    with transaction.atomic():
        locked = lock(WaitEntry.objects).get(pk=entry.pk)
        if not is_booker(actor, locked.booker_id):
            raise PermissionDenied(_("您无权撤回该候补"))
        if locked.status != WaitStatus.WAITING:
            raise TransitionError(_("该候补已不在等待中"))
        locked.status = WaitStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        return locked
