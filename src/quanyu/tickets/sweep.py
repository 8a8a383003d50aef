"""The deadline sweep: remind before a limit, raise a supervision order (督办单) once it passes.

Run periodically (Celery beat in production: ``quanyu.tickets.tasks.sweep_deadlines_task``; the
``quanyu sweep`` command in the embedded default). It only sends reminders and escalations; whether
something is overdue is always derived at query time. Idempotent: each reminder / order has a
unique ``dedupe_key`` (what, which row, which deadline) and is claimed by inserting it, so two
sweeps running at once or one after the other never send the same thing twice (healthchecks'
"another worker got there first"). A new deadline (a reopened ticket) is a new key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import lock_one
from quanyu.tickets import events as ev
from quanyu.tickets import notifications as notes
from quanyu.tickets.access import TIER_OWNER
from quanyu.tickets.conf import remind_before_completion, remind_before_response
from quanyu.tickets.events import append_event
from quanyu.tickets.models import Reminder, SupervisionOrder, Ticket, Whistle
from quanyu.tickets.states import OPEN_STATUSES, WHISTLE_OPEN, TicketStatus, WhistleStatus, can_transition

BATCH = 5000
OPEN = [s.value for s in OPEN_STATUSES]
LOCAL_OPEN = [TicketStatus.NEW, TicketStatus.IN_PROGRESS]
W_OPEN = [s.value for s in WHISTLE_OPEN]


@dataclass
class SweepResult:
    reminders: int = 0
    supervisions: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"reminders": self.reminders, "supervisions": self.supervisions}


@dataclass(frozen=True)
class _Due:
    kind: str
    ticket_id: int
    whistle_id: int | None
    department_id: int | None
    due: dt.datetime
    round: int = 0  # the ticket's reopen count (whistles: 0, a new round whistles anew)

    @property
    def key(self) -> str:
        due = self.due.astimezone(dt.UTC)
        key = f"{self.kind}:{self.ticket_id}:{self.whistle_id or 0}:{due:%Y%m%dT%H%M%S.%f}"
        return f"{key}:r{self.round}" if self.round else key


ClaimModel = type[Reminder] | type[SupervisionOrder]


def _unclaimed(
    qs: QuerySet[Any], claims: ClaimModel, kind: str, field: str, *, whistle: bool
) -> QuerySet[Any]:
    """Rows whose deadline ``field`` has no reminder/order of ``kind`` yet. Filtering in SQL before
    the BATCH slice matters: otherwise the same oldest, already claimed rows fill every batch and
    newer deadlines are never reached."""
    claimed = claims.objects.filter(kind=kind, due=OuterRef(field))
    if whistle:
        claimed = claimed.filter(whistle_id=OuterRef("pk"))
    else:
        # (the ticket's own limits are claimed per handling round: see SupervisionOrder.round)
        claimed = claimed.filter(
            ticket_id=OuterRef("pk"), whistle__isnull=True, round=OuterRef("reopen_count")
        )
    return qs.filter(~Exists(claimed))


def _ticket_dues(qs: QuerySet[Ticket], kind: str, field: str, claims: ClaimModel) -> list[_Due]:
    qs = _unclaimed(qs, claims, kind, field, whistle=False)
    rows = qs.order_by(field).values_list("pk", field, "reopen_count")[:BATCH]
    return [_Due(kind, pk, None, None, due, n) for pk, due, n in rows]


def _whistle_dues(qs: QuerySet[Whistle], kind: str, field: str, claims: ClaimModel) -> list[_Due]:
    qs = _unclaimed(qs, claims, kind, field, whistle=True)
    return [
        _Due(kind, t, pk, d, due)
        for pk, t, d, due in qs.order_by(field).values_list("pk", "ticket_id", "department_id", field)[:BATCH]
    ]


def _candidates(now: dt.datetime, *, upcoming: bool) -> list[_Due]:
    """Deadlines about to pass (``upcoming``) or already passed, for open work not yet finished."""
    r_until = now + remind_before_response()
    c_until = now + remind_before_completion()

    def window(field: str, until: dt.datetime) -> Q:
        if upcoming:
            return Q(**{f"{field}__gt": now, f"{field}__lte": until})
        return Q(**{f"{field}__lte": now})

    tickets = Ticket.objects.filter(excluded_from_stats=False)
    whistles = Whistle.objects.filter(excluded_from_stats=False)
    kinds = Reminder.Kind if upcoming else SupervisionOrder.Kind
    claims: ClaimModel = Reminder if upcoming else SupervisionOrder
    return [
        *_ticket_dues(
            tickets.filter(
                window("response_due", r_until), status=TicketStatus.NEW, accepted_at__isnull=True
            ),
            kinds.TICKET_RESPONSE,
            "response_due",
            claims,
        ),
        *_ticket_dues(
            tickets.filter(window("completion_due", c_until), status__in=LOCAL_OPEN),
            kinds.TICKET_COMPLETION,
            "completion_due",
            claims,
        ),
        *_whistle_dues(
            whistles.filter(window("response_due", r_until), status=WhistleStatus.PENDING),
            kinds.WHISTLE_RESPONSE,
            "response_due",
            claims,
        ),
        *_whistle_dues(
            whistles.filter(window("completion_due", c_until), status__in=W_OPEN),
            kinds.WHISTLE_COMPLETION,
            "completion_due",
            claims,
        ),
    ]


def _fresh(dues: Iterable[_Due], model: type[Reminder] | type[SupervisionOrder]) -> list[_Due]:
    dues = list(dues)
    keys = [d.key for d in dues]
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        taken.update(
            k
            for k in model.objects.filter(dedupe_key__in=keys[start : start + 500]).values_list(
                "dedupe_key", flat=True
            )
            if k
        )
    return [d for d in dues if d.key not in taken]


def _notify(due: _Due, kind: str, title: str) -> None:
    if due.department_id is not None:
        notes.to_departments(due.ticket_id, [due.department_id], kind, title)
        return
    row = Ticket.objects.filter(pk=due.ticket_id).values("tier", "handling_area__path").first()
    if row is not None:
        notes.to_tier(due.ticket_id, row["handling_area__path"], TIER_OWNER[row["tier"]], kind, title)


def _remind(due: _Due, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                ticket_id=due.ticket_id,
                whistle_id=due.whistle_id,
                kind=due.kind,
                due=due.due,
                round=due.round,
                sent_at=now,
                dedupe_key=due.key,
            )
            label = Reminder.Kind(due.kind).label
            _notify(
                due, "deadline_reminder", _("%(what)s：工单 #%(id)d") % {"what": label, "id": due.ticket_id}
            )
    except IntegrityError:
        return False  # another sweep claimed it first
    return True


def _supervise(due: _Due, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            ticket = lock_one(Ticket, pk=due.ticket_id)
            if not can_transition(ticket.status, ticket.status):
                return False  # ended meanwhile: a final state takes no events
            order = SupervisionOrder.objects.create(
                ticket=ticket,
                whistle_id=due.whistle_id,
                department_id=due.department_id,
                kind=due.kind,
                reason=str(SupervisionOrder.Kind(due.kind).label),
                due=due.due,
                round=due.round,
                issued_at=now,
                dedupe_key=due.key,
            )
            append_event(
                ticket=ticket,
                actor=None,
                at=now,
                from_status=ticket.status,
                to_status=ticket.status,
                whistle_id=due.whistle_id,
                **ev.supervised(order=order.pk, auto=due.kind).as_fields(),
            )
            _notify(
                due,
                "supervision_order",
                _("督办：%(what)s，工单 #%(id)d") % {"what": order.get_kind_display(), "id": due.ticket_id},
            )
    except IntegrityError:
        return False
    return True


def sweep_deadlines(now: dt.datetime | None = None) -> SweepResult:
    """One pass over the deadlines: reminders for limits passing within the reminder windows,
    supervision orders for limits passed. Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    result = SweepResult()
    for due in _fresh(_candidates(now, upcoming=True), Reminder):
        result.reminders += _remind(due, now)
    for due in _fresh(_candidates(now, upcoming=False), SupervisionOrder):
        result.supervisions += _supervise(due, now)
    return result
