"""The one-window front desk (一窗受理 · 一次办好): community or street staff take a service item at
the desk — pick the item, tick its required materials, enter the applicant — and hand over a
receipt (受理回执) with the number and the time limit. When materials are missing the intake
service refuses, and the desk prints a one-time notice (一次性告知单) of everything still needed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import area_list_for
from quanyu.catalog.models import Category
from quanyu.catalog.selectors import category_item_list
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Channel
from quanyu.web.forms_tickets import WindowForm, WindowItemForm, add_errors
from quanyu.web.views.tickets.common import WINDOW_ROLES, is_htmx, roles_required


def _items() -> QuerySet[Category]:
    return category_item_list(one_window=True)


def _desk_areas(actor: Any) -> QuerySet[Area]:
    """The streets and communities the desk may register for (the user's part of the city)."""
    return (
        area_list_for(actor=actor)
        .filter(kind__in=[AreaKind.COMMUNITY, AreaKind.STREET])
        .defer("geometry")
        .order_by("path")
    )


def _text(item: Category, note: str) -> str:
    return f"【{item.name}】{note}" if note else f"【{item.name}】"


@roles_required(WINDOW_ROLES)
@require_http_methods(["GET", "POST"])
def window_desk(request: HttpRequest) -> HttpResponse:
    """一窗受理: GET ``?item=`` shows the item's checklist (htmx swaps it in when the item changes);
    POST registers the ticket (channel window) and shows the receipt, or the notice of what is
    missing."""
    items = _items()
    picker = WindowItemForm(request.POST or request.GET or None, items=items)
    item = picker.cleaned_data["item"] if picker.is_bound and picker.is_valid() else None
    form = None
    status = 200
    if item is not None:
        areas = _desk_areas(request.user)
        form = WindowForm(request.POST or None, item=item, items=items, areas=areas)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    ticket = services.ticket_create(
                        actor=request.user,
                        text=_text(item, data["note"]),
                        channel=Channel.WINDOW,
                        area=data["area"],
                        category=item,
                        address=data["address"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        materials=data["materials"],
                    )
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                    status = 403
                except ValidationError as exc:
                    if "materials" in getattr(exc, "error_dict", {}):
                        return _notice(request, form)
                    add_errors(form, exc)
                else:
                    return redirect("web:ticket_window_receipt", ticket_id=ticket.pk)
    elif request.method == "POST":
        status = 400
    context = {"picker": picker, "item": item, "form": form}
    if is_htmx(request) and request.method == "GET":
        return render(request, "web/tickets/_window_form.html", context)
    return render(request, "web/tickets/window.html", context, status=status)


def _notice(request: HttpRequest, form: WindowForm) -> HttpResponse:
    """一次性告知单: the item, what was received and everything still missing, to hand over.
    Nothing is registered until the materials are complete."""
    data = form.cleaned_data
    context = {
        "item": form.service_item,
        "received": [m for m in form.service_item.materials or [] if m in set(data["materials"])],
        "missing": form.missing(),
        "applicant": data["contact_name"],
        "area": data["area"],
        "at": timezone.now(),
        "form": form,
    }
    return render(request, "web/tickets/window_notice.html", context)


@roles_required(WINDOW_ROLES)
def window_receipt(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """受理回执: the number, the item, the materials received, the time limit (printable)."""
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    if ticket.channel != Channel.WINDOW:
        raise Http404
    return render(request, "web/tickets/window_receipt.html", {"ticket": ticket})
