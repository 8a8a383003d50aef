"""Reads of tickets, whistles and the supervision board, always for an actor.

Who sees a ticket:

* staff (grid worker, community, street, organisation department, leader, auditor, admin):
  tickets located inside the subtree of one of their grants (``core.scoping.scope_q`` on
  ``Ticket.area_path``);
* building heads: tickets reported in a building inside their grant (``scope_q`` on
  ``Ticket.building_path``) and the tickets they registered (``created_by``);
* department handlers: tickets whistled to their department, inside their grant's subtree;
* everybody: the tickets they submitted themselves (``requester``).

Anything else is not in the queryset, so ``ticket_get_for`` answers 404. "Overdue" and "about to
be overdue" are computed at query time from the stored deadlines, never stored.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Literal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.areas.models import Area, AreaKind
from quanyu.core.permissions import grants_for
from quanyu.core.roles import Role
from quanyu.core.scoping import scope_q
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets.access import AREA_VIEWER_ROLES, BUILDING_VIEWER_ROLES, TIER_ROLES
from quanyu.tickets.conf import remind_before_completion, remind_before_response
from quanyu.tickets.models import (
    Rating,
    RehandlingEntry,
    SupervisionOrder,
    Ticket,
    TicketEvent,
    TicketPhoto,
    Whistle,
)
from quanyu.tickets.notifications import path_prefixes, staff_at
from quanyu.tickets.services._base import token_hash
from quanyu.tickets.states import (
    OPEN_STATUSES,
    WHISTLE_OPEN,
    WORK_ENDED_STATUSES,
    TicketStatus,
    WhistleStatus,
)

OPEN = [s.value for s in OPEN_STATUSES]
W_OPEN = [s.value for s in WHISTLE_OPEN]
WORK_ENDED = [s.value for s in WORK_ENDED_STATUSES]


@dataclass(frozen=True)
class TicketFilters:
    """Filters of ``ticket_list_for``. ``area``: an Area id (its whole subtree); ``category``: an
    item id or a top-level category id (all its items); ``department``: a Unit id (tickets whistled
    to it); ``overdue``/``due_soon``: True keeps only those, False excludes them."""

    status: tuple[str, ...] = ()
    area: int | None = None
    category: int | None = None
    department: int | None = None
    channel: str | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    mine: bool = False
    q: str = ""
    statuses_open: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> TicketFilters:
        """Build from a dict (query parameters or a form's cleaned_data); unknown keys are kept in
        ``extra`` and ignored. Empty values mean "no filter"."""
        data = dict(data or {})

        def opt_int(name: str) -> int | None:
            value = data.pop(name, None)
            if value in (None, ""):
                return None
            return value.pk if hasattr(value, "pk") else int(value)

        def opt_bool(name: str) -> bool | None:
            value = data.pop(name, None)
            if value in (None, ""):
                return None
            if isinstance(value, str):
                return value.lower() in {"1", "true", "yes", "on"}
            return bool(value)

        status = data.pop("status", ()) or ()
        if isinstance(status, str):
            status = tuple(s for s in status.split(",") if s)
        return cls(
            status=tuple(status),
            area=opt_int("area"),
            category=opt_int("category"),
            department=opt_int("department"),
            channel=data.pop("channel", None) or None,
            overdue=opt_bool("overdue"),
            due_soon=opt_bool("due_soon"),
            mine=bool(opt_bool("mine")),
            q=str(data.pop("q", "") or "").strip(),
            statuses_open=bool(opt_bool("open")),
            extra=data,
        )


def _is_auth(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def ticket_visibility_q(actor: Any) -> Q | None:
    """The condition for the tickets ``actor`` may see; None means every ticket."""
    if not _is_auth(actor):
        return Q(pk__in=[])
    if getattr(actor, "is_superuser", False):
        return None
    grants = grants_for(actor)
    staff_paths = tuple(g.area.path for g in grants if g.role in AREA_VIEWER_ROLES)
    parts: list[Q] = [Q(requester_id=actor.pk)]
    if staff_paths:
        staff = scope_q(staff_paths, "area_path")
        if staff is None:
            return None
        parts.append(staff)
    building_paths = tuple(g.area.path for g in grants if g.role in BUILDING_VIEWER_ROLES)
    if building_paths:
        in_buildings = scope_q(building_paths, "building_path")
        if in_buildings is None:
            return None
        # "<> ''" lets PostgreSQL use the partial index ticket_building_path.
        parts.append(in_buildings & ~Q(building_path=""))
        parts.append(Q(created_by_id=actor.pk))
    for g in grants:
        if g.role == Role.DEPARTMENT_HANDLER and g.unit_id is not None:
            whistled = Exists(Whistle.objects.filter(ticket_id=OuterRef("pk"), department_id=g.unit_id))
            parts.append(Q(area_path__startswith=g.area.path) & Q(whistled))
    return reduce(or_, parts)


def ticket_deadline_q(now: dt.datetime) -> tuple[Q, Q]:
    """(overdue, due soon) conditions on tickets at ``now``: not accepted past the response limit,
    or still open past the completion limit; "soon" = within the reminder windows and not overdue."""
    soon_response = now + remind_before_response()
    soon_completion = now + remind_before_completion()
    response_late = Q(status=TicketStatus.NEW, accepted_at__isnull=True, response_due__lt=now)
    completion_late = Q(status__in=OPEN, completion_due__lt=now)
    overdue = response_late | completion_late
    soon = (
        Q(
            status=TicketStatus.NEW,
            accepted_at__isnull=True,
            response_due__gte=now,
            response_due__lte=soon_response,
        )
        | Q(status__in=OPEN, completion_due__gte=now, completion_due__lte=soon_completion)
    ) & ~overdue
    return overdue, soon


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _deadline_annotations(qs: QuerySet[Ticket], now: dt.datetime) -> QuerySet[Ticket]:
    overdue, soon = ticket_deadline_q(now)
    return qs.annotate(is_overdue=_flag(overdue), is_due_soon=_flag(soon))


def ticket_queryset_for(*, actor: Any, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """The actor's tickets with what list pages show loaded, and ``is_overdue``/``is_due_soon``
    annotated."""
    qs = Ticket.objects.select_related(
        "category",
        "category__parent",
        "suggested_category",
        "suggested_category__parent",
        "handling_area",
        "grid",
        "community",
        "street",
        "building",
        "assignee",
    )
    condition = ticket_visibility_q(actor)
    if condition is not None:
        qs = qs.filter(condition)
    return _deadline_annotations(qs, now or timezone.now())


def ticket_list_for(
    *, actor: Any, filters: TicketFilters | Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """Tickets the actor may see, filtered (see ``TicketFilters``), newest first."""
    f = filters if isinstance(filters, TicketFilters) else TicketFilters.from_mapping(filters)
    now = now or timezone.now()
    late, soon = ticket_deadline_q(now)
    qs = ticket_queryset_for(actor=actor, now=now)
    if f.status:
        qs = qs.filter(status__in=list(f.status))
    if f.statuses_open:
        qs = qs.filter(status__in=OPEN)
    if f.area is not None:
        path = Area.objects.filter(pk=f.area).values_list("path", flat=True).first()
        qs = qs.filter(area_path__startswith=path) if path is not None else qs.none()
    if f.category is not None:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.department is not None:
        qs = qs.filter(Exists(Whistle.objects.filter(ticket_id=OuterRef("pk"), department_id=f.department)))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue is not None:
        qs = qs.filter(late) if f.overdue else qs.exclude(late)
    if f.due_soon is not None:
        qs = qs.filter(soon) if f.due_soon else qs.exclude(soon)
    if f.mine and _is_auth(actor):
        qs = qs.filter(Q(requester_id=actor.pk) | Q(created_by_id=actor.pk) | Q(assignee_id=actor.pk))
    if f.q:
        qs = qs.filter(text__icontains=f.q)
    return qs.order_by("-created_at", "-id")


def ticket_get_for(*, actor: Any, ticket_id: int | str, now: dt.datetime | None = None) -> Ticket:
    """One ticket the actor may see, with its whistles and photos; Http404 otherwise."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = ticket_queryset_for(actor=actor, now=now).prefetch_related(
        Prefetch("whistles", queryset=whistle_queryset(now=now).order_by("whistled_at", "id")),
        Prefetch("photos", queryset=TicketPhoto.objects.order_by("created_at", "id")),
    )
    try:
        return qs.get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


def ticket_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The history of a ticket (obtained from ``ticket_get_for``), oldest first."""
    return (
        TicketEvent.objects.filter(ticket_id=ticket.pk)
        .select_related("actor", "whistle", "whistle__department")
        .order_by("at", "id")
    )


def ticket_ratings(*, ticket: Ticket) -> QuerySet[Rating]:
    return Rating.objects.filter(ticket_id=ticket.pk).select_related("appeal_unit").order_by("at", "id")


def whistle_deadline_q(now: dt.datetime) -> tuple[Q, Q, Q]:
    """(response overdue, completion overdue, due soon) conditions on whistles at ``now``."""
    response_late = Q(status=WhistleStatus.PENDING, response_due__lt=now)
    completion_late = Q(status__in=W_OPEN, completion_due__lt=now)
    soon = (
        Q(
            status=WhistleStatus.PENDING,
            response_due__gte=now,
            response_due__lte=now + remind_before_response(),
        )
        | Q(status__in=W_OPEN, completion_due__gte=now, completion_due__lte=now + remind_before_completion())
    ) & ~(response_late | completion_late)
    return response_late, completion_late, soon


def whistle_queryset(*, now: dt.datetime | None = None) -> QuerySet[Whistle]:
    """Whistles with ``is_response_overdue``/``is_completion_overdue``/``is_overdue``/``is_due_soon``."""
    response_late, completion_late, soon = whistle_deadline_q(now or timezone.now())
    return Whistle.objects.select_related("department", "ticket").annotate(
        is_response_overdue=_flag(response_late),
        is_completion_overdue=_flag(completion_late),
        is_overdue=_flag(response_late | completion_late),
        is_due_soon=_flag(soon),
    )


def whistle_list_for(
    *,
    actor: Any,
    status: Iterable[str] = (),
    department: int | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Whistle]:
    """Whistles the actor may see: a department handler's inbox (its departments' whistles), or
    the whistles of tickets in a staff member's subtree. Asked for open whistles only (pending,
    responded: "open work"), it leaves out those whose ticket's work has ended
    (``states.WORK_ENDED_STATUSES``): an assisting whistle of a resolved ticket is still work, one
    of a closed or cancelled ticket is not (closing concludes them; this also covers older rows)."""
    now = now or timezone.now()
    qs = whistle_queryset(now=now)
    if not (_is_auth(actor) and getattr(actor, "is_superuser", False)):
        parts: list[Q] = []
        grants = grants_for(actor)
        staff_paths = tuple(g.area.path for g in grants if g.role in AREA_VIEWER_ROLES)
        if staff_paths:
            staff = scope_q(staff_paths, "ticket__area_path")
            parts.append(staff if staff is not None else Q())
        for g in grants:
            if g.role == Role.DEPARTMENT_HANDLER and g.unit_id is not None:
                parts.append(Q(department_id=g.unit_id, ticket__area_path__startswith=g.area.path))
        qs = qs.filter(reduce(or_, parts)) if parts else qs.none()
    statuses = list(status)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if statuses and set(statuses) <= set(W_OPEN):
        qs = qs.exclude(ticket__status__in=WORK_ENDED)
    if department is not None:
        qs = qs.filter(department_id=department)
    if overdue is not None:
        response_late, completion_late, _soon = whistle_deadline_q(now)
        late = response_late | completion_late
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.order_by("response_due", "id")


def supervision_list_for(*, actor: Any, open_only: bool = True) -> QuerySet[SupervisionOrder]:
    condition = ticket_visibility_q(actor)
    qs = SupervisionOrder.objects.select_related("ticket", "department", "whistle", "issued_by")
    if condition is not None:
        qs = qs.filter(ticket__in=Ticket.objects.filter(condition).values("pk"))
    if open_only:
        qs = qs.filter(status=SupervisionOrder.Status.OPEN)
    return qs.order_by("-issued_at", "-id")


def rehandling_list_for(*, actor: Any, open_only: bool = True) -> QuerySet[RehandlingEntry]:
    """The re-handling ledger (重办台账) in the actor's part of the city."""
    condition = ticket_visibility_q(actor)
    qs = RehandlingEntry.objects.select_related("ticket", "rating")
    if condition is not None:
        qs = qs.filter(ticket__in=Ticket.objects.filter(condition).values("pk"))
    if open_only:
        qs = qs.filter(status=RehandlingEntry.Status.OPEN)
    return qs.order_by("-created_at", "-id")


def appeal_list_for(*, actor: Any, pending_only: bool = True) -> QuerySet[Rating]:
    """Ratings under appeal in the actor's part of the city (the street's decision queue)."""
    condition = ticket_visibility_q(actor)
    qs = Rating.objects.exclude(appeal_status="").select_related("ticket", "appeal_unit")
    if condition is not None:
        qs = qs.filter(ticket__in=Ticket.objects.filter(condition).values("pk"))
    if pending_only:
        qs = qs.filter(appeal_status=Rating.Appeal.PENDING)
    return qs.order_by("appealed_at", "id")


@dataclass(frozen=True)
class BoardRow:
    key: int
    name: str
    open: int
    overdue: int
    due_soon: int
    supervised: int = 0


@dataclass(frozen=True)
class SupervisionBoard:
    """Open work by street (tickets) and by department (whistles): how much, how much overdue,
    how much about to be."""

    by_street: list[BoardRow]
    by_department: list[BoardRow]
    at: dt.datetime


def supervision_board_for(*, actor: Any, now: dt.datetime | None = None) -> SupervisionBoard:
    """The supervision board (督办看板): two grouped queries, whatever the number of rows."""
    now = now or timezone.now()
    tickets = ticket_queryset_for(actor=actor, now=now).filter(status__in=OPEN, excluded_from_stats=False)
    street_rows = (
        tickets.order_by()
        .values("street_id", "street__name")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(is_overdue=True)),
            soon=Count("id", filter=Q(is_due_soon=True)),
            supervised=Count(
                "id",
                filter=Q(Exists(SupervisionOrder.objects.filter(ticket_id=OuterRef("pk"), status="open"))),
            ),
        )
        .order_by("street__name")
    )
    whistles = whistle_list_for(actor=actor, status=W_OPEN, now=now).filter(excluded_from_stats=False)
    department_rows = (
        whistles.order_by()
        .values("department_id", "department__name")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(is_overdue=True)),
            soon=Count("id", filter=Q(is_due_soon=True)),
            supervised=Count("supervisions", filter=Q(supervisions__status="open"), distinct=True),
        )
        .order_by("department__name")
    )
    return SupervisionBoard(
        by_street=[
            BoardRow(
                key=r["street_id"] or 0,
                name=r["street__name"] or "",
                open=r["n"],
                overdue=r["late"],
                due_soon=r["soon"],
                supervised=r["supervised"],
            )
            for r in street_rows
        ],
        by_department=[
            BoardRow(
                key=r["department_id"],
                name=r["department__name"],
                open=r["n"],
                overdue=r["late"],
                due_soon=r["soon"],
                supervised=r["supervised"],
            )
            for r in department_rows
        ],
        at=now,
    )


def category_ticket_counts(*, actor: Any, since: dt.datetime) -> list[dict[str, Any]]:
    """Tickets per item since ``since`` in the actor's scope (for triage and dashboards)."""
    qs = ticket_queryset_for(actor=actor).filter(created_at__gte=since).order_by()
    rows = (
        qs.values("category_id", name=F("category__name"))
        .annotate(n=Count("id"))
        .order_by("-n", "category_id")
    )
    return [dict(r) for r in rows]


# --- Choices of the action forms --------------------------------------------------------------


def whistle_department_choices(*, actor: Any, ticket: Ticket) -> QuerySet[Unit]:
    """The departments that may be whistled about ``ticket`` (read with ``ticket_get_for(actor=…)``):
    those serving its place (registered at the ticket's area or one of its ancestors). Choices
    only: whether ``actor`` may whistle is the service's check (``ticket_whistle`` → 403), so a
    refused POST answers "not allowed" rather than "invalid choice"."""
    return (
        Unit.objects.filter(kind=UnitKind.DEPARTMENT, area__path__in=path_prefixes(ticket.area_path))
        .select_related("area")
        .order_by("name", "id")
    )


def ticket_assignee_choices(*, actor: Any, ticket: Ticket) -> QuerySet[User]:
    """Colleagues who may take ``ticket`` at its handling tier (a role of the tier at the handling
    area or above it). Choices only; ``ticket_assign`` checks the actor."""
    return staff_at(ticket.handling_area.path, TIER_ROLES[ticket.tier]).order_by("display_name", "username")


def ticket_reassign_choices(*, actor: Any, ticket: Ticket) -> QuerySet[Area]:
    """Where ``ticket`` may be dispatched down to: its community and its grid. Choices only;
    ``ticket_reassign`` checks the actor (street staff)."""
    ids = [a for a in (ticket.community_id, ticket.grid_id) if a is not None]
    return Area.objects.filter(pk__in=ids).defer("geometry").order_by("depth")


def ticket_building_choices(*, actor: Any) -> QuerySet[Area]:
    """Buildings the actor may name when reporting on patrol: those under its building-head and
    grid-worker grants (a building head: its own building). Choices only; ``ticket_create``
    checks the actor at the building."""
    paths = tuple(g.area.path for g in grants_for(actor) if g.role in (Role.BUILDING_HEAD, Role.GRID_WORKER))
    if not paths:
        return Area.objects.none()
    condition = scope_q(paths, "path")
    qs = Area.objects.filter(kind=AreaKind.BUILDING).defer("geometry")
    if condition is not None:
        qs = qs.filter(condition)
    return qs.order_by("path")


def ticket_building_default(*, actor: Any) -> Area | None:
    """The building a building head reports for unless they pick another: the one building of
    their building-head grants (None for others, or for a head of several)."""
    mine = [
        g.area for g in grants_for(actor) if g.role == Role.BUILDING_HEAD and g.area.kind == AreaKind.BUILDING
    ]
    return mine[0] if len(mine) == 1 else None


def window_awaiting_materials_for(*, actor: Any, limit: int = 50) -> QuerySet[Ticket]:
    """One-window applications in the actor's scope that wait for the materials of a one-time
    notice (一次性告知), the oldest notice first (the front desk's list of pending supplements)."""
    return (
        ticket_queryset_for(actor=actor)
        .filter(status=TicketStatus.NEW, materials_notice_at__isnull=False)
        .order_by("materials_notice_at", "id")[:limit]
    )


# --- Public reads (no account) -----------------------------------------------------------------

RatingLinkState = Literal["ok", "used", "invalid"]


def rating_link_state(*, token: str) -> tuple[RatingLinkState, Ticket | None]:
    """What the single-use rating link ``token`` is worth right now, without locking or writing:
    ("ok", ticket) when it may rate, ("used", ticket) when this resolution was rated already,
    ("invalid", None) when forged, stale (the ticket was reopened or re-resolved) or the ticket is
    no longer waiting for a rating. The same checks as ``ticket_rate``; the answer may change
    before the POST, which decides."""
    head, sep, _secret = (token or "").partition(".")
    if not sep or not (head.isascii() and head.isdigit() and len(head) < 19):
        return "invalid", None
    ticket = Ticket.objects.select_related("category").filter(pk=int(head)).first()
    if ticket is None or not ticket.rating_token_hash:
        return "invalid", None
    if not hmac.compare_digest(ticket.rating_token_hash, token_hash(token)):
        return "invalid", None
    if ticket.rating_token_used_at is not None:
        return "used", ticket
    if ticket.status != TicketStatus.RESOLVED:
        return "invalid", None
    return "ok", ticket


def ticket_public_list() -> QuerySet[Ticket]:
    """Tickets anybody may list (Open311 GeoReport v2 ``GET requests``): those filed under a
    category published as an Open311 service, newest first, with the lead whistles
    (``lead_whistles``, newest first) prefetched. The caller shows only public fields — never
    contact data, and no photos (they are not published)."""
    return (
        Ticket.objects.filter(category__open311_published=True)
        .exclude(category__service_code="")
        .select_related("category", "handling_area")
        .prefetch_related(
            Prefetch(
                "whistles",
                queryset=Whistle.objects.filter(lead=True).select_related("department").order_by("-id"),
                to_attr="lead_whistles",
            )
        )
        .order_by("-created_at", "-id")
    )


__all__ = [
    "BoardRow",
    "RatingLinkState",
    "SupervisionBoard",
    "TicketFilters",
    "appeal_list_for",
    "category_ticket_counts",
    "rating_link_state",
    "rehandling_list_for",
    "supervision_board_for",
    "supervision_list_for",
    "ticket_assignee_choices",
    "ticket_building_choices",
    "ticket_building_default",
    "ticket_deadline_q",
    "ticket_get_for",
    "ticket_list_for",
    "ticket_public_list",
    "ticket_queryset_for",
    "ticket_ratings",
    "ticket_reassign_choices",
    "ticket_timeline",
    "ticket_visibility_q",
    "whistle_deadline_q",
    "whistle_department_choices",
    "whistle_list_for",
    "whistle_queryset",
    "window_awaiting_materials_for",
]
