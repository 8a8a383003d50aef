"""双报到 reports and posts (设岗定责 / 先锋岗): what members and units do in a community."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.permissions import grants_for
from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import Unit
from quanyu.people import events
from quanyu.people.access import EDITORS, has_role_at_any, member_paths
from quanyu.people.models import DutyLog, PartyMember, Post, PostClaim, PostReview, Report
from quanyu.people.services.points import points_record_action
from quanyu.people.states import (
    CLAIM_ALLOWED,
    REPORT_ALLOWED,
    ClaimStatus,
    ReportStatus,
)


def _is_self(actor: Any, member: PartyMember) -> bool:
    return member.user_id is not None and member.user_id == getattr(actor, "pk", None)


def _require_community(area: Area) -> None:
    if area.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": [_("报到对象必须是社区")]})


def report_submit_member(
    *, actor: Any, member: PartyMember, community: Area, year: int | None = None, note: str = ""
) -> Report:
    """An (in-service) member reports to the residence community."""
    _require_community(community)
    if not (_is_self(actor, member) or has_role_at_any(actor, EDITORS, member_paths(member))):
        raise PermissionDenied(_("您无权为该党员报到"))
    year = year or timezone.localdate().year
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=Report.Kind.MEMBER, member=member, community=community, year=year, note=note[:500]
            )
            events.report_event(report=report, actor=actor, note=note)
            events.member_report_event(
                member=member, actor=actor, status=ReportStatus.SUBMITTED, community=community.name
            )
            return report
    except IntegrityError:
        raise ValidationError(_("该党员本年度已向该社区报到")) from None


def _unit_contact(actor: Any, unit: Unit) -> bool:
    return any(g.unit_id == unit.pk for g in grants_for(actor))


def report_submit_unit(
    *, actor: Any, unit: Unit, community: Area, year: int | None = None, note: str = ""
) -> Report:
    """A resident unit reports to the community it sits in."""
    _require_community(community)
    if not unit.area.path.startswith(community.path):
        raise ValidationError({"community": [_("单位不在该社区内")]})
    if not (_unit_contact(actor, unit) or has_role_at_any(actor, EDITORS, (unit.area.path,))):
        raise PermissionDenied(_("您无权为该单位报到"))
    year = year or timezone.localdate().year
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=Report.Kind.UNIT, unit=unit, community=community, year=year, note=note[:500]
            )
            events.report_event(report=report, actor=actor, note=note)
            return report
    except IntegrityError:
        raise ValidationError(_("该单位本年度已向该社区报到")) from None


def _report_move(*, actor: Any, report: Report, new: str, note: str) -> Report:
    with transaction.atomic():
        locked = lock(Report.objects).select_related("community", "member").get(pk=report.pk)
        staff = has_role_at_any(actor, EDITORS, (locked.community.path,))
        if new == ReportStatus.WITHDRAWN:
            allowed = staff or (locked.member is not None and _is_self(actor, locked.member))
        else:
            allowed = staff
        if not allowed:
            raise PermissionDenied(_("您无权处理该报到"))
        check_transition(REPORT_ALLOWED, locked.status, new, labels=ReportStatus)
        if new == ReportStatus.REJECTED and not note.strip():
            raise ValidationError({"note": [_("退回时请填写原因")]})
        locked.status = new
        if new in (ReportStatus.CONFIRMED, ReportStatus.REJECTED):
            locked.decided_at = timezone.now()
            locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        events.report_event(report=locked, actor=actor, note=note)
        if locked.member is not None:
            events.member_report_event(
                member=locked.member, actor=actor, status=new, community=locked.community.name
            )
            if new == ReportStatus.CONFIRMED:
                points_record_action(
                    actor=actor,
                    member=locked.member,
                    rule="report_confirmed",
                    occurred_on=timezone.localdate(),
                    reason=_("向%(c)s报到") % {"c": locked.community.name},
                    source=f"report:{locked.pk}",
                )
        return locked


def report_confirm(*, actor: Any, report: Report, note: str = "") -> Report:
    return _report_move(actor=actor, report=report, new=ReportStatus.CONFIRMED, note=note)


def report_reject(*, actor: Any, report: Report, note: str) -> Report:
    return _report_move(actor=actor, report=report, new=ReportStatus.REJECTED, note=note)


def report_withdraw(*, actor: Any, report: Report, note: str = "") -> Report:
    return _report_move(actor=actor, report=report, new=ReportStatus.WITHDRAWN, note=note)


def post_create(*, actor: Any, community: Area, name: str, duties: str = "", capacity: int = 1) -> Post:
    _require_community(community)
    if not has_role_at_any(actor, EDITORS, (community.path,)):
        raise PermissionDenied(_("您无权在该社区设岗"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("岗位名称不能为空")]})
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": [_("人数上限应为1到1000")]})
    with transaction.atomic():
        return Post.objects.create(
            community=community, name=name[:100], duties=duties, capacity=capacity, created_by=actor
        )


def post_set_active(*, actor: Any, post: Post, active: bool) -> Post:
    with transaction.atomic():
        locked = lock(Post.objects).select_related("community").get(pk=post.pk)
        if not has_role_at_any(actor, EDITORS, (locked.community.path,)):
            raise PermissionDenied(_("您无权修改该岗位"))
        locked.active = active
        locked.save(update_fields=["active"])
        return locked


def _serves_community(member: PartyMember, community: Area) -> bool:
    if member.scope_path.startswith(community.path):
        return True
    return member.reports.filter(community=community, status=ReportStatus.CONFIRMED).exists()


def post_claim(*, actor: Any, post: Post, member: PartyMember) -> PostClaim:
    """A member claims a post of a community where the member lives or has a confirmed report."""
    with transaction.atomic():
        locked = lock(Post.objects).select_related("community").get(pk=post.pk)
        if not (_is_self(actor, member) or has_role_at_any(actor, EDITORS, (locked.community.path,))):
            raise PermissionDenied(_("您无权认领该岗位"))
        if not locked.active:
            raise ValidationError(_("该岗位已停用"))
        if not _serves_community(member, locked.community):
            raise ValidationError(_("党员须居住在该社区或已向该社区报到，才能认领岗位"))
        if locked.claims.filter(member=member, status=ClaimStatus.ACTIVE).exists():
            raise ValidationError(_("该党员已认领此岗位"))
        if locked.claims.filter(status=ClaimStatus.ACTIVE).count() >= locked.capacity:
            raise ValidationError(_("岗位已满（上限%(n)d人）") % {"n": locked.capacity})
        claim = PostClaim.objects.create(post=locked, member=member)
        events.member_post_claimed_event(member=member, actor=actor, post=locked.name)
        return claim


def claim_release(*, actor: Any, claim: PostClaim, note: str = "") -> PostClaim:
    with transaction.atomic():
        locked = lock(PostClaim.objects).select_related("post__community", "member").get(pk=claim.pk)
        if not (
            _is_self(actor, locked.member) or has_role_at_any(actor, EDITORS, (locked.post.community.path,))
        ):
            raise PermissionDenied(_("您无权处理该岗位"))
        check_transition(CLAIM_ALLOWED, locked.status, ClaimStatus.RELEASED, labels=ClaimStatus)
        locked.status = ClaimStatus.RELEASED
        locked.released_at = timezone.now()
        locked.save(update_fields=["status", "released_at"])
        events.member_post_released_event(member=locked.member, actor=actor, post=locked.post.name, note=note)
        return locked


def duty_log_add(
    *, actor: Any, claim: PostClaim, on_date: dt.date, hours: Decimal | float, note: str
) -> DutyLog:
    """Log a duty done on a post; earns the ``duty_logged`` rule's points (capped)."""
    hours = Decimal(str(hours))
    if hours <= 0 or hours > 24:
        raise ValidationError({"hours": [_("时长应在0到24小时之间")]})
    if on_date > timezone.localdate():
        raise ValidationError({"on_date": [_("日期不能晚于今天")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写履职内容")]})
    with transaction.atomic():
        locked = lock(PostClaim.objects).select_related("post__community", "member").get(pk=claim.pk)
        if not (
            _is_self(actor, locked.member) or has_role_at_any(actor, EDITORS, (locked.post.community.path,))
        ):
            raise PermissionDenied(_("您无权记录该岗位的履职"))
        if locked.status != ClaimStatus.ACTIVE:
            raise ValidationError(_("已离岗，不能再记录履职"))
        log = DutyLog.objects.create(
            claim=locked, on_date=on_date, hours=hours, note=note[:500], logged_by=actor
        )
        points_record_action(
            actor=actor,
            member=locked.member,
            rule="duty_logged",
            occurred_on=on_date,
            reason=_("%(p)s履职") % {"p": locked.post.name},
            source=f"duty:{log.pk}",
        )
        return log


def post_review(*, actor: Any, claim: PostClaim, year: int, rating: str, comment: str = "") -> PostReview:
    if rating not in PostReview.Rating.values:
        raise ValidationError({"rating": [_("评价应为优秀、合格或不合格")]})
    with transaction.atomic():
        locked = lock(PostClaim.objects).select_related("post__community", "member").get(pk=claim.pk)
        if not has_role_at_any(actor, EDITORS, (locked.post.community.path,)):
            raise PermissionDenied(_("您无权评议该岗位"))
        try:
            with transaction.atomic():
                review = PostReview.objects.create(
                    claim=locked, year=year, rating=rating, comment=comment[:500], reviewer=actor
                )
        except IntegrityError:
            raise ValidationError(_("该岗位本年度已评议")) from None
        events.member_post_reviewed_event(member=locked.member, actor=actor, rating=rating, year=year)
        return review
