"""Room bookings: request (one or a weekly series), approve / decline, check in (used), no-show,
cancel, and the sweep that releases confirmed bookings nobody checked in to.

No double booking: every request takes the room's row lock (``SELECT … FOR NO KEY UPDATE``) and,
holding it, looks for a holding booking (requested, approved, used) that overlaps; only then
inserts. Requests for one room therefore queue on the lock and each sees the one before it
committed (READ COMMITTED takes a fresh snapshot per statement). On SQLite the whole write is
serialised (BEGIN IMMEDIATE). On PostgreSQL the exclusion constraint ``booking_no_overlap``
(migration 0002) is the last word: a violation is the same 409.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import ConflictError, check_transition, lock
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.venues import conf, events, holders
from quanyu.venues.access import require_booker, require_branch_booker, require_cancel, require_editor
from quanyu.venues.models import Blackout, Booking, Room, WaitEntry, WaitStatus
from quanyu.venues.states import BOOKING_ALLOWED, HOLDING, BookingStatus, VenueStatus

Slot = tuple[dt.datetime, dt.datetime]


def _aware(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({field: [_("请填写时间")]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean_slot(starts_at: Any, ends_at: Any) -> Slot:
    start = _aware(starts_at, "starts_at")
    end = _aware(ends_at, "ends_at")
    if end <= start:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    if end - start > dt.timedelta(hours=conf.get("VENUES_MAX_BOOKING_HOURS")):
        raise ValidationError(
            {"ends_at": [_("单次预约不能超过%(h)d小时") % {"h": conf.get("VENUES_MAX_BOOKING_HOURS")}]}
        )
    return start, end


def _clean_booker(
    booker_kind: str, org: PartyOrg | None, unit: Unit | None, team: str, purpose: str
) -> dict[str, Any]:
    if booker_kind not in Booking.BookerKind.values:
        raise ValidationError({"booker_kind": [_("预约方类型不正确")]})
    if booker_kind == Booking.BookerKind.BRANCH and org is None:
        raise ValidationError({"org": [_("党支部预约须选择党组织")]})
    if booker_kind == Booking.BookerKind.UNIT and unit is None:
        raise ValidationError({"unit": [_("单位预约须选择单位")]})
    if booker_kind == Booking.BookerKind.TEAM and not (team or "").strip():
        raise ValidationError({"team": [_("团队预约须填写团队名称")]})
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 200:
        raise ValidationError({"purpose": [_("请填写用途（200字以内）")]})
    return {
        "booker_kind": booker_kind,
        "org": org if booker_kind == Booking.BookerKind.BRANCH else None,
        "unit": unit if booker_kind == Booking.BookerKind.UNIT else None,
        "team": (team or "").strip()[:100] if booker_kind == Booking.BookerKind.TEAM else "",
        "purpose": purpose,
    }


def overlapping(room_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Booking]:
    """Holding bookings of the room that overlap [start, end)."""
    return Booking.objects.filter(room_id=room_id, status__in=HOLDING, starts_at__lt=end, ends_at__gt=start)


def _lock_room(room: Room, actor: Any, expected: int) -> Room:
    locked = lock(Room.objects).select_related("venue__area").get(pk=room.pk)
    require_booker(actor, locked.venue.area.path)
    if not locked.bookable:
        raise ValidationError({"room": [_("该功能室不接受预约")]})
    if locked.venue.status != VenueStatus.IN_USE:
        raise ValidationError({"room": [_("该阵地未投入使用，不能预约")]})
    if locked.capacity and expected > locked.capacity:
        raise ValidationError({"expected": [_("预计人数超过容纳人数（%(n)d人）") % {"n": locked.capacity}]})
    return locked


def blacked_out(room: Room, start: dt.datetime, end: dt.datetime) -> str | None:
    """The reason the room (or its whole venue) takes no bookings in [start, end), or None."""
    hit = (
        Blackout.objects.filter(venue_id=room.venue_id, starts_at__lt=end, ends_at__gt=start)
        .filter(Q(room=None) | Q(room=room))
        .values_list("reason", flat=True)
        .first()
    )
    return hit


def _check_branch(actor: Any, fields: dict[str, Any]) -> None:
    org = fields["org"]
    if org is not None:
        require_branch_booker(actor, PartyOrg.objects.select_related("area").get(pk=org.pk).area.path)


def _check_quota(actor: Any, adding: int) -> None:
    cap = conf.get("VENUES_MAX_OPEN_BOOKINGS")
    open_now = Booking.objects.filter(
        booker=actor,
        status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED),
        ends_at__gt=timezone.now(),
    ).count()
    if open_now + adding > cap:
        raise ValidationError({"starts_at": [_("每位预约人最多同时持有%(n)d个未使用的预约") % {"n": cap}]})


def _insert(
    *, actor: Any, room: Room, slot: Slot, fields: dict[str, Any], expected: int, series: str
) -> Booking:
    auto = room.auto_approve
    booking = Booking.objects.create(
        room=room,
        venue=room.venue,
        booker=actor,
        starts_at=slot[0],
        ends_at=slot[1],
        expected=expected,
        series=series,
        status=BookingStatus.APPROVED if auto else BookingStatus.REQUESTED,
        **fields,
    )
    events.booking_requested_event(booking=booking, actor=actor)
    if auto:
        events.booking_approved_event(booking=booking, actor=None, auto=True)
    return booking


def _taken() -> ConflictError:
    return ConflictError(_("该功能室此时段已被预约"))


def booking_request(
    *,
    actor: Any,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    booker_kind: str = Booking.BookerKind.RESIDENT,
    org: PartyOrg | None = None,
    unit: Unit | None = None,
    team: str = "",
    expected: int = 0,
) -> Booking:
    """Book one slot of a room: approved at once when the room auto-approves, else requested.
    A slot overlapping a holding booking is a 409 (``ConflictError``)."""
    slot = _clean_slot(starts_at, ends_at)
    fields = _clean_booker(booker_kind, org, unit, team, purpose)
    try:
        with transaction.atomic():
            locked = _lock_room(room, actor, expected)
            _check_branch(actor, fields)
            _check_quota(actor, 1)
            closed = blacked_out(locked, *slot)
            if closed is not None:
                raise ValidationError({"starts_at": [_("该时段不开放预约：%(r)s") % {"r": closed}]})
            if overlapping(locked.pk, *slot).exists():
                raise _taken()
            return _insert(actor=actor, room=locked, slot=slot, fields=fields, expected=expected, series="")
    except IntegrityError:
        raise _taken() from None


def booking_request_series(
    *,
    actor: Any,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    weeks: int,
    purpose: str,
    book_rest: bool = False,
    booker_kind: str = Booking.BookerKind.RESIDENT,
    org: PartyOrg | None = None,
    unit: Unit | None = None,
    team: str = "",
    expected: int = 0,
) -> tuple[list[Booking], list[dt.date]]:
    """A weekly series for ``weeks`` weeks. The dates whose slot is taken are listed: with
    ``book_rest`` false, any conflict refuses the whole series (409 naming the dates, nothing
    booked); with it true, the free dates are booked and the taken ones returned."""
    max_weeks = conf.get("VENUES_MAX_SERIES_WEEKS")
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= max_weeks:
        raise ValidationError({"weeks": [_("周数应为1到%(n)d") % {"n": max_weeks}]})
    first = _clean_slot(starts_at, ends_at)
    fields = _clean_booker(booker_kind, org, unit, team, purpose)
    slots = [(first[0] + dt.timedelta(weeks=i), first[1] + dt.timedelta(weeks=i)) for i in range(weeks)]
    series = uuid.uuid4().hex
    try:
        with transaction.atomic():
            locked = _lock_room(room, actor, expected)
            _check_branch(actor, fields)
            taken = [
                s for s in slots if overlapping(locked.pk, *s).exists() or blacked_out(locked, *s) is not None
            ]
            conflicts = [timezone.localtime(s[0]).date() for s in taken]
            if conflicts and not book_rest:
                raise ConflictError(
                    _("以下日期该时段已被预约：%(dates)s")
                    % {"dates": "、".join(d.isoformat() for d in conflicts)}
                )
            free = [s for s in slots if s not in taken]
            _check_quota(actor, len(free))
            made = [
                _insert(actor=actor, room=locked, slot=s, fields=fields, expected=expected, series=series)
                for s in free
            ]
            return made, conflicts
    except IntegrityError:
        raise _taken() from None


def _move(*, actor: Any, booking: Booking, target: str, action: str, check: str, **extra: Any) -> Booking:
    # Declined or cancelled from the venue's side (not by its holder): the record of another app
    # holding the booking (holders.py) is locked first and told in this transaction.
    from_venue = target in (BookingStatus.DECLINED, BookingStatus.CANCELLED) and check != "holder"
    with transaction.atomic():
        if from_venue:
            holders.lock_holding(booking.pk)
        locked = lock(Booking.objects).select_related("venue__area").get(pk=booking.pk)
        path = locked.venue.area.path
        if check == "editor":
            require_editor(actor, path)
        elif check == "cancel":
            require_cancel(actor, booker_id=locked.booker_id, path=path)
        # check == "holder": the caller (services/linked.py) has checked the actor over the record
        # in another app that holds this booking.
        check_transition(
            BOOKING_ALLOWED,
            locked.status,
            target,
            labels=BookingStatus,
            seen=booking.status,
            action=action,
            what=_("预约"),
        )
        locked.status = target
        update = ["status"]
        if target in (BookingStatus.APPROVED, BookingStatus.DECLINED):
            locked.decided_by = actor
            update.append("decided_by")
        if target == BookingStatus.USED:
            locked.checked_in_at = timezone.now()
            locked.attendance = extra["attendance"]
            update += ["checked_in_at", "attendance"]
        locked.save(update_fields=update)
        if target == BookingStatus.APPROVED:
            events.booking_approved_event(booking=locked, actor=actor, auto=False)
        elif target == BookingStatus.DECLINED:
            events.booking_declined_event(booking=locked, actor=actor, reason=extra["reason"])
        elif target == BookingStatus.CANCELLED:
            events.booking_cancelled_event(booking=locked, actor=actor, reason=extra["reason"])
        elif target == BookingStatus.USED:
            events.booking_used_event(booking=locked, actor=actor, attendance=extra["attendance"])
        else:
            events.booking_no_show_event(booking=locked, actor=actor, by_sweep=False)
        if from_venue:
            holders.tell_released(locked, actor, extra["reason"])
        if target in RELEASING:
            promote_waiting(locked.room_id, locked.starts_at, locked.ends_at)
        return locked


def booking_approve(*, actor: Any, booking: Booking) -> Booking:
    return _move(
        actor=actor, booking=booking, target=BookingStatus.APPROVED, action=_("批准"), check="editor"
    )


def booking_decline(*, actor: Any, booking: Booking, reason: str) -> Booking:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予批准的原因")]})
    return _move(
        actor=actor,
        booking=booking,
        target=BookingStatus.DECLINED,
        action=_("不予批准"),
        check="editor",
        reason=reason[:500],
    )


def booking_cancel(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    return _move(
        actor=actor,
        booking=booking,
        target=BookingStatus.CANCELLED,
        action=_("取消"),
        check="cancel",
        reason=(reason or "")[:500],
    )


def booking_check_in(*, actor: Any, booking: Booking, attendance: int) -> Booking:
    """The booking was used: checked in on site by the venue's staff, with the attendance."""
    if not isinstance(attendance, int) or isinstance(attendance, bool) or not 0 <= attendance <= 10000:
        raise ValidationError({"attendance": [_("实到人数应为0到10000")]})
    if booking.starts_at - timezone.now() > dt.timedelta(minutes=30):
        raise ValidationError({"attendance": [_("开始前30分钟内才能签到")]})
    return _move(
        actor=actor,
        booking=booking,
        target=BookingStatus.USED,
        action=_("签到"),
        check="editor",
        attendance=attendance,
    )


def booking_no_show(*, actor: Any, booking: Booking) -> Booking:
    return _move(
        actor=actor, booking=booking, target=BookingStatus.NO_SHOW, action=_("记为未到场"), check="editor"
    )


def bookings_sweep(now: dt.datetime | None = None) -> int:
    """Release approved bookings not checked in by the grace time after their start (no-show).
    Idempotent: each row is claimed under lock with ``skip_locked`` and re-checked."""
    now = now or timezone.now()
    due = now - dt.timedelta(minutes=conf.get("VENUES_CHECK_IN_GRACE_MINUTES"))
    released = 0
    with transaction.atomic():
        rows = lock(
            Booking.objects.filter(Q(status=BookingStatus.APPROVED) & Q(starts_at__lte=due)), skip_locked=True
        ).order_by("pk")[:500]
        for booking in rows:
            booking.status = BookingStatus.NO_SHOW
            booking.save(update_fields=["status"])
            events.booking_no_show_event(booking=booking, actor=None, by_sweep=True)
            promote_waiting(booking.room_id, booking.starts_at, booking.ends_at)
            released += 1
    return released


RELEASING = frozenset({BookingStatus.CANCELLED, BookingStatus.DECLINED, BookingStatus.NO_SHOW})


def promote_waiting(room_id: int, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """A released slot goes to its waiting list: each waiting entry overlapping it, first come
    first served, becomes a booking request when its own slot is now free (in the caller's
    transaction, under the room's lock)."""
    room = lock(Room.objects).select_related("venue").get(pk=room_id)
    made = []
    for entry in lock(
        WaitEntry.objects.filter(
            room_id=room_id, status=WaitStatus.WAITING, starts_at__lt=end, ends_at__gt=start
        )
    ).order_by("created_at", "id"):
        if overlapping(room_id, entry.starts_at, entry.ends_at).exists() or blacked_out(
            room, entry.starts_at, entry.ends_at
        ):
            continue
        booking = _insert(
            actor=entry.booker,
            room=room,
            slot=(entry.starts_at, entry.ends_at),
            fields={"booker_kind": Booking.BookerKind.RESIDENT, "purpose": entry.purpose},
            expected=0,
            series="",
        )
        entry.status = WaitStatus.PROMOTED
        entry.booking = booking
        entry.save(update_fields=["status", "booking"])
        made.append(booking)
    return made
