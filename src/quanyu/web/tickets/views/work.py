"""Work pages of each tier: the grid worker's inbox, the community's triage board, the street's
dispatch console, the department's whistle inbox, the supervision board and the ticket list.
Every read goes through the ticket selectors (scoped to the user); each list is a fixed number
of queries whatever its length."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from quanyu.areas.models import Area
from quanyu.catalog.models import Tier
from quanyu.cogov import selectors as cogov_selectors
from quanyu.core.permissions import has_role
from quanyu.tickets import selectors
from quanyu.tickets.access import TIER_ROLES
from quanyu.tickets.models import Ticket
from quanyu.tickets.states import TicketStatus, WhistleStatus
from quanyu.web.tickets.forms import SupervisionFilterForm, TicketFilterForm
from quanyu.web.tickets.views.common import (
    BOARD_ROLES,
    DEPARTMENT_ROLES,
    DISPATCH_ROLES,
    LIST_ROLES,
    PATROL_ROLES,
    STATUS_LABELS,
    TRIAGE_ROLES,
    render_page,
    roles_required,
)

S = TicketStatus
W = WhistleStatus
BOARD_LIMIT = 100
LIST_PER_PAGE = 20
OPEN = [S.NEW, S.IN_PROGRESS, S.WHISTLED]


def _with_cards(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket card shows besides the selector's own loads: the suggestion and whistles."""
    return qs.select_related("suggested_category", "suggested_category__parent").prefetch_related(
        Prefetch("whistles", queryset=selectors.whistle_queryset().order_by("whistled_at", "id"))
    )


def _tab(request: HttpRequest, tabs: dict[str, Any], default: str) -> str:
    tab = request.GET.get("tab", default)
    return tab if tab in tabs else default


# --- grid worker --------------------------------------------------------------------------------

GRID_TABS = {"todo": S.NEW, "doing": S.IN_PROGRESS, "up": "", "done": ""}


@roles_required(PATROL_ROLES)
def grid_inbox(request: HttpRequest) -> HttpResponse:
    """网格员工作台: tickets of my grid(s) waiting at the grid, being handled, sent up, finished.
    A building head (楼长) sees the same tabs over the tickets of their building(s) and those they
    registered (the selector's scope): what they reported and what became of it."""
    tab = _tab(request, GRID_TABS, "todo")
    qs = selectors.ticket_list_for(actor=request.user)
    lists = {
        "todo": qs.filter(tier=Tier.GRID, status=S.NEW),
        "doing": qs.filter(tier=Tier.GRID, status=S.IN_PROGRESS),
        "up": qs.filter(status__in=OPEN).exclude(tier=Tier.GRID),
        "done": qs.filter(status__in=[S.RESOLVED, S.CLOSED]),
    }
    counts = selectors.ticket_list_for(actor=request.user).order_by()
    figures = {
        "todo": counts.filter(tier=Tier.GRID, status=S.NEW).count(),
        "doing": counts.filter(tier=Tier.GRID, status=S.IN_PROGRESS).count(),
    }
    context = {
        "tab": tab,
        "tickets": list(_with_cards(lists[tab])[:BOARD_LIMIT]),
        "figures": figures,
        "building_view": not has_role(request.user, TIER_ROLES[Tier.GRID]),
        "tabs": [
            ("todo", _l("待受理")),
            ("doing", _l("办理中")),
            ("up", _l("已上报")),
            ("done", _l("已办结")),
        ],
    }
    return render_page(request, "web/tickets/grid_inbox.html", "web/tickets/_ticket_cards.html", context)


# --- community ----------------------------------------------------------------------------------


@roles_required(TRIAGE_ROLES)
def triage_board(request: HttpRequest) -> HttpResponse:
    """社区分拨台: new, accepted and escalated tickets of the community, in three columns (tabs on a
    phone). One query for the cards."""
    tickets = list(
        _with_cards(selectors.ticket_list_for(actor=request.user, filters={"open": True}))[: BOARD_LIMIT * 3]
    )
    columns = [
        {"key": "new", "tickets": [t for t in tickets if t.tier == Tier.COMMUNITY and t.status == S.NEW]},
        {
            "key": "accepted",
            "tickets": [t for t in tickets if t.tier == Tier.COMMUNITY and t.status != S.NEW],
        },
        {"key": "escalated", "tickets": [t for t in tickets if t.tier == Tier.STREET]},
    ]
    grid_open = sum(1 for t in tickets if t.tier == Tier.GRID)
    context = {"columns": columns, "grid_open": grid_open}
    return render_page(request, "web/tickets/triage.html", "web/tickets/_triage_columns.html", context)


# --- street -------------------------------------------------------------------------------------


@roles_required(DISPATCH_ROLES)
def dispatch_console(request: HttpRequest) -> HttpResponse:
    """街道吹哨调度台: tickets at the street to accept, to dispatch (whistle or hand down), with a
    department now, and those a department returned."""
    tickets = list(
        _with_cards(
            selectors.ticket_list_for(actor=request.user, filters={"open": True}).filter(tier=Tier.STREET)
        )[: BOARD_LIMIT * 3]
    )

    def returned(t: Ticket) -> bool:
        return t.status == S.IN_PROGRESS and any(w.status == W.RETURNED for w in t.whistles.all())

    sections = [
        {"key": "new", "tickets": [t for t in tickets if t.status == S.NEW]},
        {"key": "returned", "tickets": [t for t in tickets if returned(t)]},
        {"key": "dispatch", "tickets": [t for t in tickets if t.status == S.IN_PROGRESS and not returned(t)]},
        {"key": "whistled", "tickets": [t for t in tickets if t.status == S.WHISTLED]},
    ]
    context = {"sections": sections, "now": timezone.now()}
    return render_page(request, "web/tickets/dispatch.html", "web/tickets/_dispatch_sections.html", context)


# --- department ---------------------------------------------------------------------------------

DEPT_TABS = {"pending": [W.PENDING], "responded": [W.RESPONDED], "done": [W.RESOLVED, W.RETURNED]}


@roles_required(DEPARTMENT_ROLES)
def department_inbox(request: HttpRequest) -> HttpResponse:
    """职能部门工单: whistles to my department — to respond to, being handled, finished — with the
    time left to each limit."""
    tab = _tab(request, DEPT_TABS, "pending")
    qs = selectors.whistle_list_for(actor=request.user, status=DEPT_TABS[tab]).select_related(
        "ticket__category", "ticket__community", "ticket__street"
    )
    if tab == "done":
        qs = qs.order_by("-whistled_at", "-id")
    counts = {
        key: selectors.whistle_list_for(actor=request.user, status=statuses).count()
        for key, statuses in DEPT_TABS.items()
        if key != "done"
    }
    context = {
        "tab": tab,
        "whistles": list(qs[:BOARD_LIMIT]),
        "counts": counts,
        "tabs": [("pending", _l("待响应")), ("responded", _l("办理中")), ("done", _l("已办结/退回"))],
    }
    return render_page(request, "web/tickets/department.html", "web/tickets/_whistle_cards.html", context)


# --- supervision --------------------------------------------------------------------------------


def _capped(qs: Any) -> tuple[list[Any], int]:
    """The first ``BOARD_LIMIT`` rows and the true total (counted only when the list is cut), so a
    badge never shows the cut as the count."""
    rows = list(qs[: BOARD_LIMIT + 1])
    if len(rows) <= BOARD_LIMIT:
        return rows, len(rows)
    return rows[:BOARD_LIMIT], qs.count()


@roles_required(BOARD_ROLES)
def supervision_board(request: HttpRequest) -> HttpResponse:
    """督办看板: open work that is overdue or about to be, counted by street and by department,
    with the lists behind the counts (narrowed to one street or department by htmx)."""
    form = SupervisionFilterForm(request.GET)
    street = department = None
    if form.is_valid():
        street, department = form.cleaned_data["street"], form.cleaned_data["department"]
    now = timezone.now()
    board = selectors.supervision_board_for(actor=request.user, now=now)
    base: dict[str, Any] = {"open": True}
    if street:
        base["area"] = street
    if department:
        base["department"] = department
    overdue = selectors.ticket_list_for(actor=request.user, filters={**base, "overdue": True}, now=now)
    soon = selectors.ticket_list_for(actor=request.user, filters={**base, "due_soon": True}, now=now)
    late_whistles = selectors.whistle_list_for(
        actor=request.user, status=[W.PENDING, W.RESPONDED], department=department, overdue=True, now=now
    ).select_related("ticket__street")
    if street:
        late_whistles = late_whistles.filter(ticket__street_id=street)
    overdue_rows, overdue_total = _capped(overdue.order_by("completion_due", "id"))
    soon_rows, soon_total = _capped(soon.order_by("completion_due", "id"))
    late_rows, late_total = _capped(late_whistles)
    street_path = Area.objects.filter(pk=street).values_list("path", flat=True).first() if street else None
    cogov = cogov_selectors.overdue_work_for(
        actor=request.user, under=street_path or "", owner_unit=department, limit=BOARD_LIMIT
    )
    context = {
        "board": board,
        "overdue": overdue_rows,
        "overdue_total": overdue_total,
        "soon": soon_rows,
        "soon_total": soon_total,
        "late_whistles": late_rows,
        "late_whistles_total": late_total,
        "cogov": cogov,
        "board_limit": BOARD_LIMIT,
        "street": street,
        "department": department,
        "street_name": next((r.name for r in board.by_street if r.key == street), ""),
        "department_name": next((r.name for r in board.by_department if r.key == department), ""),
    }
    return render_page(
        request, "web/tickets/supervision.html", "web/tickets/_supervision_lists.html", context
    )


# --- all tickets ----------------------------------------------------------------------------------


@roles_required(LIST_ROLES)
def ticket_list(request: HttpRequest) -> HttpResponse:
    """诉求工单: every ticket the user may see, searchable and filtered by status and overdue."""
    form = TicketFilterForm(request.GET)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"q": data["q"], "overdue": data["overdue"]}
        if data["status"] in STATUS_LABELS:
            filters["status"] = data["status"]
        elif data["status"] == "open":
            filters["open"] = True
    tickets = selectors.ticket_list_for(actor=request.user, filters=filters)
    page = Paginator(tickets, LIST_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "statuses": list(STATUS_LABELS.items()),
        "filters": filters,
        "query": request.GET.urlencode(),
    }
    return render_page(request, "web/tickets/list.html", "web/tickets/_list_results.html", context)
