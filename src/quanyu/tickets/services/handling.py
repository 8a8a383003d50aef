"""Handling at the grid, community and street tiers: accept, assign, escalate, dispatch down,
resolve locally, merge, cancel, emergency transfer, close, reopen, supervise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.catalog.models import Tier
from quanyu.core.permissions import has_role
from quanyu.core.workflow import lock
from quanyu.core.workflow.errors import TransitionError
from quanyu.tickets import events as ev
from quanyu.tickets import notifications as notes
from quanyu.tickets.access import (
    AREA_VIEWER_ROLES,
    STREET_ROLES,
    SUPERVISOR_ROLES,
    TIER_OWNER,
    TIER_ROLES,
    can_act_at_tier,
    deny,
    is_requester,
    require_at_ticket,
    require_tier,
)
from quanyu.tickets.events import append_event
from quanyu.tickets.models import EmergencyTarget, SupervisionOrder, Ticket, TicketPhoto, Whistle
from quanyu.tickets.photos import clean_photos
from quanyu.tickets.replycheck import require_answer
from quanyu.tickets.services._base import (
    check_ticket,
    deadlines_from,
    issue_rating_token,
    lock_ticket,
    move,
    require_materials,
    required_text,
    save_photos,
    seen_status,
)
from quanyu.tickets.states import OPEN_STATUSES, WHISTLE_OPEN, TicketStatus, WhistleStatus

S = TicketStatus
NEXT_TIER = {Tier.GRID: Tier.COMMUNITY, Tier.COMMUNITY: Tier.STREET}


def ticket_accept(*, actor: Any, ticket: Ticket, note: str = "") -> Ticket:
    """The handling tier takes the ticket (受理): new → in progress, the actor becomes assignee."""
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        check_ticket(
            locked, S.IN_PROGRESS, seen=seen_status(ticket), action=_("受理"), only_from=frozenset({S.NEW})
        )
        require_materials(locked, action=_("受理"))
        now = timezone.now()
        if locked.accepted_at is None:
            locked.accepted_at = now
        locked.assignee = actor
        move(
            locked,
            to=S.IN_PROGRESS,
            actor=actor,
            now=now,
            fields=["accepted_at", "assignee"],
            event=ev.accepted(tier=locked.tier, note=note.strip()[:500]),
        )
    return locked


def ticket_assign(*, actor: Any, ticket: Ticket, assignee: Any, note: str = "") -> Ticket:
    """Give the ticket to a colleague of the same tier (分派); the assignee must hold a role of the
    handling tier covering the handling area."""
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        # Assigning works on open, unwhistled work only: it must never reopen a resolved or closed
        # ticket or pull one back from its departments (that is ticket_reopen / whistle_cancel).
        check_ticket(
            locked,
            S.IN_PROGRESS,
            seen=seen_status(ticket),
            action=_("分派"),
            only_from=frozenset({S.NEW, S.IN_PROGRESS}),
        )
        require_materials(locked, action=_("分派"))
        if not has_role(assignee, TIER_ROLES[locked.tier], at_path=locked.handling_area.path):
            raise ValidationError({"assignee": _("承办人不属于当前承办层级")})
        now = timezone.now()
        if locked.accepted_at is None:
            locked.accepted_at = now
        locked.assignee = assignee
        move(
            locked,
            to=S.IN_PROGRESS,
            actor=actor,
            now=now,
            fields=["accepted_at", "assignee"],
            event=ev.assigned(assignee=assignee.pk, assignee_name=str(assignee), note=note.strip()[:500]),
        )
        notes.to_user(locked.pk, assignee.pk, "ticket_assigned", _("您有新分派的诉求"))
    return locked


def ticket_escalate(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Send the ticket up one tier (grid → community → street) with a reason; it waits there as
    new. A street cannot escalate: it whistles departments instead."""
    reason = required_text(reason, field="reason", label=_("上报理由"), max_length=500)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        check_ticket(locked, S.NEW, seen=seen_status(ticket), action=_("上报"))
        target = NEXT_TIER.get(Tier(locked.tier))
        if target is None:
            raise TransitionError(_("街道层级不能再上报，请吹哨呼叫职能部门"))
        area = locked.community if target == Tier.COMMUNITY else locked.street
        if area is None:
            raise TransitionError(_("工单未定位到上一级区域"))
        previous = locked.tier
        now = timezone.now()
        locked.tier = target
        locked.handling_area = area
        locked.assignee = None
        # The new tier has its own response limit from now; the completion deadline stays (limits
        # suspended by a pending one-time notice stay suspended).
        locked.accepted_at = None
        if locked.materials_notice_at is None:
            locked.response_due = deadlines_from(now, locked.category or locked.suggested_category)[0].at
        move(
            locked,
            to=S.NEW,
            actor=actor,
            now=now,
            fields=["tier", "handling_area", "assignee", "accepted_at", "response_due"],
            event=ev.escalated(from_tier=previous, to_tier=target, handling_area=area.pk, reason=reason),
        )
        notes.to_tier(
            locked.pk,
            area.path,
            TIER_OWNER[target],
            "ticket_escalated",
            _("下级上报的诉求待受理"),
        )
    return locked


def ticket_reassign(*, actor: Any, ticket: Ticket, area: Area, reason: str) -> Ticket:
    """The street dispatches the ticket down (交办) to a community or grid that contains it — the
    street's decision after a department returned it, or triage. No whistle may be open."""
    reason = required_text(reason, field="reason", label=_("交办理由"), max_length=500)
    if area.kind not in (AreaKind.COMMUNITY, AreaKind.GRID):
        raise ValidationError({"area": _("只能交办给社区或网格")})
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_at_ticket(actor, locked, STREET_ROLES)
        if locked.tier != Tier.STREET:
            raise TransitionError(_("只有街道层级的工单可以交办"))
        check_ticket(locked, S.NEW, seen=seen_status(ticket), action=_("交办"))
        if not locked.area_path.startswith(area.path):
            raise ValidationError({"area": _("所选区域不包含诉求位置")})
        if locked.whistles.filter(status__in=[WhistleStatus.PENDING, WhistleStatus.RESPONDED]).exists():
            raise TransitionError(_("仍有部门在办理，请先撤回呼叫"))
        locked.tier = Tier(area.kind)
        locked.handling_area = area
        locked.assignee = None
        move(
            locked,
            to=S.NEW,
            actor=actor,
            now=timezone.now(),
            fields=["tier", "handling_area", "assignee"],
            event=ev.reassigned(to_tier=locked.tier, handling_area=area.pk, reason=reason),
        )
        notes.to_tier(
            locked.pk,
            area.path,
            TIER_OWNER[locked.tier],
            "ticket_reassigned",
            _("街道交办的诉求待受理"),
        )
    return locked


def _close_supervisions(ticket: Ticket, now: Any, whistle: Whistle | None = None) -> None:
    qs = SupervisionOrder.objects.filter(ticket=ticket, status=SupervisionOrder.Status.OPEN)
    if whistle is not None:
        qs = qs.filter(whistle=whistle)
    qs.update(status=SupervisionOrder.Status.CLOSED, closed_at=now)


def resolve_locked(
    locked: Ticket,
    *,
    actor: Any,
    explanation: str,
    now: Any,
    event: ev.EventSpec,
    whistle: Whistle | None = None,
) -> str:
    """Mark a locked ticket resolved, issue its rating token and tell the requester. Returns the
    token (only its hash is stored)."""
    token = issue_rating_token(locked)
    locked.resolved_at = now
    locked.resolution = explanation
    _close_supervisions(locked, now)
    move(
        locked,
        to=S.RESOLVED,
        actor=actor,
        now=now,
        fields=["resolved_at", "resolution", "rating_token_hash", "rating_token_used_at"],
        whistle=whistle,
        event=event,
    )
    notes.to_requester_rate(
        locked.pk,
        locked.requester_id,
        locked.contact_phone,
        token,
        email=locked.contact_email,
        summary=locked.text,
    )
    return token


def ticket_resolve(*, actor: Any, ticket: Ticket, explanation: str, photos: Sequence[Any] = ()) -> Ticket:
    """The handling tier resolves the ticket itself (办结) with an explanation and photos; the
    requester is asked to rate."""
    explanation = required_text(explanation, field="explanation", label=_("办理说明"), max_length=2000)
    require_answer(request=lambda: ticket.text, reply=explanation)
    cleaned = clean_photos(list(photos))
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        if locked.status == S.WHISTLED:
            raise TransitionError(_("部门办理中的工单由主办部门办结"))
        check_ticket(
            locked,
            S.RESOLVED,
            seen=seen_status(ticket),
            action=_("办结"),
            only_from=frozenset({S.IN_PROGRESS}),
        )
        now = timezone.now()
        save_photos(cleaned, ticket=locked, kind=TicketPhoto.Kind.RESULT, actor=actor)
        resolve_locked(
            locked, actor=actor, explanation=explanation, now=now, event=ev.resolved(explanation=explanation)
        )
    return locked


def _withdraw_whistles(ticket: Ticket, *, all_from_stats: bool) -> list[int]:
    """Cancel the ticket's open whistles (and, for emergencies, take every whistle out of the
    department statistics). Returns the cancelled whistles' ids."""
    open_ids = list(
        ticket.whistles.filter(status__in=[WhistleStatus.PENDING, WhistleStatus.RESPONDED]).values_list(
            "id", flat=True
        )
    )
    Whistle.objects.filter(pk__in=open_ids).update(status=WhistleStatus.CANCELLED, excluded_from_stats=True)
    if all_from_stats:
        ticket.whistles.update(excluded_from_stats=True)
    return open_ids


def conclude_whistles(ticket: Ticket) -> list[int]:
    """The ticket (locked) is closing: its still-open whistles — assisting departments that had
    not finished when the lead resolved the ticket — end as concluded (随工单结束). They stay in
    the department statistics (received; responded in time if they were; not resolved in time).
    Returns their ids, for the CLOSED event's ``concluded_whistles``. Safe without whistle locks:
    every whistle service locks the ticket first."""
    open_ids = list(ticket.whistles.filter(status__in=list(WHISTLE_OPEN)).values_list("id", flat=True))
    if open_ids:
        Whistle.objects.filter(pk__in=open_ids).update(status=WhistleStatus.CONCLUDED)
    return open_ids


def ticket_merge(*, actor: Any, ticket: Ticket, into: Ticket, reason: str = "") -> Ticket:
    """Merge a duplicate (``ticket``) into its original (``into``): the duplicate ends as merged,
    its open whistles are withdrawn, both histories record it. Locks both, lower id first."""
    if ticket.pk == into.pk:
        raise ValidationError({"into": _("不能合并到自身")})
    with transaction.atomic():
        first, second = sorted([ticket.pk, into.pk])
        locked_pair = {first: lock_ticket(first), second: lock_ticket(second)}
        duplicate, original = locked_pair[ticket.pk], locked_pair[into.pk]
        require_tier(actor, duplicate)
        if not has_role(actor, AREA_VIEWER_ROLES, at_path=original.area_path):
            raise deny()
        check_ticket(duplicate, S.MERGED, seen=seen_status(ticket), action=_("合并"))
        if original.status in (S.CANCELLED, S.MERGED, S.TRANSFERRED):
            raise ValidationError(
                {"into": _("原诉求已结束（%(s)s），不能并入") % {"s": S(original.status).label}}
            )
        now = timezone.now()
        withdrawn = _withdraw_whistles(duplicate, all_from_stats=False)
        duplicate.merged_into = original
        duplicate.excluded_from_stats = True
        move(
            duplicate,
            to=S.MERGED,
            actor=actor,
            now=now,
            fields=["merged_into", "excluded_from_stats"],
            event=ev.merged(
                into=original.pk, reason=reason.strip()[:500], withdrawn_whistles=withdrawn or None
            ),
        )
        move(
            original,
            to=original.status,
            actor=actor,
            now=now,
            event=ev.duplicate_added(duplicate=duplicate.pk),
        )
    return duplicate


def ticket_cancel(*, actor: Any, ticket: Ticket, reason: str = "") -> Ticket:
    """Cancel at the requester's wish: the requester, or staff of the handling tier on the
    requester's behalf (a reason is then required). Open whistles are withdrawn."""
    with transaction.atomic():
        locked = lock_ticket(ticket)
        by_requester = is_requester(actor, locked)
        if not by_requester:
            require_tier(actor, locked)
            reason = required_text(reason, field="reason", label=_("撤销理由"), max_length=500)
        check_ticket(locked, S.CANCELLED, seen=seen_status(ticket), action=_("撤销"))
        withdrawn = _withdraw_whistles(locked, all_from_stats=False)
        move(
            locked,
            to=S.CANCELLED,
            actor=actor,
            now=timezone.now(),
            event=ev.cancelled(
                by_requester=by_requester,
                reason=(reason or "").strip()[:500],
                withdrawn_whistles=withdrawn or None,
            ),
        )
    return locked


def ticket_transfer_emergency(*, actor: Any, ticket: Ticket, target: str, note: str = "") -> Ticket:
    """Hand an emergency over to 110/119/120 or another hotline (转出). The ticket ends as
    transferred and it and its whistles leave the department statistics."""
    if target not in EmergencyTarget.values:
        raise ValidationError({"target": _("转出去向须为 110、119、120 或其他热线")})
    if target == EmergencyTarget.OTHER:
        note = required_text(note, field="note", label=_("转出说明"), max_length=500)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        if not (can_act_at_tier(actor, locked) or has_role(actor, STREET_ROLES, at_path=locked.area_path)):
            raise deny()
        check_ticket(locked, S.TRANSFERRED, seen=seen_status(ticket), action=_("应急转出"))
        now = timezone.now()
        withdrawn = _withdraw_whistles(locked, all_from_stats=True)
        locked.emergency_target = target
        locked.emergency_note = (note or "").strip()[:500]
        locked.transferred_at = now
        locked.excluded_from_stats = True
        move(
            locked,
            to=S.TRANSFERRED,
            actor=actor,
            now=now,
            fields=["emergency_target", "emergency_note", "transferred_at", "excluded_from_stats"],
            event=ev.transferred(
                target=target, note=locked.emergency_note, withdrawn_whistles=withdrawn or None
            ),
        )
    return locked


def ticket_close(*, actor: Any, ticket: Ticket, note: str = "") -> Ticket:
    """Close a resolved ticket without a rating (e.g. the requester did not rate in time).
    Still-open assisting whistles are concluded (``conclude_whistles``)."""
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        check_ticket(
            locked, S.CLOSED, seen=seen_status(ticket), action=_("关闭"), only_from=frozenset({S.RESOLVED})
        )
        now = timezone.now()
        locked.closed_at = now
        concluded = conclude_whistles(locked)
        notes.rate_requests_settled(locked)
        move(
            locked,
            to=S.CLOSED,
            actor=actor,
            now=now,
            fields=["closed_at"],
            event=ev.closed(note=note.strip()[:500], concluded_whistles=concluded or None),
        )
    return locked


def reopen_locked(locked: Ticket, *, actor: Any, now: Any, reason: str, by_rating: bool) -> None:
    """Put a resolved/closed locked ticket back to work at its handling tier, with a fresh
    completion limit; the old rating link stops working."""
    locked.reopen_count += 1
    _response, completion = deadlines_from(now, locked.category or locked.suggested_category)
    locked.completion_due = completion.at
    locked.deadline_estimated = completion.estimated
    locked.closed_at = None
    locked.rating_token_hash = ""
    locked.rating_token_used_at = None
    notes.rate_requests_settled(locked)
    move(
        locked,
        to=S.IN_PROGRESS,
        actor=actor,
        now=now,
        fields=[
            "reopen_count",
            "completion_due",
            "deadline_estimated",
            "closed_at",
            "rating_token_hash",
            "rating_token_used_at",
        ],
        event=ev.reopened(reason=reason, by_rating=by_rating),
    )
    notes.to_tier(
        locked.pk,
        locked.handling_area.path,
        TIER_OWNER[locked.tier],
        "ticket_reopened",
        _("诉求需重新办理"),
    )


def ticket_reopen(*, actor: Any, ticket: Ticket, reason: str) -> Ticket:
    """Staff reopen a resolved or closed ticket (e.g. the problem came back)."""
    reason = required_text(reason, field="reason", label=_("重办理由"), max_length=500)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        if not (can_act_at_tier(actor, locked) or has_role(actor, STREET_ROLES, at_path=locked.area_path)):
            raise deny()
        check_ticket(
            locked,
            S.IN_PROGRESS,
            seen=seen_status(ticket),
            action=_("重新办理"),
            only_from=frozenset({S.RESOLVED, S.CLOSED}),
        )
        reopen_locked(locked, actor=actor, now=timezone.now(), reason=reason, by_rating=False)
    return locked


def ticket_supervise(
    *, actor: Any, ticket: Ticket, reason: str, whistle: Whistle | None = None
) -> SupervisionOrder:
    """Issue a supervision order (督办单) on an open ticket, optionally aimed at one whistle's
    department. Street staff, the organisation department, leaders and admins may."""
    reason = required_text(reason, field="reason", label=_("督办事由"), max_length=1000)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_at_ticket(actor, locked, SUPERVISOR_ROLES)
        check_ticket(locked, locked.status, seen=None, action=_("督办"), only_from=OPEN_STATUSES)
        if whistle is not None and whistle.ticket_id != locked.pk:
            raise ValidationError({"whistle": _("呼叫不属于该工单")})
        now = timezone.now()
        order = SupervisionOrder.objects.create(
            ticket=locked,
            whistle=whistle,
            department=whistle.department if whistle is not None else None,
            kind=SupervisionOrder.Kind.MANUAL,
            reason=reason,
            issued_by=actor,
            issued_at=now,
        )
        move(
            locked,
            to=locked.status,
            actor=actor,
            now=now,
            whistle=whistle,
            event=ev.supervised(order=order.pk, reason=reason, manual=True),
        )
        title = _("督办：%(text)s") % {"text": locked.text[:30]}
        if whistle is not None:
            notes.to_departments(locked.pk, [whistle.department_id], "ticket_supervised", title, reason)
        else:
            notes.to_tier(
                locked.pk,
                locked.handling_area.path,
                TIER_OWNER[locked.tier],
                "ticket_supervised",
                title,
                reason,
            )
    return order


def supervision_close(*, actor: Any, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    """Close (销号) a supervision order by hand."""
    with transaction.atomic():
        locked_ticket = lock_ticket(order.ticket_id)
        require_at_ticket(actor, locked_ticket, SUPERVISOR_ROLES)
        locked = lock(SupervisionOrder.objects).get(pk=order.pk)
        if locked.status != SupervisionOrder.Status.OPEN:
            raise TransitionError(_("督办单已销号"))
        now = timezone.now()
        locked.status = SupervisionOrder.Status.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        if locked_ticket.status in ALLOW_SELF:
            append_event(
                ticket=locked_ticket,
                actor=actor,
                at=now,
                from_status=locked_ticket.status,
                to_status=locked_ticket.status,
                **ev.supervised(order=locked.pk, closed=True, note=note.strip()[:500]).as_fields(),
            )
    return locked


ALLOW_SELF = frozenset(s for s in S if s in OPEN_STATUSES or s in (S.RESOLVED, S.CLOSED))
