"""Hours: the organiser approves or declines the hours of a checked-out sign-up (declined hours
stay on the record); approved hours of a party member become points by the people app's rule
table. A volunteer may ask to correct a record: reviewed, both versions kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.people.services import points_record_action
from quanyu.volunteering import access, events
from quanyu.volunteering.conf import POINT_RULE
from quanyu.volunteering.models import Activity, CorrectionRequest, Signup
from quanyu.volunteering.states import (
    CORRECTION_ALLOWED,
    HOURS_ALLOWED,
    CorrectionStatus,
    HoursStatus,
    SignupStatus,
)


def _minutes(value: Any, activity: Activity, field: str = "minutes") -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("服务时长须为整数分钟")]}) from None
    if minutes < 0:
        raise ValidationError({field: [_("服务时长不能为负数")]})
    if minutes > activity.length_minutes:
        raise ValidationError(
            {field: [_("服务时长不能超过活动时长（%(n)d分钟）") % {"n": activity.length_minutes}]}
        )
    return minutes


def _lock_signup(signup: Signup) -> Signup:
    return lock(Signup.objects.select_related("volunteer__member", "activity__project__team")).get(
        pk=signup.pk
    )


def _award_points(*, actor: Any, signup: Signup) -> None:
    member = signup.volunteer.member
    if member is None or not signup.minutes:
        return
    points_record_action(
        actor=actor,
        member=member,
        rule=POINT_RULE,
        occurred_on=timezone.localdate(signup.activity.starts_at),
        reason=_("志愿服务：%(title)s") % {"title": signup.activity.title},
        source=f"volunteering:{signup.pk}",
    )


def hours_decide(*, actor: Any, signup: Signup, approve: bool, minutes: Any = None, note: str = "") -> Signup:
    """Approve (optionally adjusting the minutes, never beyond the activity's length) or decline."""
    access.require_organiser(actor, signup.activity.project.team)
    adjusted = None if minutes in (None, "") else _minutes(minutes, signup.activity)
    target = HoursStatus.APPROVED if approve else HoursStatus.DECLINED
    with transaction.atomic():
        locked = _lock_signup(signup)
        if locked.status != SignupStatus.CHECKED_OUT:
            raise TransitionError(_("尚未签退，不能认定时长"))
        check_transition(
            HOURS_ALLOWED,
            locked.hours_status,
            target,
            labels=HoursStatus,
            seen=signup.hours_status,
            action=_("认定时长"),
            what=_("服务时长"),
        )
        locked.hours_status = target
        fields = ["hours_status"]
        if adjusted is not None:
            locked.minutes = adjusted
            fields.append("minutes")
        locked.save(update_fields=fields)
        events.hours_decided_event(
            signup=locked,
            actor=actor,
            approved=approve,
            minutes=locked.minutes or 0,
            note=str(note or "")[:300],
        )
        if approve:
            _award_points(actor=actor, signup=locked)
    return locked


def correction_request(*, actor: Any, signup: Signup, minutes: Any, reason: str) -> CorrectionRequest:
    """The volunteer asks for the hours of one record to be corrected."""
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写更正理由")]})
    new = _minutes(minutes, signup.activity)
    access.require_self(actor, signup.volunteer)
    with transaction.atomic():
        locked = _lock_signup(signup)
        if locked.status != SignupStatus.CHECKED_OUT:
            raise ValidationError({"signup": [_("只有已签退的记录可以申请更正")]})
        if CorrectionRequest.objects.filter(signup=locked, status=CorrectionStatus.PENDING).exists():
            raise ValidationError({"signup": [_("该记录已有待审核的更正申请")]})
        request = CorrectionRequest.objects.create(
            signup=locked,
            scope_path=locked.scope_path,
            old_minutes=locked.minutes or 0,
            new_minutes=new,
            reason=reason[:300],
        )
        events.correction_requested_event(
            signup=locked, actor=actor, old=request.old_minutes, new=new, request=request.pk
        )
    return request


def correction_decide(
    *, actor: Any, request: CorrectionRequest, approve: bool, note: str = ""
) -> CorrectionRequest:
    """The organiser accepts (the record takes the new minutes; the old stay on the request) or
    rejects a correction."""
    signup = request.signup
    access.require_organiser(actor, signup.activity.project.team)
    target = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    with transaction.atomic():
        locked = lock(CorrectionRequest.objects).get(pk=request.pk)
        check_transition(
            CORRECTION_ALLOWED,
            locked.status,
            target,
            labels=CorrectionStatus,
            seen=request.status,
            action=_("审核更正"),
            what=_("更正申请"),
        )
        row = _lock_signup(signup)
        locked.status = target
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = str(note or "")[:300]
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        if approve:
            row.minutes = locked.new_minutes
            row.save(update_fields=["minutes"])
        events.correction_decided_event(
            signup=row,
            actor=actor,
            approved=approve,
            old=locked.old_minutes,
            new=locked.new_minutes,
            request=locked.pk,
        )
    return locked
