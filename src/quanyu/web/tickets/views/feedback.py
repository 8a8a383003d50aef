"""Feedback pages: rating appeals (the department appeals, the street decides), the re-handling
ledger (重办台账) and the callback worklist (回访抽查). Reads through the ticket selectors and
``quanyu.tickets.callbacks``, scoped to the user; each action is one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from quanyu.core.audit import audit_record
from quanyu.core.permissions import has_role
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import callbacks, selectors, services
from quanyu.tickets.access import CALLBACK_ROLES, STREET_ROLES, can_act_at_tier
from quanyu.tickets.models import Rating, RehandlingEntry
from quanyu.web.tickets.forms import PeriodForm, RehandlingCloseForm, add_errors
from quanyu.web.tickets.views.actions import TICKET_ACTIONS, offered_rating_actions
from quanyu.web.tickets.views.common import (
    APPEAL_ROLES,
    REHANDLING_ROLES,
    is_htmx,
    render_page,
    roles_required,
)

LIST_LIMIT = 200


def _tab(request: HttpRequest, keys: tuple[str, ...]) -> str:
    tab = request.GET.get("tab", keys[0])
    return tab if tab in keys else keys[0]


# --- appeals ----------------------------------------------------------------------------------


@roles_required(APPEAL_ROLES)
def appeal_list(request: HttpRequest) -> HttpResponse:
    """评价申诉: the street decides pending appeals here; a department follows its own."""
    tab = _tab(request, ("pending", "decided"))
    qs = selectors.appeal_list_for(actor=request.user, pending_only=tab == "pending").select_related(
        "ticket__street", "ticket__community", "appeal_decided_by"
    )
    if tab == "decided":
        qs = qs.exclude(appeal_status=Rating.Appeal.PENDING).order_by("-appeal_decided_at", "-id")
    here = request.get_full_path()
    rows = []
    for rating in qs[:LIST_LIMIT]:
        items = [
            {
                "action": a,
                "form": a.build(rating, actor=request.user),
                "open": False,
                "url": reverse("web:rating_action", args=[rating.ticket_id, rating.pk, a.key]),
            }
            for a in offered_rating_actions(request.user, rating)
        ]
        rows.append({"r": rating, "actions": items})
    pending = selectors.appeal_list_for(actor=request.user).count()
    context = {
        "tab": tab,
        "rows": rows,
        "pending": pending,
        "next": here,
        "tabs": [("pending", _l("待裁定")), ("decided", _l("已裁定"))],
    }
    return render_page(request, "web/tickets/appeals.html", "web/tickets/_appeal_rows.html", context)


# --- re-handling ledger -----------------------------------------------------------------------


def _may_close(actor: Any, entry: RehandlingEntry) -> bool:
    ticket = entry.ticket
    return can_act_at_tier(actor, ticket) or has_role(actor, STREET_ROLES, at_path=ticket.area_path)


def _ledger_context(
    request: HttpRequest, tab: str, bound: tuple[int, RehandlingCloseForm] | None = None
) -> dict[str, Any]:
    qs = selectors.rehandling_list_for(actor=request.user, open_only=tab == "open").select_related(
        "ticket__handling_area", "ticket__community", "ticket__street", "ticket__category", "done_by"
    )
    if tab == "done":
        qs = qs.filter(status=RehandlingEntry.Status.DONE).order_by("-done_at", "-id")
    rows = []
    for entry in qs[:LIST_LIMIT]:
        form = bound[1] if bound and bound[0] == entry.pk else None
        may = entry.status == RehandlingEntry.Status.OPEN and _may_close(request.user, entry)
        rows.append({"e": entry, "may_close": may, "form": form or RehandlingCloseForm()})
    return {
        "tab": tab,
        "rows": rows,
        "open_count": selectors.rehandling_list_for(actor=request.user).count(),
        "tabs": [("open", _l("待重办")), ("done", _l("已销号"))],
    }


@roles_required(REHANDLING_ROLES)
def rehandling_ledger(request: HttpRequest) -> HttpResponse:
    """重办台账: 不满意 cases not resolved by reopening, until they are handled again (销号)."""
    context = _ledger_context(request, _tab(request, ("open", "done")))
    return render_page(request, "web/tickets/rehandling.html", "web/tickets/_rehandling_rows.html", context)


@roles_required(REHANDLING_ROLES)
@require_POST
def rehandling_close(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.rehandling_list_for(actor=request.user, open_only=False).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    form = RehandlingCloseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.rehandling_close(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您没有执行此操作的权限"))
            status = 403
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已销号：诉求 #%(n)d") % {"n": entry.ticket_id})
            return redirect("web:ticket_rehandling")
    context = _ledger_context(request, "open", bound=(entry.pk, form))
    return render(request, "web/tickets/rehandling.html", context, status=status)


# --- callbacks ----------------------------------------------------------------------------------


def _period(request: HttpRequest) -> callbacks.CallbackPeriod:
    form = PeriodForm(request.GET)
    value = form.cleaned_data["period"] if form.is_valid() else None
    return callbacks.callback_period(value or None)


def _shift(period: callbacks.CallbackPeriod, months: int) -> str:
    index = period.year * 12 + period.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _period_context(period: callbacks.CallbackPeriod) -> dict[str, Any]:
    return {"period": period, "previous": _shift(period, -1), "following": _shift(period, 1)}


@roles_required(callbacks.CALLBACK_VIEWER_ROLES)
def callback_status(request: HttpRequest) -> HttpResponse:
    """回访抽查: per department this month, how many resolved tickets, how many to call back
    (the configured share) and how many were."""
    period = _period(request)
    rows = callbacks.callback_sample_status(actor=request.user, period=period)
    context = {
        **_period_context(period),
        "rows": rows,
        "rate_percent": float(callbacks.callback_sample_rate() * 100),
        "totals": {
            "population": sum(r.population for r in rows),
            "needed": sum(r.needed for r in rows),
            "done": sum(r.done for r in rows),
        },
    }
    return render(request, "web/tickets/callbacks.html", context)


@roles_required(callbacks.CALLBACK_VIEWER_ROLES)
def callback_worklist(request: HttpRequest, department_id: int) -> HttpResponse:
    """One department's drawn tickets for the month: whom to phone, and the answer recorded as a
    callback rating (满意 / 基本满意 / 不满意)."""
    department = Unit.objects.filter(pk=department_id, kind=UnitKind.DEPARTMENT).first()
    if department is None:
        raise Http404
    period = _period(request)
    sample = callbacks.callback_sample_for(actor=request.user, department=department, period=period)
    may_call = has_role(request.user, CALLBACK_ROLES)
    action = TICKET_ACTIONS["callback"]
    here = request.get_full_path()
    rows = [
        {
            "t": t,
            "item": {"action": action, "form": action.build(t, actor=request.user), "open": False}
            if may_call and has_role(request.user, CALLBACK_ROLES, at_path=t.area_path)
            else None,
        }
        for t in sample.tickets
    ]
    context = {**_period_context(period), "sample": sample, "rows": rows, "next": here}
    return render(request, "web/tickets/callback_worklist.html", context)


@roles_required(CALLBACK_ROLES)
@require_POST
def callback_contact(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The requester's phone in clear, for the callback (audited; htmx swaps it into the row)."""
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    if not has_role(request.user, CALLBACK_ROLES, at_path=ticket.area_path):
        raise PermissionDenied(_("您没有执行此操作的权限"))
    audit_record(
        actor=request.user,
        action="reveal",
        target=ticket,
        fields="contact_phone",
        reason=_("电话回访"),
        request=request,
    )
    context = {"ticket": ticket}
    if is_htmx(request):
        return render(request, "web/tickets/_contact.html", context)
    return render(request, "web/tickets/contact.html", context)
