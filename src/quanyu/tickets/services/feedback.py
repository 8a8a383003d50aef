"""Feedback: the requester's rating (link without an account, or logged in), staff phone
callbacks (回访), department appeals against a rating and the street's decision, and the
re-handling ledger (重办台账)."""

from __future__ import annotations

import hmac
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import lock
from quanyu.core.workflow.errors import TransitionError
from quanyu.tickets import events as ev
from quanyu.tickets import notifications as notes
from quanyu.tickets.access import (
    CALLBACK_ROLES,
    STREET_ROLES,
    can_act_at_tier,
    deny,
    handler_unit_ids,
    is_requester,
    require_at_ticket,
    require_tier,
)
from quanyu.tickets.conf import reopen_limit
from quanyu.tickets.models import Rating, RatingLevel, RehandlingEntry, Ticket
from quanyu.tickets.services._base import (
    check_ticket,
    issue_rating_token,
    lock_ticket,
    move,
    required_text,
    token_hash,
)
from quanyu.tickets.services.handling import conclude_whistles, reopen_locked
from quanyu.tickets.states import TicketStatus, WhistleStatus

S = TicketStatus
_BAD_TOKEN = _("评价链接无效或已过期")


def _level(level: str) -> RatingLevel:
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("评价须为满意、基本满意或不满意")})
    return RatingLevel(level)


def _ticket_for_token(token: str) -> Ticket:
    """The locked ticket a token belongs to; ValidationError for forged, stale or used tokens."""
    head, sep, _secret = (token or "").partition(".")
    if not sep or not (head.isascii() and head.isdigit() and len(head) < 19):
        raise ValidationError({"token": _BAD_TOKEN})
    try:
        locked = lock_ticket(int(head))
    except ValidationError:
        raise ValidationError({"token": _BAD_TOKEN}) from None
    if not locked.rating_token_hash or not hmac.compare_digest(locked.rating_token_hash, token_hash(token)):
        raise ValidationError({"token": _BAD_TOKEN})
    if locked.rating_token_used_at is not None:
        raise ValidationError({"token": _("该评价链接已使用，每次办结只能评价一次")})
    return locked


def _effective_level(ticket: Ticket) -> tuple[str, Any]:
    latest = ticket.ratings.filter(counts=True).order_by("-at", "-id").first()
    return (latest.level, latest.at) if latest else ("", None)


def _apply_rating(locked: Ticket, rating: Rating, *, actor: Any, now: Any) -> None:
    """Record the rating on a resolved ticket and move it on: closed when satisfied, reopened on
    不满意 while the reopen allowance lasts, else closed into the re-handling ledger. Closing
    concludes the assisting whistles still open (``conclude_whistles``)."""
    locked.rating_level = rating.level
    locked.rated_at = now
    locked.rating_token_used_at = now
    rated = ev.callback if rating.via == Rating.Via.CALLBACK else ev.rated
    move(
        locked,
        to=locked.status,
        actor=actor,
        now=now,
        fields=["rating_level", "rated_at", "rating_token_used_at"],
        event=rated(rating=rating.pk, level=rating.level, via=rating.via, comment=rating.comment),
    )
    if locked.status != S.RESOLVED:
        if rating.level == RatingLevel.DISSATISFIED:
            RehandlingEntry.objects.create(ticket=locked, rating=rating)
        return
    if rating.level == RatingLevel.DISSATISFIED and locked.reopen_count < reopen_limit():
        reopen_locked(
            locked, actor=actor, now=now, reason=rating.comment or _("诉求人不满意"), by_rating=True
        )
        return
    if rating.level == RatingLevel.DISSATISFIED:
        RehandlingEntry.objects.create(ticket=locked, rating=rating)
    locked.closed_at = now
    concluded = conclude_whistles(locked)
    notes.rate_requests_settled(locked)
    move(
        locked,
        to=S.CLOSED,
        actor=actor,
        now=now,
        fields=["closed_at"],
        event=ev.closed(rating=rating.pk, concluded_whistles=concluded or None),
    )


def ticket_rate(
    *,
    actor: Any,
    level: str,
    comment: str = "",
    token: str | None = None,
    ticket: Ticket | None = None,
) -> Rating:
    """The requester rates a resolved ticket (满意/基本满意/不满意), either through the single-use
    link (``token``, no account needed) or logged in as the requester (``ticket``). A used, stale
    or forged token is refused and nothing is written."""
    rating_level = _level(level)
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": _("评价意见不能超过 1000 字")})
    if rating_level == RatingLevel.DISSATISFIED and not comment:
        raise ValidationError({"comment": _("不满意时请说明原因")})
    with transaction.atomic():
        if token:
            locked = _ticket_for_token(token)
            via = Rating.Via.LINK
        elif ticket is not None:
            locked = lock_ticket(ticket)
            if not is_requester(actor, locked):
                raise deny()
            via = Rating.Via.REQUESTER
            if locked.rating_token_used_at is not None:
                raise ValidationError({"token": _("该评价链接已使用，每次办结只能评价一次")})
        else:
            raise ValidationError({"token": _BAD_TOKEN})
        check_ticket(locked, locked.status, seen=None, action=_("评价"), only_from=frozenset({S.RESOLVED}))
        now = timezone.now()
        rating = Rating.objects.create(
            ticket=locked,
            level=rating_level,
            comment=comment,
            via=via,
            rated_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
            at=now,
        )
        _apply_rating(locked, rating, actor=actor, now=now)
    return rating


def ticket_callback(*, actor: Any, ticket: Ticket, level: str, comment: str = "") -> Rating:
    """Staff record a phone callback (回访) as a rating: on a resolved ticket it acts like the
    requester's rating; on a closed one it updates the effective rating (不满意 → ledger)."""
    rating_level = _level(level)
    comment = (comment or "").strip()[:1000]
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_at_ticket(actor, locked, CALLBACK_ROLES)
        check_ticket(
            locked, locked.status, seen=None, action=_("回访"), only_from=frozenset({S.RESOLVED, S.CLOSED})
        )
        now = timezone.now()
        rating = Rating.objects.create(
            ticket=locked,
            level=rating_level,
            comment=comment,
            via=Rating.Via.CALLBACK,
            rated_by=actor,
            at=now,
        )
        _apply_rating(locked, rating, actor=actor, now=now)
    return rating


def rating_appeal(*, actor: Any, rating: Rating, reason: str) -> Rating:
    """A department that handled the ticket appeals a 不满意 rating it holds unreasonable; the
    street decides (``rating_appeal_decide``)."""
    reason = required_text(reason, field="reason", label=_("申诉理由"), max_length=1000)
    with transaction.atomic():
        locked_ticket = lock_ticket(rating.ticket_id)
        locked = lock(Rating.objects).get(pk=rating.pk)
        handled = set(
            locked_ticket.whistles.exclude(status=WhistleStatus.CANCELLED).values_list(
                "department_id", flat=True
            )
        )
        units = handler_unit_ids(actor, at_path=locked_ticket.area_path) & handled
        if not units:
            raise deny()
        if locked.level != RatingLevel.DISSATISFIED or not locked.counts:
            raise TransitionError(_("只能对计入满意率的不满意评价申诉"))
        if locked.appeal_status:
            raise TransitionError(_("该评价已申诉过"))
        check_ticket(locked_ticket, locked_ticket.status, seen=None, action=_("申诉"))
        now = timezone.now()
        locked.appeal_status = Rating.Appeal.PENDING
        locked.appeal_unit_id = min(units)
        locked.appeal_reason = reason
        locked.appealed_at = now
        locked.save(update_fields=["appeal_status", "appeal_unit", "appeal_reason", "appealed_at"])
        move(
            locked_ticket,
            to=locked_ticket.status,
            actor=actor,
            now=now,
            event=ev.appealed(rating=locked.pk, unit=locked.appeal_unit_id, reason=reason),
        )
        street_path = locked_ticket.street.path if locked_ticket.street else locked_ticket.handling_area.path
        notes.to_street(locked_ticket.pk, street_path, "rating_appealed", _("部门对评价提出申诉"), reason)
    return locked


def rating_appeal_decide(*, actor: Any, rating: Rating, upheld: bool, note: str = "") -> Rating:
    """The street decides an appeal: upheld → the rating stops counting (the ticket's effective
    rating falls back to its previous counting one); rejected → it stands."""
    note = (note or "").strip()[:1000]
    with transaction.atomic():
        locked_ticket = lock_ticket(rating.ticket_id)
        locked = lock(Rating.objects).get(pk=rating.pk)
        require_at_ticket(actor, locked_ticket, STREET_ROLES)
        if locked.appeal_status != Rating.Appeal.PENDING:
            raise TransitionError(_("没有待裁定的申诉"))
        check_ticket(locked_ticket, locked_ticket.status, seen=None, action=_("裁定申诉"))
        now = timezone.now()
        locked.appeal_status = Rating.Appeal.UPHELD if upheld else Rating.Appeal.REJECTED
        locked.appeal_decided_by = actor
        locked.appeal_decided_at = now
        locked.appeal_decision_note = note
        fields = ["appeal_status", "appeal_decided_by", "appeal_decided_at", "appeal_decision_note"]
        if upheld:
            locked.counts = False
            fields.append("counts")
        locked.save(update_fields=fields)
        if upheld:
            locked_ticket.rating_level, locked_ticket.rated_at = _effective_level(locked_ticket)
        move(
            locked_ticket,
            to=locked_ticket.status,
            actor=actor,
            now=now,
            fields=["rating_level", "rated_at"],
            event=ev.appeal_decided(rating=locked.pk, upheld=upheld, note=note),
        )
        if locked.appeal_unit_id:
            notes.to_departments(
                locked_ticket.pk,
                [locked.appeal_unit_id],
                "rating_appeal_decided",
                _("申诉成立") if upheld else _("申诉被驳回"),
                note,
            )
    return locked


def rehandling_close(*, actor: Any, entry: RehandlingEntry, note: str) -> RehandlingEntry:
    """Record that a ledger entry was handled again (重办销号)."""
    note = required_text(note, field="note", label=_("重办情况"), max_length=1000)
    with transaction.atomic():
        locked_ticket = lock_ticket(entry.ticket_id)
        if not (can_act_at_tier(actor, locked_ticket) or _street(actor, locked_ticket)):
            raise deny()
        locked = lock(RehandlingEntry.objects).get(pk=entry.pk)
        if locked.status != RehandlingEntry.Status.OPEN:
            raise TransitionError(_("该台账条目已销号"))
        check_ticket(locked_ticket, locked_ticket.status, seen=None, action=_("重办销号"))
        now = timezone.now()
        locked.status = RehandlingEntry.Status.DONE
        locked.done_at = now
        locked.done_by = actor
        locked.note = note
        locked.save(update_fields=["status", "done_at", "done_by", "note"])
        move(
            locked_ticket,
            to=locked_ticket.status,
            actor=actor,
            now=now,
            event=ev.rehandled(entry=locked.pk, note=note),
        )
    return locked


def _street(actor: Any, ticket: Ticket) -> bool:
    try:
        require_at_ticket(actor, ticket, STREET_ROLES)
    except PermissionDenied:
        return False
    return True


def ticket_rating_link_issue(*, actor: Any, ticket: Ticket) -> str:
    """A new single-use rating link token for a resolved ticket (e.g. to read out or send again);
    earlier links stop working. Answers the token; only its hash is stored."""
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        check_ticket(
            locked, locked.status, seen=None, action=_("生成评价链接"), only_from=frozenset({S.RESOLVED})
        )
        token = issue_rating_token(locked)
        locked.save(update_fields=["rating_token_hash", "rating_token_used_at"])
    return token
