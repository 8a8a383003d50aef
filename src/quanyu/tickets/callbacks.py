"""Callback sampling (回访抽查): which resolved tickets staff phone back, per department and month.

The rule (issue 3): each month, at least ``QUANYU_CALLBACK_SAMPLE_RATE`` (default 10 %) of every
department's resolved tickets are called back, and the answer is recorded as a rating by phone
(``services.ticket_callback``).

* **Population** of a department in a month: tickets resolved in that month (``resolved_at`` in
  the local calendar month, Asia/Shanghai), now resolved or closed, counted in the statistics,
  with a whistle to that department that it took up (responded or resolved; a returned or
  withdrawn whistle does not count), within the part of the city the actor may call back.
* **Needed**: ``ceil(rate × population)`` (exact arithmetic: 10 % of 30 is 3, not 4).
* **Done**: tickets of the population with a callback rating at or after their resolution; a
  callback counts whether or not the ticket was drawn.
* **Sample**: the called-back tickets, then the others in a fixed pseudo-random order until the
  needed number is reached. The order is an HMAC of (department, month, ticket) keyed by the
  deployment's secret: the same data always gives the same sample (reproducible, auditable by
  anyone with the key), and departments cannot tell in advance which of their tickets will be
  drawn. Tickets with a contact phone or an account come first, since only they can be reached.
  Calling back the drawn tickets keeps the sample stable; a ticket resolved later in the month
  may join it where the order puts it.

Reads only; scoped like every read: staff see the population of their grants' subtrees (a street
sees its street, the district everything), so each scope meets the rate on its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from quanyu.core.clock import LOCAL_TZ, local_today
from quanyu.core.permissions import grants_for
from quanyu.core.roles import Role
from quanyu.core.scoping import scope_q
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets.access import CALLBACK_ROLES
from quanyu.tickets.conf import setting
from quanyu.tickets.models import Rating, Ticket, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus

# Who sees the callback worklist and its progress: those who phone (CALLBACK_ROLES) and those
# who supervise the loop.
CALLBACK_VIEWER_ROLES = CALLBACK_ROLES | frozenset({Role.ORG_DEPARTMENT, Role.LEADER, Role.AUDITOR})
CALLABLE_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
# A department handled a ticket when it responded to its whistle: still working, resolved, or
# concluded with the ticket after responding (an assisting department that had not finished).
HANDLED_WHISTLE_Q = Q(status__in=(WhistleStatus.RESPONDED, WhistleStatus.RESOLVED)) | Q(
    status=WhistleStatus.CONCLUDED, responded_at__isnull=False
)
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")
_SALT = "quanyu.tickets.callbacks.sample"


@dataclass(frozen=True)
class CallbackPeriod:
    """A calendar month in local time; ``start``/``end`` are aware datetimes, ``end`` exclusive."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=LOCAL_TZ)

    @property
    def end(self) -> dt.datetime:
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return dt.datetime(year, month, 1, tzinfo=LOCAL_TZ)

    def __str__(self) -> str:
        return self.label


def callback_period(value: CallbackPeriod | dt.date | str | None = None) -> CallbackPeriod:
    """The month of ``value``: "2025-03" (also 2025/3, 2025年3月), a date, or None for this month.
    ValidationError (field ``period``) for anything else."""
    if isinstance(value, CallbackPeriod):
        return value
    if value is None or value == "":
        today = local_today()
        return CallbackPeriod(today.year, today.month)
    if isinstance(value, dt.date):
        return CallbackPeriod(value.year, value.month)
    match = _MONTH.match(str(value))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return CallbackPeriod(year, month)
    raise ValidationError({"period": _("月份格式应为 YYYY-MM，如 2025-03")})


def callback_sample_rate() -> Fraction:
    """``QUANYU_CALLBACK_SAMPLE_RATE`` as an exact fraction in (0, 1]."""
    raw = setting("QUANYU_CALLBACK_SAMPLE_RATE")
    try:
        rate = Fraction(str(raw))
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"QUANYU_CALLBACK_SAMPLE_RATE must be a number, not {raw!r}") from None
    if not 0 < rate <= 1:
        raise ImproperlyConfigured(f"QUANYU_CALLBACK_SAMPLE_RATE must lie in (0, 1], not {raw!r}")
    return rate


def callback_needed(population: int, rate: Fraction | None = None) -> int:
    """How many of ``population`` tickets must be called back: ceil(rate × population)."""
    return math.ceil((rate if rate is not None else callback_sample_rate()) * population)


def _scope_condition(actor: Any) -> Q | None:
    """Tickets whose callbacks the actor may see; None = all."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Q(pk__in=[])
    if getattr(actor, "is_superuser", False):
        return None
    paths = tuple(g.area.path for g in grants_for(actor) if g.role in CALLBACK_VIEWER_ROLES)
    return scope_q(paths, "area_path")


def _called_back() -> Exists:
    """A callback recorded on the ticket since it was (last) resolved."""
    return Exists(
        Rating.objects.filter(
            ticket_id=OuterRef("pk"), via=Rating.Via.CALLBACK, at__gte=OuterRef("resolved_at")
        )
    )


def callback_population(*, actor: Any, department: Unit | int, period: CallbackPeriod) -> QuerySet[Ticket]:
    """The tickets the sample of ``department`` in ``period`` is drawn from, for ``actor``."""
    department_id = department.pk if isinstance(department, Unit) else int(department)
    handled = Whistle.objects.filter(
        HANDLED_WHISTLE_Q,
        ticket_id=OuterRef("pk"),
        department_id=department_id,
        excluded_from_stats=False,
    )
    qs = Ticket.objects.filter(
        Exists(handled),
        status__in=CALLABLE_STATUSES,
        excluded_from_stats=False,
        resolved_at__gte=period.start,
        resolved_at__lt=period.end,
    )
    condition = _scope_condition(actor)
    return qs.filter(condition) if condition is not None else qs


def _rank(department_id: int, period: CallbackPeriod, ticket_id: int) -> str:
    return salted_hmac(_SALT, f"{department_id}:{period.label}:{ticket_id}", algorithm="sha256").hexdigest()


@dataclass
class CallbackSample:
    """One department's callback worklist for a month, as the actor sees it. ``tickets``: the
    drawn tickets, those still to call first (in draw order), then those called back; each has
    ``called_back`` (bool) and ``draw_rank`` (1 = first drawn) set."""

    department: Unit
    period: CallbackPeriod
    rate: Fraction
    population: int
    needed: int
    done: int
    tickets: list[Ticket] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return max(0, self.needed - self.done)

    @property
    def pending(self) -> list[Ticket]:
        return [t for t in self.tickets if not t.called_back]  # type: ignore[attr-defined]

    @property
    def complete(self) -> bool:
        return self.done >= self.needed


def _department(department: Unit | int) -> Unit:
    if isinstance(department, Unit):
        return department
    unit = Unit.objects.filter(pk=department, kind=UnitKind.DEPARTMENT).first()
    if unit is None:
        raise ValidationError({"department": _("职能部门不存在")})
    return unit


def callback_sample_for(
    *, actor: Any, department: Unit | int, period: CallbackPeriod | dt.date | str | None = None
) -> CallbackSample:
    """The callback worklist of ``department`` for the month ``period`` (see the module notes).
    Two queries whatever the population: ids with their draw keys, then the drawn tickets."""
    unit = _department(department)
    month = callback_period(period)
    rate = callback_sample_rate()
    rows = list(
        callback_population(actor=actor, department=unit, period=month)
        .annotate(called=_called_back())
        .values_list("pk", "called", "contact_phone_hash", "requester_id")
    )
    needed = callback_needed(len(rows), rate)
    called = [pk for pk, was_called, _phone, _user in rows if was_called]
    others = sorted(
        (
            (not (phone or user), _rank(unit.pk, month, pk), pk)
            for pk, was_called, phone, user in rows
            if not was_called
        )
    )
    drawn = [pk for _unreachable, _key, pk in others[: max(0, needed - len(called))]]
    order = {pk: i for i, pk in enumerate(drawn)}
    tickets: list[Ticket] = list(
        Ticket.objects.filter(pk__in=drawn + called)
        .select_related("category", "category__parent", "grid", "community", "street")
        .annotate(called_back=_called_back())
        .order_by("resolved_at", "pk")
    )
    for ticket in tickets:
        ticket.draw_rank = order.get(ticket.pk, len(order)) + 1  # type: ignore[attr-defined]
    tickets.sort(key=lambda t: (t.called_back, t.draw_rank, t.resolved_at, t.pk))  # type: ignore[attr-defined]
    return CallbackSample(
        department=unit,
        period=month,
        rate=rate,
        population=len(rows),
        needed=needed,
        done=len(called),
        tickets=tickets,
    )


@dataclass(frozen=True)
class CallbackStatusRow:
    department_id: int
    department_name: str
    population: int
    needed: int
    done: int

    @property
    def remaining(self) -> int:
        return max(0, self.needed - self.done)

    @property
    def complete(self) -> bool:
        return self.done >= self.needed


def callback_sample_status(
    *,
    actor: Any,
    period: CallbackPeriod | dt.date | str | None = None,
    departments: Iterable[Unit | int] | None = None,
) -> list[CallbackStatusRow]:
    """Per department with resolved tickets in the month (or each of ``departments``, zeros
    included): population, needed and done, as ``callback_sample_for`` counts them. One grouped
    query."""
    month = callback_period(period)
    rate = callback_sample_rate()
    tickets = Ticket.objects.filter(
        status__in=CALLABLE_STATUSES,
        excluded_from_stats=False,
        resolved_at__gte=month.start,
        resolved_at__lt=month.end,
    )
    condition = _scope_condition(actor)
    if condition is not None:
        tickets = tickets.filter(condition)
    called = Rating.objects.filter(
        ticket_id=OuterRef("ticket_id"), via=Rating.Via.CALLBACK, at__gte=OuterRef("ticket__resolved_at")
    )
    whistles = Whistle.objects.filter(
        HANDLED_WHISTLE_Q, ticket__in=tickets.values("pk"), excluded_from_stats=False
    )
    wanted: list[int] | None = None
    if departments is not None:
        wanted = [d.pk if isinstance(d, Unit) else int(d) for d in departments]
        whistles = whistles.filter(department_id__in=wanted)
    counts = {
        row["department_id"]: row
        for row in whistles.order_by()
        .values("department_id", name=F("department__name"))
        .annotate(
            n=Count("ticket_id", distinct=True),
            done=Count("ticket_id", distinct=True, filter=Q(Exists(called))),
        )
    }
    if wanted is not None:
        names = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))
        for pk in wanted:
            counts.setdefault(pk, {"department_id": pk, "name": names.get(pk, ""), "n": 0, "done": 0})
    rows = [
        CallbackStatusRow(
            department_id=r["department_id"],
            department_name=r["name"],
            population=r["n"],
            needed=callback_needed(r["n"], rate),
            done=r["done"],
        )
        for r in counts.values()
    ]
    return sorted(rows, key=lambda r: (r.department_name, r.department_id))
