"""One-window services (一窗受理 · 一次办好) after the desk: the one-time notice of missing
materials (一次性告知) and the supplement of materials (补正).

An application for a one-window item is registered (received, 收件) and accepted (受理) only with
every required material of the item's checklist. When some are missing — seen at the desk, or by
the back office before accepting — the desk records one notice naming *all* of them
(``window_notice_record``, or ``ticket_create(notice_missing=True)`` at the desk): the event is on
the ticket's timeline, the applicant is told (account, contact number and e-mail), and the ticket's own limits
are suspended (``materials_notice_at`` set, ``response_due``/``completion_due`` cleared: the
applicant's time to bring them is not the office's). Accepting waits until the materials are
complete. ``window_materials_receive`` records what the applicant brings; once nothing is missing,
the limits start again from then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.accounts.models import User
from quanyu.catalog.models import Category
from quanyu.core.permissions import has_role
from quanyu.notify.services import notify_send
from quanyu.tickets import events as ev
from quanyu.tickets import notifications as notes
from quanyu.tickets.access import CHANNEL_ROLES, deny
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.services._base import check_ticket, deadlines_from, lock_ticket, move, seen_status
from quanyu.tickets.states import TicketStatus

S = TicketStatus
NOTE_MAX = 500
BEFORE_ACCEPTANCE = frozenset({S.NEW})


def _require_desk(actor: Any, ticket: Ticket) -> None:
    """The front desk's roles (community or street staff) at the ticket's place."""
    if not has_role(actor, CHANNEL_ROLES[Channel.WINDOW], at_path=ticket.area_path):
        raise deny()


def is_window_item(ticket: Ticket) -> bool:
    """Whether ``ticket`` is for a one-window item with a materials checklist (any channel)."""
    category = ticket.category
    return category is not None and category.is_one_window and bool(category.materials)


def _one_window_item(ticket: Ticket) -> Category:
    if not is_window_item(ticket):
        raise ValidationError({"category": _("该工单不是有材料清单的一窗受理事项")})
    assert ticket.category is not None
    return ticket.category


def _listed(values: Iterable[str], category: Category, *, field: str) -> list[str]:
    """``values`` stripped and without repeats, each one an item of the category's checklist."""
    wanted: list[str] = []
    for value in values:
        text = str(value or "").strip()
        if text and text not in wanted:
            wanted.append(text)
    unknown = [m for m in wanted if m not in (category.materials or [])]
    if unknown:
        raise ValidationError(
            {field: _("不在该事项的材料清单中：%(items)s") % {"items": "、".join(unknown)[:200]}}
        )
    return wanted


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": _("备注不能超过 %(n)d 字") % {"n": NOTE_MAX}})
    return text


def notice_locked(
    locked: Ticket, *, actor: Any, now: dt.datetime, missing: list[str], note: str
) -> TicketEvent:
    """Record the one-time notice on a locked (or just created) one-window ticket: the missing
    materials leave the received list, the limits are suspended, the event is appended and the
    applicant is told after commit. The caller has checked the actor, the state and ``missing``."""
    category = locked.category
    assert category is not None
    gone = set(missing)
    locked.materials = [m for m in locked.materials or [] if m not in gone]
    locked.materials_notice_at = now
    locked.response_due = None
    locked.completion_due = None
    told = [
        channel
        for channel, present in (
            ("account", locked.requester_id is not None),
            ("sms", bool(locked.contact_phone)),
            ("email", bool(locked.contact_email)),
        )
        if present
    ]
    event = move(
        locked,
        to=locked.status,
        actor=actor,
        now=now,
        fields=["materials", "materials_notice_at", "response_due", "completion_due"],
        event=ev.window_notice(
            item=category.name,
            missing=list(missing),
            received=list(locked.materials),
            note=note,
            notified=told or None,
        ),
    )
    if told:
        title = _("一次性告知：您申请的“%(item)s”尚缺材料：%(missing)s。请补齐后到窗口办理（编号 #%(n)d）")
        title = title % {
            "item": category.name,
            "missing": "、".join(missing),
            "n": locked.pk,
        }
        body = _("尚缺材料：%(missing)s。补齐后即可受理，不再另行要求其他材料。") % {
            "missing": "、".join(missing)
        }
        if note:
            body = f"{body}\n{note}"
        _tell_applicant(
            locked.pk,
            locked.requester_id,
            title,
            body,
            phone=locked.contact_phone,
            email=locked.contact_email,
        )
    return event


def _tell_applicant(
    ticket_id: int, requester_id: int | None, title: str, body: str, *, phone: str, email: str
) -> None:
    """The notice to the applicant: their account (in-app and its channels), the contact number
    (SMS carries the title, which names what is missing) and the contact e-mail address."""
    users = list(User.objects.filter(pk=requester_id, is_active=True)) if requester_id else []
    notify_send(
        recipients=users,
        kind="ticket_window_notice",
        title=title,
        body=body,
        link=notes.ticket_link(ticket_id),
        phones=[phone] if phone else [],
        emails=[email] if email else [],
    )


def window_notice_record(
    *, actor: Any, ticket: Ticket, missing: Iterable[str] | None = None, note: str = ""
) -> Ticket:
    """一次性告知: tell the applicant of a one-window ticket not yet accepted every material still
    missing — ``missing`` (items of the checklist), or by default those not received. Front desk
    roles at the ticket's place; the ticket must be new (before acceptance). Writes the
    ``window_notice`` event, suspends the ticket's limits and tells the requester (their account,
    SMS to the contact number, e-mail to the contact address; delivered after commit)."""
    note = _note(note)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        _require_desk(actor, locked)
        check_ticket(
            locked, S.NEW, seen=seen_status(ticket), action=_("一次性告知"), only_from=BEFORE_ACCEPTANCE
        )
        category = _one_window_item(locked)
        wanted = locked.missing_materials if missing is None else _listed(missing, category, field="missing")
        if not wanted:
            raise ValidationError({"missing": _("请列出尚缺的材料（申请材料已齐全的无需告知）")})
        notice_locked(locked, actor=actor, now=timezone.now(), missing=wanted, note=note)
    return locked


def window_materials_receive(
    *, actor: Any, ticket: Ticket, materials: Iterable[str], note: str = ""
) -> Ticket:
    """补正: record the materials the applicant brought for a one-window ticket not yet accepted.
    When none is missing any more, a pending notice is settled and the ticket's limits start
    from now (the response limit for acceptance, the completion limit of the item)."""
    note = _note(note)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        _require_desk(actor, locked)
        check_ticket(
            locked, S.NEW, seen=seen_status(ticket), action=_("补正材料"), only_from=BEFORE_ACCEPTANCE
        )
        category = _one_window_item(locked)
        given = _listed(materials, category, field="materials")
        had = set(locked.materials or [])
        new = [m for m in given if m not in had]
        if not new:
            raise ValidationError({"materials": _("请勾选本次补交的材料")})
        now = timezone.now()
        have = had | set(new)
        locked.materials = [m for m in category.materials if m in have]
        still = locked.missing_materials
        fields = ["materials"]
        restarted = not still and locked.materials_notice_at is not None
        if restarted:
            response_due, completion_due = deadlines_from(now, category)
            locked.materials_notice_at = None
            locked.response_due = response_due.at
            locked.completion_due = completion_due.at
            locked.deadline_estimated = response_due.estimated or completion_due.estimated
            fields += ["materials_notice_at", "response_due", "completion_due", "deadline_estimated"]
        move(
            locked,
            to=locked.status,
            actor=actor,
            now=now,
            fields=fields,
            event=ev.materials_received(
                received=new,
                missing=still or None,
                complete=not still,
                limits_restarted=restarted or None,
                note=note,
            ),
        )
    return locked


def limits_start(ticket: Ticket) -> dt.datetime:
    """When the ticket's current limits started: its last reopening, or the completion of the
    materials of a one-time notice, else its submission."""
    events = TicketEvent.objects.filter(
        ticket_id=ticket.pk, kind__in=[EventKind.REOPENED, EventKind.MATERIALS_RECEIVED]
    ).order_by("-at", "-id")
    for kind, at, payload in events.values_list("kind", "at", "payload"):
        if kind == EventKind.REOPENED or (payload or {}).get("limits_restarted"):
            return at
    return ticket.created_at


__all__ = ["limits_start", "notice_locked", "window_materials_receive", "window_notice_record"]
