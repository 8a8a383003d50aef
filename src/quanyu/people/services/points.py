"""量化积分: the append-only points ledger.

* ``points_record_action`` — called by other services (duty logged, meeting attended, wish
  fulfilled …) for rules that need no approval; the calling service has checked its actor.
* ``points_request`` / ``points_request_decide`` — a hand-made claim with a reason, approved by the
  rule's approver role.
* ``points_correct`` — a correction is a new entry pointing at the one it corrects.

Caps: a rule's entries for one member within one period (month, quarter or year of
``occurred_on``) never add up to more than ``cap``; an award that would pass it is cut to what is
left, and nothing is written when nothing is left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.core.workflow import check_transition, lock
from quanyu.people import events
from quanyu.people.access import EDITORS, has_role_at_any, member_paths
from quanyu.people.models import PartyMember, PointEntry, PointRequest, PointRule
from quanyu.people.states import POINT_REQUEST_ALLOWED, PointRequestStatus


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the rule period that contains ``day``."""
    if period == PointRule.Period.MONTH:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    elif period == PointRule.Period.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first_month, 1)
        end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    else:
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return start, end


def _capped_points(*, member: PartyMember, rule: PointRule, occurred_on: dt.date) -> int:
    if rule.cap is None or rule.points <= 0:
        return rule.points
    start, end = period_bounds(rule.period, occurred_on)
    used = (
        PointEntry.objects.filter(member=member, rule=rule, occurred_on__range=(start, end)).aggregate(
            total=Sum("points")
        )["total"]
        or 0
    )
    return max(0, min(rule.points, rule.cap - used))


def _append(
    *,
    actor: Any,
    member: PartyMember,
    rule: PointRule,
    occurred_on: dt.date,
    reason: str,
    source: str = "",
    approved_by: Any = None,
) -> PointEntry | None:
    # Lock the member so that two awards of one rule cannot both pass the cap. Only the key is read:
    # the lock is the point, and the whole row (its ID and phone number decrypted) cost more than
    # the rest of an award (a third of the demo's awards' time).
    locked = lock(PartyMember.objects).only("pk").get(pk=member.pk)
    points = _capped_points(member=locked, rule=rule, occurred_on=occurred_on)
    if points == 0:
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = PointEntry.objects.create(
        member=locked,
        rule=rule,
        points=points,
        occurred_on=occurred_on,
        reason=reason[:300],
        source=source[:64],
        created_by=user,
        approved_by=approved_by,
    )
    events.member_points_event(member=locked, actor=actor, points=points, rule=rule.code)
    return entry


def _rule(code_or_rule: str | PointRule) -> PointRule | None:
    if isinstance(code_or_rule, PointRule):
        return code_or_rule if code_or_rule.active else None
    return PointRule.objects.filter(code=code_or_rule, active=True).first()


def points_record_action(
    *,
    actor: Any,
    member: PartyMember,
    rule: str | PointRule,
    occurred_on: dt.date,
    reason: str,
    source: str = "",
) -> PointEntry | None:
    """Points for something a service just recorded. Rules that need approval, inactive or missing
    rules, and awards past the cap write nothing (None)."""
    found = _rule(rule)
    if found is None or found.approver_role:
        return None
    with transaction.atomic():
        return _append(
            actor=actor, member=member, rule=found, occurred_on=occurred_on, reason=reason, source=source
        )


def _may_request(actor: Any, member: PartyMember) -> bool:
    is_self = member.user_id is not None and member.user_id == getattr(actor, "pk", None)
    return is_self or has_role_at_any(actor, EDITORS, member_paths(member))


def points_request(
    *, actor: Any, member: PartyMember, rule: PointRule, occurred_on: dt.date, reason: str
) -> PointRequest:
    """A claim for points by hand (the member or staff), waiting for the rule's approver."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写积分事由")]})
    if not rule.active:
        raise ValidationError({"rule": [_("该积分项目已停用")]})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": [_("发生日期不能晚于今天")]})
    if not _may_request(actor, member):
        raise PermissionDenied(_("您无权为该党员申报积分"))
    with transaction.atomic():
        request = PointRequest.objects.create(
            member=member,
            rule=rule,
            occurred_on=occurred_on,
            reason=reason[:300],
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        events.member_points_requested_event(member=member, actor=actor, rule=rule.code)
        return request


def approver_roles(rule: PointRule) -> frozenset[str]:
    return frozenset({rule.approver_role or Role.COMMUNITY_STAFF, Role.ADMIN})


def points_request_decide(
    *, actor: Any, request: PointRequest, approve: bool, note: str = ""
) -> PointRequest:
    with transaction.atomic():
        locked = lock(PointRequest.objects).select_related("rule", "member").get(pk=request.pk)
        if not has_role_at_any(actor, approver_roles(locked.rule), member_paths(locked.member)):
            raise PermissionDenied(_("您无权审批该积分"))
        new = PointRequestStatus.APPROVED if approve else PointRequestStatus.REJECTED
        check_transition(POINT_REQUEST_ALLOWED, locked.status, new, labels=PointRequestStatus)
        if not approve and not note.strip():
            raise ValidationError({"note": [_("驳回时请填写意见")]})
        locked.status = new
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note[:300]
        if approve:
            locked.entry = _append(
                actor=actor,
                member=locked.member,
                rule=locked.rule,
                occurred_on=locked.occurred_on,
                reason=locked.reason,
                source=f"request:{locked.pk}",
                approved_by=actor,
            )
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "entry"])
        return locked


def points_correct(*, actor: Any, entry: PointEntry, points: int, reason: str) -> PointEntry:
    """Append a correction of ``points`` (negative to take back) to ``entry``; the original stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写更正原因")]})
    if not isinstance(points, int) or points == 0:
        raise ValidationError({"points": [_("更正分值必须是非零整数")]})
    with transaction.atomic():
        member = lock(PartyMember.objects).get(pk=entry.member_id)
        if not has_role_at_any(actor, EDITORS, member_paths(member)):
            raise PermissionDenied(_("您无权更正积分"))
        already = entry.points + (entry.corrections.aggregate(total=Sum("points"))["total"] or 0)
        if already + points < 0 and entry.points >= 0:
            raise ValidationError({"points": [_("更正后该条积分不能小于0（当前%(n)d分）") % {"n": already}]})
        correction = PointEntry.objects.create(
            member=member,
            rule=entry.rule,
            points=points,
            occurred_on=entry.occurred_on,
            reason=reason[:300],
            source=f"correction:{entry.pk}",
            corrects=entry,
            created_by=actor,
            approved_by=actor,
        )
        events.member_points_corrected_event(member=member, actor=actor, entry=entry.pk, points=points)
        return correction


RULE_ADMINS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT})


def point_rule_save(
    *,
    actor: Any,
    code: str,
    name: str,
    points: int,
    cap: int | None = None,
    period: str = PointRule.Period.YEAR,
    approver_role: str = "",
    active: bool = True,
) -> PointRule:
    if not has_role(actor, RULE_ADMINS):
        raise PermissionDenied(_("只有管理员和组织部可以维护积分规则"))
    if approver_role and approver_role not in Role.values:
        raise ValidationError({"approver_role": [_("未知角色")]})
    if period not in PointRule.Period.values:
        raise ValidationError({"period": [_("周期应为每月、每季度或每年")]})
    if cap is not None and cap < 0:
        raise ValidationError({"cap": [_("上限不能为负数")]})
    with transaction.atomic():
        rule, _created = PointRule.objects.update_or_create(  # locks the row itself
            code=code,
            defaults={
                "name": name,
                "points": points,
                "cap": cap,
                "period": period,
                "approver_role": approver_role,
                "active": active,
            },
        )
        return rule
