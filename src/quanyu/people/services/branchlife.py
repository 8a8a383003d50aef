"""Floating members (流动党员) with contact reminders, and branch life (三会一课)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import PartyOrg
from quanyu.people import events
from quanyu.people.access import EDITORS, has_role_at_any, member_paths
from quanyu.people.models import Attendance, FloatingRecord, Meeting, PartyMember
from quanyu.people.services.points import points_record_action
from quanyu.people.states import FLOATING_ALLOWED, FloatingStatus


def floating_open(
    *,
    actor: Any,
    member: PartyMember,
    direction: str,
    place: str,
    starts_on: dt.date,
    other_org: str = "",
    ends_on: dt.date | None = None,
    keeper: Any = None,
    contact_interval_days: int = 90,
) -> FloatingRecord:
    """Register an outflow (the member left for ``place``) or an inflow (arrived from it)."""
    if direction not in FloatingRecord.Direction.values:
        raise ValidationError({"direction": [_("方向应为流出或流入")]})
    if not (place or "").strip():
        raise ValidationError({"place": [_("请填写流向或来源地")]})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("结束日期不能早于开始日期")]})
    if not 7 <= contact_interval_days <= 366:
        raise ValidationError({"contact_interval_days": [_("联系周期应为7到366天")]})
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=member.pk)
        if not has_role_at_any(actor, EDITORS, member_paths(locked)):
            raise PermissionDenied(_("您无权登记该党员的流动情况"))
        if locked.floating_records.filter(status=FloatingStatus.ACTIVE).exists():
            raise ValidationError(_("该党员已有未结束的流动登记"))
        record = FloatingRecord.objects.create(
            member=locked,
            direction=direction,
            place=place.strip()[:200],
            other_org=other_org[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            keeper=keeper,
            contact_interval_days=contact_interval_days,
            contact_due_on=starts_on + dt.timedelta(days=contact_interval_days),
        )
        events.floating_opened_event(record=record, actor=actor)
        events.member_floating_opened_event(member=locked, actor=actor, direction=direction)
        return record


def _may_keep(actor: Any, record: FloatingRecord) -> bool:
    if record.keeper_id is not None and record.keeper_id == getattr(actor, "pk", None):
        return True
    return has_role_at_any(actor, EDITORS, member_paths(record.member))


def floating_contact(*, actor: Any, record: FloatingRecord, on_date: dt.date, note: str) -> FloatingRecord:
    """The keeper reached the member: the next contact falls due one interval later."""
    if on_date > timezone.localdate():
        raise ValidationError({"on_date": [_("联系日期不能晚于今天")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写联系情况")]})
    with transaction.atomic():
        locked = lock(FloatingRecord.objects).select_related("member").get(pk=record.pk)
        if not _may_keep(actor, locked):
            raise PermissionDenied(_("您无权记录该流动党员的联系"))
        if locked.status != FloatingStatus.ACTIVE:
            raise ValidationError(_("流动登记已结束"))
        locked.last_contact_on = on_date
        locked.contact_due_on = on_date + dt.timedelta(days=locked.contact_interval_days)
        locked.save(update_fields=["last_contact_on", "contact_due_on"])
        events.floating_contact_event(record=locked, actor=actor, note=note)
        return locked


def floating_end(*, actor: Any, record: FloatingRecord, note: str = "") -> FloatingRecord:
    with transaction.atomic():
        locked = lock(FloatingRecord.objects).select_related("member").get(pk=record.pk)
        if not has_role_at_any(actor, EDITORS, member_paths(locked.member)):
            raise PermissionDenied(_("您无权结束该流动登记"))
        check_transition(FLOATING_ALLOWED, locked.status, FloatingStatus.ENDED, labels=FloatingStatus)
        locked.status = FloatingStatus.ENDED
        locked.save(update_fields=["status"])
        events.floating_ended_event(record=locked, actor=actor, note=note)
        return locked


def floating_contact_sweep(*, today: dt.date | None = None) -> list[FloatingRecord]:
    """Remind about every active record whose contact is overdue, once per due date. Idempotent
    and safe with several workers: a record is claimed by a conditional update."""
    today = today or timezone.localdate()
    reminded = []
    candidates = FloatingRecord.objects.filter(
        status=FloatingStatus.ACTIVE, contact_due_on__lt=today
    ).exclude(reminded_for=F("contact_due_on"))
    for record in candidates.select_related("member").order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = (
                FloatingRecord.objects.filter(
                    pk=record.pk, status=FloatingStatus.ACTIVE, contact_due_on=record.contact_due_on
                )
                .exclude(reminded_for=record.contact_due_on)
                .update(reminded_for=record.contact_due_on)
            )
            if not claimed:
                continue  # another worker got there first, or contact was recorded meanwhile
            overdue = (today - record.contact_due_on).days
            events.floating_reminder_event(record=record, note=_("已逾期%(d)d天未联系") % {"d": overdue})
        reminded.append(record)
    return reminded


def meeting_record(
    *,
    actor: Any,
    branch: PartyOrg,
    kind: str,
    held_on: dt.date,
    topic: str,
    attendance: dict[int, str],
) -> Meeting:
    """三会一课: one meeting with the attendance of the branch's members (member id → status);
    members present earn the ``meeting_attended`` rule's points."""
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": [_("会议类型不正确")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("会议日期不能晚于今天")]})
    if not (topic or "").strip():
        raise ValidationError({"topic": [_("请填写会议主题")]})
    if any(s not in Attendance.Status.values for s in attendance.values()):
        raise ValidationError({"attendance": [_("出勤状态应为出席、请假或缺席")]})
    if not has_role_at_any(actor, EDITORS, (branch.area.path,)):
        raise PermissionDenied(_("您无权记录该支部的组织生活"))
    with transaction.atomic():
        members = {m.pk: m for m in PartyMember.objects.filter(branch=branch, pk__in=list(attendance))}
        stray = sorted(set(attendance) - set(members))
        if stray:
            raise ValidationError({"attendance": [_("以下党员不属于该支部：%(ids)s") % {"ids": stray}]})
        meeting = Meeting.objects.create(
            branch=branch, kind=kind, held_on=held_on, topic=topic[:200], created_by=actor
        )
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, member_id=pk, status=status)
                for pk, status in sorted(attendance.items())
            ]
        )
        for pk, status in sorted(attendance.items()):
            if status == Attendance.Status.PRESENT:
                points_record_action(
                    actor=actor,
                    member=members[pk],
                    rule="meeting_attended",
                    occurred_on=held_on,
                    reason=_("参加%(k)s") % {"k": Meeting.Kind(kind).label},
                    source=f"meeting:{meeting.pk}",
                )
        return meeting
