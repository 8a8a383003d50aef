"""Who submitted a ticket, forgotten when it is no longer needed (等保 2.0 residual information,
PIPL art. 47).

Two rules clear a ticket's contact (name, phone and its keyed hash, e-mail); the ticket, its
text, events, photos and rating stay, they are the community's record and the departments'
scores:

- **A person anonymised** (``people.erasure``): the tickets their account submitted and the
  tickets that gave their phone number (by its keyed hash; a number a household shares clears
  every ticket that gave it — erring on the side of forgetting). On those tickets the free text
  also loses the person's name and numbers (``PersonGone.scrub``): the request, the result, the
  events' particulars and actor names (the person's ratings, comments, cancellations), ratings
  and appeals, whistles, supervision orders and rehandling notes. The one time events change:
  the facts (kind, time, status) stay, only the text is scrubbed.

  What the person did on other people's tickets goes the same way (when they had a log-in
  account): the events their account acted in and the assignments to it, on any ticket (a rating, a
  cancellation; for a former worker the notes of handling others' tickets), lose the name the
  event kept (``actor_name``, ``assignee_name``: the account's name then, which may be a nickname
  or a pinyin user name, so it is replaced whole) and the scrub runs over their particulars; the
  ratings they recorded or decided, the whistles they blew or resolved, the supervision orders
  they issued and the rehandling they closed get the scrub on what they wrote. Events are not
  indexed by actor (``TicketEvent.actor``): finding them is one scan of the events table, paid
  once per anonymisation, rare next to the event writes an index would slow.

- **Retention** (``forget_contacts``): a ticket closed (rated, or closed without a rating) more
  than ``QUANYU_TICKET_CONTACT_DAYS`` days ago (default 180: the month's callback sample and an
  appeal are long done), or cancelled, merged or transferred that long ago. A retention rule
  (``core.retention``, key ``tickets``): daily on the beat, ``quanyu retention --only tickets
  [--dry-run] [--days N]`` by hand. Each batch it clears writes one audit entry with the ids.

Audit entries name tickets by id only: a ticket's text may itself speak of the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.core.audit import audit_record
from quanyu.core.retention import add_rule
from quanyu.core.workflow import lock, lock_all
from quanyu.people.erasure import ANONYMISED_NAME, PersonGone, add_eraser, scrub_rows, scrub_value
from quanyu.tickets.conf import setting
from quanyu.tickets.models import (
    EventKind,
    Rating,
    RehandlingEntry,
    SupervisionOrder,
    Ticket,
    TicketEvent,
    Whistle,
)
from quanyu.tickets.states import TicketStatus

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_phone_hash", "contact_email")
BATCH = 1000
ENDED = (TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED)


def _with_contact(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.exclude(contact_name="", contact_phone="", contact_phone_hash="", contact_email="")


def _clear(ids: list[int]) -> int:
    return Ticket.objects.filter(pk__in=ids).update(**dict.fromkeys(CONTACT_FIELDS, ""))


# Free text about the person on their tickets: what they wrote (the request, ratings, comments,
# cancellations), what staff and departments wrote back, and every event's particulars.
_TICKET_TEXT = ("text", "resolution", "emergency_note")
_RELATED_TEXT: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (TicketEvent, ("payload", "actor_name")),
    (Rating, ("comment", "appeal_reason", "appeal_decision_note")),
    (Whistle, ("note", "explanation", "return_reason")),
    (SupervisionOrder, ("reason",)),
    (RehandlingEntry, ("note",)),
)


def erase_person(gone: PersonGone) -> int:
    """The person's tickets (their account's, and those that gave their phone): contact cleared,
    their name and numbers taken out of the ticket's text and everything written on it (``scrub``);
    then what their account did on any ticket (``_erase_authored``); one audit entry per ticket
    changed, naming the fields."""
    match = Q(pk__in=[])
    if gone.user_id is not None:
        match |= Q(requester_id=gone.user_id)
    if gone.phone_hash:
        match |= Q(contact_phone_hash=gone.phone_hash)
    tickets = lock_all(Ticket.objects.filter(match).only("pk", *CONTACT_FIELDS))
    changed: dict[int, set[str]] = {}
    with_contact = [t.pk for t in tickets if any(getattr(t, f) for f in CONTACT_FIELDS)]
    _clear(with_contact)
    for pk in with_contact:
        changed.setdefault(pk, set()).update(CONTACT_FIELDS)
    ids = [t.pk for t in tickets]
    for pk, fields in scrub_rows(gone.scrub, Ticket.objects.filter(pk__in=ids), _TICKET_TEXT).items():
        changed.setdefault(pk, set()).update(fields)
    for model, text_fields in _RELATED_TEXT:
        _scrub_on_tickets(gone, model._default_manager.filter(ticket_id__in=ids), text_fields, changed)
    if gone.user_id is not None:
        for pk, authored in _erase_authored(gone, gone.user_id).items():
            changed.setdefault(pk, set()).update(authored)
    for pk in sorted(changed):
        audit_record(
            actor=gone.actor,
            action="anonymise",
            target_type="tickets.ticket",
            target_id=str(pk),
            fields=",".join(sorted(changed[pk])),
            reason=gone.reason,
            detail={"person": f"{gone.kind}:{gone.pk}"},
        )
    return len(changed)


# What an account wrote on tickets, wherever the ticket came from: (model, the author's field,
# the text it wrote).
_AUTHORED_TEXT: tuple[tuple[type[models.Model], str, tuple[str, ...]], ...] = (
    (Rating, "rated_by", ("comment",)),
    (Rating, "appeal_decided_by", ("appeal_decision_note",)),
    (Whistle, "whistled_by", ("note",)),
    (Whistle, "resolved_by", ("explanation",)),
    (SupervisionOrder, "issued_by", ("reason",)),
    (RehandlingEntry, "done_by", ("note",)),
)

# The ticket's own text an event's actor wrote.
_TICKET_TEXT_BY_EVENT: dict[str, str] = {
    EventKind.RESOLVED.value: "resolution",
    EventKind.TRANSFERRED.value: "emergency_note",
}


def _erase_authored(gone: PersonGone, user_id: int) -> dict[int, set[str]]:
    """The events on any ticket that the account ``user_id`` acted in or was assigned to: the
    name they kept of it replaced whole, their particulars scrubbed; the resolution or transfer
    note it wrote on a ticket, and what it wrote on ratings, whistles, supervision orders and
    rehandling, scrubbed. The changed fields by ticket. (The events are read into a list first:
    SQLite cannot update a table under an open cursor over it.)"""
    changed: dict[int, set[str]] = {}
    mine = Q(actor_id=user_id) | Q(kind=EventKind.ASSIGNED, payload__assignee=user_id)
    events = TicketEvent.objects.filter(mine).values_list(
        "pk", "ticket_id", "kind", "actor_id", "actor_name", "payload"
    )
    wrote: dict[str, set[int]] = {}  # the ticket's own text they wrote: its resolution, its transfer note
    for pk, ticket_id, kind, actor_id, actor_name, payload in list(events.order_by("pk")):
        new: dict[str, object] = {}
        if actor_id == user_id:
            if kind in _TICKET_TEXT_BY_EVENT:
                wrote.setdefault(_TICKET_TEXT_BY_EVENT[kind], set()).add(ticket_id)
            if actor_name not in ("", ANONYMISED_NAME):
                new["actor_name"] = ANONYMISED_NAME
        clean = scrub_value(gone.scrub, payload)
        if isinstance(clean, dict) and clean.get("assignee") == user_id and clean.get("assignee_name"):
            clean["assignee_name"] = ANONYMISED_NAME
        if clean != payload:
            new["payload"] = clean
        if new:
            TicketEvent.objects.filter(pk=pk).update(**new)
            changed.setdefault(ticket_id, set()).update(f"ticketevent.{f}" for f in new)
    for text_field, ids in sorted(wrote.items()):
        locked = [t.pk for t in lock_all(Ticket.objects.filter(pk__in=ids).only("pk"))]
        for pk, fields in scrub_rows(gone.scrub, Ticket.objects.filter(pk__in=locked), (text_field,)).items():
            changed.setdefault(pk, set()).update(fields)
    for model, author, text_fields in _AUTHORED_TEXT:
        _scrub_on_tickets(
            gone, model._default_manager.filter(**{f"{author}_id": user_id}), text_fields, changed
        )
    return changed


def _scrub_on_tickets(
    gone: PersonGone, rows: QuerySet[Any], text_fields: tuple[str, ...], changed: dict[int, set[str]]
) -> None:
    """Scrub ``text_fields`` of ``rows`` (records of a ticket: ratings, whistles …), adding the
    changed fields as ``model.field`` to their ticket's entry in ``changed``."""
    label = rows.model._meta.model_name
    owners = dict(rows.values_list("pk", "ticket_id"))
    for pk, fields in scrub_rows(gone.scrub, rows, text_fields).items():
        changed.setdefault(owners[pk], set()).update(f"{label}.{f}" for f in fields)


@dataclass
class ForgetReport:
    cutoff: dt.datetime
    tickets: list[int] = field(default_factory=list)


def due_for_forgetting(cutoff: dt.datetime) -> QuerySet[Ticket]:
    ended = Q(status=TicketStatus.CLOSED, closed_at__lt=cutoff) | Q(status__in=ENDED, updated_at__lt=cutoff)
    return _with_contact(Ticket.objects.filter(ended))


def forget_contacts(
    *, days: int | None = None, now: dt.datetime | None = None, dry_run: bool = False, batch_size: int = BATCH
) -> ForgetReport:
    """Clear the contact of every ticket past the retention period, ``batch_size`` tickets per
    transaction (each batch audited); ``dry_run`` only lists them."""
    kept = int(days if days is not None else setting("QUANYU_TICKET_CONTACT_DAYS"))  # type: ignore[call-overload]
    if kept < 1:
        raise ValueError("保存天数（--days 或 QUANYU_TICKET_CONTACT_DAYS）至少为 1 天")
    report = ForgetReport(cutoff=(now or timezone.now()) - dt.timedelta(days=kept))
    if dry_run:
        report.tickets = list(due_for_forgetting(report.cutoff).order_by("pk").values_list("pk", flat=True))
        return report
    last = 0
    while True:  # one pass in key order: each batch starts where the last one ended
        with transaction.atomic():
            due = due_for_forgetting(report.cutoff).filter(pk__gt=last).only("pk")
            batch = [t.pk for t in lock(due).order_by("pk")[:batch_size]]
            if not batch:
                return report
            _clear(batch)
            audit_record(
                actor=None,
                action="anonymise",
                target_type="tickets.ticket",
                fields=",".join(CONTACT_FIELDS),
                reason=f"工单关闭满{kept}天，清除联系人信息",
                detail={"tickets": batch, "days": kept},
            )
        report.tickets.extend(batch)
        last = batch[-1]


def _rule(days: int | None, dry_run: bool) -> list[int]:
    return forget_contacts(days=days, dry_run=dry_run).tickets


def register() -> None:
    add_eraser("tickets", erase_person)
    add_rule("tickets", label=_("工单联系人"), setting="QUANYU_TICKET_CONTACT_DAYS", run=_rule)
