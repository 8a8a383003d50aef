"""Shared steps of the ticket services: lock, transition check, save + event, deadlines, tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, lock
from quanyu.core.workflow.transitions import check_transition
from quanyu.tickets.events import EventSpec, append_event
from quanyu.tickets.hooks import ticket_changed

# Their home is the intake rules; the services import them from here.
from quanyu.tickets.intake_rules import deadlines_from as deadlines_from
from quanyu.tickets.intake_rules import limits_of as limits_of
from quanyu.tickets.models import EventKind, Ticket, TicketEvent, TicketPhoto, Whistle
from quanyu.tickets.photos import CleanPhoto
from quanyu.tickets.states import ALLOWED, WHISTLE_ALLOWED, TicketStatus, WhistleStatus


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """The ticket re-read under a row lock (FOR NO KEY UPDATE on PostgreSQL)."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    try:
        return lock(Ticket.objects.select_related("handling_area", "category")).get(pk=pk)
    except Ticket.DoesNotExist:
        raise ValidationError({"ticket": _("工单不存在")}) from None


def lock_whistle(whistle: Whistle | int) -> Whistle:
    pk = whistle.pk if isinstance(whistle, Whistle) else whistle
    try:
        return lock(Whistle.objects.select_related("department")).get(pk=pk)
    except Whistle.DoesNotExist:
        raise ValidationError({"whistle": _("呼叫不存在")}) from None


def seen_status(obj: Any) -> str | None:
    """The status the caller last saw (its copy of the object), if it passed one."""
    return getattr(obj, "status", None) if not isinstance(obj, int) else None


def check_ticket(
    ticket: Ticket,
    target: str,
    *,
    seen: str | None,
    action: str,
    only_from: frozenset[str] | None = None,
) -> None:
    """``core.workflow.check_transition`` on the ticket table (``only_from``: actions that start
    only from some states)."""
    check_transition(
        ALLOWED, ticket.status, target, labels=TicketStatus, seen=seen, action=action, what=_("工单"),
        only_from=only_from,
    )  # fmt: skip


def check_whistle(whistle: Whistle, target: str, *, seen: str | None, action: str) -> None:
    """``core.workflow.check_transition`` on the whistle table."""
    check_transition(
        WHISTLE_ALLOWED,
        whistle.status,
        target,
        labels=WhistleStatus,
        seen=seen,
        action=action,
        what=_("呼叫"),
    )


# Steps that change no whistle, no end state of the ticket and no effective rating: the listeners
# of ``quanyu.tickets.hooks`` are not told about them.
FIGURE_NEUTRAL_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.CATEGORISED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.ESCALATED,
        EventKind.REASSIGNED,
        EventKind.DUPLICATE_ADDED,
        EventKind.APPEALED,
        EventKind.SUPERVISED,
        EventKind.REMINDED,
        EventKind.REHANDLED,
        EventKind.WINDOW_NOTICE,
        EventKind.MATERIALS_RECEIVED,
    }
)


def move(
    ticket: Ticket,
    *,
    to: str,
    event: EventSpec,
    actor: Any,
    now: dt.datetime,
    fields: Iterable[str] = (),
    whistle: Whistle | None = None,
) -> TicketEvent:
    """Set ``ticket.status = to`` (already checked), save the named fields and append ``event``
    (built by one of ``quanyu.tickets.events``' typed functions).
    Then, unless the step is in ``FIGURE_NEUTRAL_KINDS``, note the ticket for the ticket listeners
    (``quanyu.tickets.hooks``: the department rollup), which hear of it after commit."""
    from_status = ticket.status
    ticket.status = to
    ticket.updated_at = now
    ticket.save(update_fields=sorted({*fields, "status", "updated_at"}))
    row = append_event(
        ticket=ticket,
        kind=event.kind,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=to,
        whistle=whistle,
        **event.payload,
    )
    if event.kind not in FIGURE_NEUTRAL_KINDS:
        ticket_changed(ticket.pk)
    return row


def require_materials(ticket: Ticket, *, action: str) -> None:
    """Refuse to accept (受理) a one-window application that waits for the materials named in a
    one-time notice: the desk records them first (``window_materials_receive``)."""
    if ticket.materials_notice_at is not None:
        raise TransitionError(
            _("该申请尚缺材料（%(items)s），已一次性告知，补正材料后才能%(action)s")
            % {"items": "、".join(ticket.missing_materials) or "—", "action": action}
        )


def required_text(value: str | None, *, field: str, label: str, max_length: int = 1000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError({field: _("%(label)s不能超过 %(n)d 字") % {"label": label, "n": max_length}})
    return text


def token_hash(token: str) -> str:
    key = hashlib.sha256(b"quanyu/tickets/rating-token:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def issue_rating_token(ticket: Ticket) -> str:
    """A fresh single-use rating token for ``ticket`` (its hash is stored; the caller saves the
    ``rating_token_hash`` and ``rating_token_used_at`` fields)."""
    token = f"{ticket.pk}.{secrets.token_urlsafe(24)}"
    ticket.rating_token_hash = token_hash(token)
    ticket.rating_token_used_at = None
    return token


def save_photos(
    photos: list[CleanPhoto], *, ticket: Ticket, kind: str, actor: Any, whistle: Whistle | None = None
) -> list[TicketPhoto]:
    uploader = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    rows = []
    for photo in photos:
        row = TicketPhoto(ticket=ticket, whistle=whistle, kind=kind, uploaded_by=uploader, size=photo.size)
        row.image.save(photo.content.name or "photo.jpg", photo.content, save=False)
        row.save()
        rows.append(row)
    return rows
