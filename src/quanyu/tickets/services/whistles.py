"""The street's whistle (呼叫/吹哨) and the departments' answers: respond (响应), resolve (办结),
return (退回); the street may withdraw a whistle. Locks are taken ticket first, then whistle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.catalog.calendar import WorkCalendar, deadline_after
from quanyu.catalog.models import Tier
from quanyu.core.workflow.errors import TransitionError
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import events as ev
from quanyu.tickets import notifications as notes
from quanyu.tickets.access import STREET_ROLES, require_at_ticket, require_handler
from quanyu.tickets.models import Ticket, TicketPhoto, Whistle
from quanyu.tickets.photos import clean_photos
from quanyu.tickets.replycheck import require_answer
from quanyu.tickets.services._base import (
    check_ticket,
    check_whistle,
    limits_of,
    lock_ticket,
    lock_whistle,
    move,
    required_text,
    save_photos,
    seen_status,
)
from quanyu.tickets.services.handling import _close_supervisions, resolve_locked
from quanyu.tickets.states import WHISTLE_OPEN, TicketStatus, WhistleStatus

S = TicketStatus
W = WhistleStatus


def _street_path(ticket: Ticket) -> str:
    return ticket.street.path if ticket.street_id and ticket.street else ticket.handling_area.path


def ticket_whistle(
    *, actor: Any, ticket: Ticket, departments: Sequence[Unit], lead: Unit | None, note: str = ""
) -> list[Whistle]:
    """The street calls one or more departments (吹哨). ``lead`` (主办) must be one of
    ``departments`` unless an open lead whistle exists already (then only assistants are added).
    Each whistle's response and completion limits are counted from now by the ticket's category."""
    if not departments:
        raise ValidationError({"departments": _("请选择至少一个职能部门")})
    ids = [d.pk for d in departments]
    if len(set(ids)) != len(ids):
        raise ValidationError({"departments": _("职能部门重复")})
    for d in departments:
        if d.kind != UnitKind.DEPARTMENT:
            raise ValidationError({"departments": _("%(name)s 不是职能部门") % {"name": d.name}})
    if lead is not None and lead.pk not in ids:
        raise ValidationError({"lead": _("主办部门须在所选部门之中")})
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_at_ticket(actor, locked, STREET_ROLES)
        if locked.tier != Tier.STREET:
            raise TransitionError(_("工单需先上报至街道，才能吹哨呼叫部门"))
        check_ticket(
            locked,
            S.WHISTLED,
            seen=seen_status(ticket),
            action=_("吹哨呼叫"),
            only_from=frozenset({S.IN_PROGRESS, S.WHISTLED}),
        )
        open_whistles = list(locked.whistles.filter(status__in=WHISTLE_OPEN).select_related("department"))
        busy = {w.department_id: w.department.name for w in open_whistles}
        for d in departments:
            if d.pk in busy:
                raise ValidationError({"departments": _("%(name)s 正在办理该诉求") % {"name": d.name}})
        has_lead = any(w.lead for w in open_whistles)
        if lead is None and not has_lead:
            raise ValidationError({"lead": _("请指定主办部门")})
        if lead is not None and has_lead:
            raise ValidationError({"lead": _("已有主办部门在办理，新增部门只能协办")})
        now = timezone.now()
        hours, days, working = limits_of(locked.category or locked.suggested_category)
        calendar = WorkCalendar()
        response_due = deadline_after(now, hours=hours, working=working, calendar=calendar)
        completion_due = deadline_after(now, days=days, working=working, calendar=calendar)
        note = (note or "").strip()[:500]
        created = Whistle.objects.bulk_create(
            [
                Whistle(
                    ticket=locked,
                    department=d,
                    lead=lead is not None and d.pk == lead.pk,
                    status=W.PENDING,
                    note=note,
                    whistled_by=actor,
                    whistled_at=now,
                    response_due=response_due.at,
                    completion_due=completion_due.at,
                    deadline_estimated=response_due.estimated or completion_due.estimated,
                )
                for d in departments
            ]
        )
        if locked.accepted_at is None:
            locked.accepted_at = now
        move(
            locked,
            to=S.WHISTLED,
            actor=actor,
            now=now,
            fields=["accepted_at"],
            event=ev.whistled(
                departments=ids,
                department_names=[d.name for d in departments],
                lead=lead.pk if lead is not None else None,
                note=note,
            ),
        )
        # bulk_create leaves pks unset on some backends: read the new rows back.
        whistles = list(
            Whistle.objects.filter(ticket=locked, department_id__in=ids, status=W.PENDING, whistled_at=now)
            .select_related("department")
            .order_by("-lead", "id")
        )
        assert len(whistles) == len(created)
        notes.to_departments(
            locked.pk,
            ids,
            "whistle_received",
            _("街道吹哨：%(text)s") % {"text": locked.text[:30]},
            note,
        )
    return whistles


def whistle_respond(*, actor: Any, whistle: Whistle, note: str = "") -> Whistle:
    """The department accepts the whistle (响应). Of many handlers responding at once exactly one
    wins; the others get a ConflictError."""
    seen = seen_status(whistle)
    with transaction.atomic():
        locked_ticket = lock_ticket(whistle.ticket_id)
        locked = lock_whistle(whistle)
        require_handler(actor, locked, locked_ticket)
        check_whistle(locked, W.RESPONDED, seen=seen, action=_("响应"))
        check_ticket(locked_ticket, locked_ticket.status, seen=None, action=_("响应"))
        now = timezone.now()
        locked.status = W.RESPONDED
        locked.responded_at = now
        locked.responded_by = actor
        locked.save(update_fields=["status", "responded_at", "responded_by"])
        move(
            locked_ticket,
            to=locked_ticket.status,
            actor=actor,
            now=now,
            whistle=locked,
            event=ev.whistle_responded(
                department=locked.department_id,
                on_time=now <= locked.response_due,
                note=(note or "").strip()[:500],
            ),
        )
        notes.to_street(
            locked_ticket.pk,
            _street_path(locked_ticket),
            "whistle_responded",
            _("%(dept)s 已响应") % {"dept": locked.department.name},
        )
    return locked


def whistle_resolve(
    *,
    actor: Any,
    whistle: Whistle,
    explanation: str,
    photos: Sequence[Any] = (),
    override_reason: str = "",
) -> Whistle:
    """The department resolves its part (办结) with an explanation and photos.

    In the 12345 practice the assisting departments (协办) report their part to the lead within
    their own limits and the lead (主办) answers for all: so the lead's 办结, which resolves the
    ticket and asks the requester to rate, waits until no assisting whistle is open. The lead may
    go ahead anyway with an ``override_reason`` (recorded on the event with the parts still open);
    those whistles then stay open (scored on their own limits) until the ticket closes, which
    concludes them (``handling.conclude_whistles``). A part returned or withdrawn does not block."""
    explanation = required_text(explanation, field="explanation", label=_("办理说明"), max_length=2000)
    override_reason = (override_reason or "").strip()[:500]
    require_answer(request=lambda: whistle.ticket.text, reply=explanation)
    cleaned = clean_photos(list(photos))
    seen = seen_status(whistle)
    with transaction.atomic():
        locked_ticket = lock_ticket(whistle.ticket_id)
        locked = lock_whistle(whistle)
        require_handler(actor, locked, locked_ticket)
        check_whistle(locked, W.RESOLVED, seen=seen, action=_("办结"))
        resolves_ticket = locked.lead and locked_ticket.status == S.WHISTLED
        waiting = assisting_open(locked_ticket, locked) if resolves_ticket else []
        if waiting and not override_reason:
            raise ValidationError(
                {
                    "override_reason": _(
                        "协办部门（%(names)s）尚未办结：请待其办结后再办结，或填写先行办结的理由"
                    )
                    % {"names": "、".join(w.department.name for w in waiting)}
                }
            )
        now = timezone.now()
        locked.status = W.RESOLVED
        locked.resolved_at = now
        locked.resolved_by = actor
        locked.explanation = explanation
        locked.save(update_fields=["status", "resolved_at", "resolved_by", "explanation"])
        save_photos(cleaned, ticket=locked_ticket, kind=TicketPhoto.Kind.RESULT, actor=actor, whistle=locked)
        _close_supervisions(locked_ticket, now, whistle=locked)
        if resolves_ticket:
            resolve_locked(
                locked_ticket,
                actor=actor,
                explanation=explanation,
                now=now,
                event=ev.whistle_resolved(
                    explanation=explanation,
                    override_reason=override_reason if waiting else None,
                    assisting_open=[w.pk for w in waiting] or None,
                ),
                whistle=locked,
            )
        else:
            check_ticket(locked_ticket, locked_ticket.status, seen=None, action=_("办结"))
            move(
                locked_ticket,
                to=locked_ticket.status,
                actor=actor,
                now=now,
                whistle=locked,
                event=ev.whistle_resolved(
                    department=locked.department_id,
                    on_time=now <= locked.completion_due,
                    explanation=explanation,
                ),
            )
        notes.to_street(
            locked_ticket.pk,
            _street_path(locked_ticket),
            "whistle_resolved",
            _("%(dept)s 已办结") % {"dept": locked.department.name},
        )
        if not locked.lead and locked_ticket.status == S.WHISTLED:
            _tell_the_lead(locked_ticket, locked)
    return locked


def assisting_open(ticket: Ticket, lead: Whistle) -> list[Whistle]:
    """The ticket's assisting whistles still open (pending or responded), besides ``lead``."""
    return list(
        ticket.whistles.filter(status__in=WHISTLE_OPEN, lead=False)
        .exclude(pk=lead.pk)
        .select_related("department")
        .order_by("id")
    )


def _tell_the_lead(ticket: Ticket, part: Whistle) -> None:
    """An assisting part is in: the open lead department hears of it, and whether it may answer now."""
    lead = ticket.whistles.filter(status__in=WHISTLE_OPEN, lead=True).first()
    if lead is None:
        return
    left = len(assisting_open(ticket, lead))
    facts = {"dept": part.department.name, "n": left}
    title = (
        _("%(dept)s 已办结协办部分，可以办结答复") % facts
        if left == 0
        else _("%(dept)s 已办结协办部分，尚有 %(n)d 个协办部门未办结") % facts
    )
    notes.to_departments(ticket.pk, [lead.department_id], "assist_resolved", title, part.explanation[:500])


def _after_whistle_closed(
    locked_ticket: Ticket,
    locked: Whistle,
    *,
    actor: Any,
    reason: str,
    now: Any,
    withdrawn: bool | None = None,
) -> None:
    """After a whistle was returned or withdrawn: with no open whistle left the ticket goes back to
    the street (in progress) for its decision; otherwise the history just records it."""
    still_open = locked_ticket.whistles.filter(status__in=WHISTLE_OPEN).exists()
    target = (
        S.IN_PROGRESS if (locked_ticket.status == S.WHISTLED and not still_open) else locked_ticket.status
    )
    check_ticket(locked_ticket, target, seen=None, action=_("退回"))
    move(
        locked_ticket,
        to=target,
        actor=actor,
        now=now,
        whistle=locked,
        event=ev.whistle_returned(department=locked.department_id, reason=reason, withdrawn=withdrawn),
    )


def whistle_return(*, actor: Any, whistle: Whistle, reason: str) -> Whistle:
    """The department returns the whistle with a reason (退回: not ours, cannot be done…). The
    street then decides: whistle again (``ticket_whistle``) or dispatch down (``ticket_reassign``)."""
    reason = required_text(reason, field="reason", label=_("退回理由"), max_length=500)
    seen = seen_status(whistle)
    with transaction.atomic():
        locked_ticket = lock_ticket(whistle.ticket_id)
        locked = lock_whistle(whistle)
        require_handler(actor, locked, locked_ticket)
        check_whistle(locked, W.RETURNED, seen=seen, action=_("退回"))
        now = timezone.now()
        locked.status = W.RETURNED
        locked.return_reason = reason
        locked.returned_at = now
        locked.save(update_fields=["status", "return_reason", "returned_at"])
        _after_whistle_closed(locked_ticket, locked, actor=actor, now=now, reason=reason)
        notes.to_street(
            locked_ticket.pk,
            _street_path(locked_ticket),
            "whistle_returned",
            _("%(dept)s 退回了呼叫，请街道重新决定") % {"dept": locked.department.name},
            reason,
        )
    return locked


def whistle_cancel(*, actor: Any, whistle: Whistle, reason: str) -> Whistle:
    """The street withdraws a whistle it blew (撤回); it leaves the department's statistics."""
    reason = required_text(reason, field="reason", label=_("撤回理由"), max_length=500)
    seen = seen_status(whistle)
    with transaction.atomic():
        locked_ticket = lock_ticket(whistle.ticket_id)
        locked = lock_whistle(whistle)
        require_at_ticket(actor, locked_ticket, STREET_ROLES)
        check_whistle(locked, W.CANCELLED, seen=seen, action=_("撤回"))
        now = timezone.now()
        locked.status = W.CANCELLED
        locked.excluded_from_stats = True
        locked.save(update_fields=["status", "excluded_from_stats"])
        _after_whistle_closed(
            locked_ticket,
            locked,
            actor=actor,
            now=now,
            reason=reason,
            withdrawn=True,
        )
    return locked
