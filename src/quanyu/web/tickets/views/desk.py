"""The one-window front desk (一窗受理 · 一次办好): community or street staff take a service item at
the desk — pick the item, tick its required materials, enter the applicant — and hand over a
receipt (受理回执) with the number and the time limit.

When materials are missing the intake service refuses, and the desk shows what is missing. From
there the desk registers the application with a one-time notice (一次性告知单, recorded on the
ticket's timeline, the applicant told by SMS; the ticket's limits wait for the materials) and
prints it. When the applicant comes back, the desk records the materials brought (补正) and, once
they are complete, hands over the receipt. A notice may also be recorded later, before the
application is accepted, when the back office finds a material missing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import area_list_for
from quanyu.catalog.models import Category
from quanyu.catalog.selectors import category_item_list
from quanyu.core.workflow import TransitionError, http_status_for
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.services.window import is_window_item
from quanyu.web.tickets.forms import MaterialsChecklistForm, WindowForm, WindowItemForm, add_errors
from quanyu.web.tickets.views.common import WINDOW_ROLES, is_htmx, roles_required


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


def _register(request: HttpRequest, form: WindowForm, item: Category) -> Ticket:
    data = form.cleaned_data
    return services.ticket_create(
        actor=request.user,
        text=_text(item, data["note"]),
        channel=Channel.WINDOW,
        area=data["area"],
        category=item,
        address=data["address"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        contact_email=data["contact_email"],
        materials=data["materials"],
        notice_missing=bool(data.get("notice")),
    )


@roles_required(WINDOW_ROLES)
@require_http_methods(["GET", "POST"])
def window_desk(request: HttpRequest) -> HttpResponse:
    """一窗受理: GET ``?item=`` shows the item's checklist (htmx swaps it in when the item changes);
    POST registers the ticket (channel window) and shows the receipt; when materials are missing,
    the preview of the one-time notice, whose button registers the application with it."""
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
                try:
                    ticket = _register(request, form, item)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                    status = 403
                except ValidationError as exc:
                    if "materials" in getattr(exc, "error_dict", {}):
                        return _notice_preview(request, form)
                    add_errors(form, exc)
                else:
                    if ticket.materials_notice_at is not None:
                        return redirect("web:ticket_window_notice", ticket_id=ticket.pk)
                    return redirect("web:ticket_window_receipt", ticket_id=ticket.pk)
    elif request.method == "POST":
        status = 400
    context = {"picker": picker, "item": item, "form": form}
    if is_htmx(request) and request.method == "GET":
        return render(request, "web/tickets/_window_form.html", context)
    context["awaiting"] = list(selectors.window_awaiting_materials_for(actor=request.user))
    return render(request, "web/tickets/window.html", context, status=status)


def _notice_preview(request: HttpRequest, form: WindowForm) -> HttpResponse:
    """What is missing, before anything is registered: back to the checklist, or register the
    application with the one-time notice (the same answers, posted again with ``notice``)."""
    data = form.cleaned_data
    context = {
        "item": form.service_item,
        "received": [m for m in form.service_item.materials or [] if m in set(data["materials"])],
        "missing": form.missing(),
        "applicant": data["contact_name"],
        "area": data["area"],
        "form": form,
    }
    return render(request, "web/tickets/window_notice_preview.html", context)


def _window_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    """A ticket for a one-window item with a checklist, in the user's scope (404 otherwise):
    whichever channel brought it (a resident may apply online), the desk gives the notice and
    takes the materials, as the services allow."""
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    if not is_window_item(ticket):
        raise Http404
    return ticket


def _last_notice(ticket: Ticket) -> TicketEvent | None:
    return selectors.ticket_timeline(ticket=ticket).filter(kind=EventKind.WINDOW_NOTICE).last()


@roles_required(WINDOW_ROLES)
def window_receipt(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """受理回执: the number, the item, the materials received, the time limit (printable). An
    application still waiting for materials has its notice instead."""
    ticket = _window_ticket(request, ticket_id)
    if ticket.materials_notice_at is not None:
        return redirect("web:ticket_window_notice", ticket_id=ticket.pk)
    return render(request, "web/tickets/window_receipt.html", {"ticket": ticket})


@roles_required(WINDOW_ROLES)
@require_http_methods(["GET", "POST"])
def window_notice(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """一次性告知单 of a registered application: GET prints the last recorded notice; POST records
    one (``window_notice_record``: the materials ticked as missing, before acceptance)."""
    ticket = _window_ticket(request, ticket_id)
    assert ticket.category is not None
    form = MaterialsChecklistForm(
        request.POST if request.method == "POST" else None,
        choices=list(ticket.category.materials or []),
        label=_("尚缺材料"),
        initial={"materials": ticket.missing_materials},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.window_notice_record(
                    actor=request.user,
                    ticket=ticket,
                    missing=form.cleaned_data["materials"],
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = http_status_for(exc) or 403
            except TransitionError as exc:
                form.add_error(None, exc.messages[0])
                status = http_status_for(exc) or 409
            except ValidationError as exc:
                _errors_on_materials(form, exc, "missing")
            else:
                messages.success(request, _("已记录一次性告知，并告知申请人。"))
                return redirect("web:ticket_window_notice", ticket_id=ticket.pk)
    context = {"ticket": ticket, "notice": _last_notice(ticket), "form": form, "now": timezone.now()}
    return render(request, "web/tickets/window_notice.html", context, status=status)


@roles_required(WINDOW_ROLES)
@require_http_methods(["GET", "POST"])
def window_materials(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """补正材料: tick what the applicant brought. Complete: the receipt (the limits start now);
    still missing: back here with what remains."""
    ticket = _window_ticket(request, ticket_id)
    form = MaterialsChecklistForm(
        request.POST if request.method == "POST" else None,
        choices=ticket.missing_materials,
        label=_("本次补交"),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = services.window_materials_receive(
                    actor=request.user,
                    ticket=ticket,
                    materials=form.cleaned_data["materials"],
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = http_status_for(exc) or 403
            except TransitionError as exc:
                form.add_error(None, exc.messages[0])
                status = http_status_for(exc) or 409
            except ValidationError as exc:
                _errors_on_materials(form, exc, "materials")
            else:
                if not done.missing_materials:
                    messages.success(request, _("材料已齐全，已出具受理回执。"))
                    return redirect("web:ticket_window_receipt", ticket_id=ticket.pk)
                messages.info(
                    request, _("已登记补交的材料，仍缺：%(m)s") % {"m": "、".join(done.missing_materials)}
                )
                return redirect("web:ticket_window_materials", ticket_id=ticket.pk)
    context = {"ticket": ticket, "form": form}
    return render(request, "web/tickets/window_materials.html", context, status=status)


def _errors_on_materials(form: MaterialsChecklistForm, exc: ValidationError, field: str) -> None:
    """A service error about ``field`` (the list of materials) shown on the checklist."""
    if hasattr(exc, "error_dict") and field in exc.error_dict:
        for message in exc.message_dict[field]:
            form.add_error("materials", message)
        return
    add_errors(form, exc)
