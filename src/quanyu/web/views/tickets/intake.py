"""Intake pages: a resident's submit form, a grid worker's patrol entry, and the small helpers the
map form calls as you go (the suggested category, where the picked point lies, the grid layer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanyu.areas.locate import locate
from quanyu.areas.models import Area
from quanyu.areas.selectors import grid_layer_features
from quanyu.catalog.selectors import category_suggest
from quanyu.tickets import services
from quanyu.tickets.models import Channel
from quanyu.web.forms_tickets import PatrolForm, SubmitForm, add_errors
from quanyu.web.views.tickets.common import PATROL_ROLES, roles_required

GRID_LAYER_CACHE_SECONDS = 300


def _create(request: HttpRequest, form: SubmitForm, channel: str) -> Any:
    data = form.cleaned_data
    return services.ticket_create(
        actor=request.user,
        text=data["text"],
        channel=channel,
        lon=data["lon"],
        lat=data["lat"],
        category=data.get("category"),
        address=data.get("address", ""),
        contact_name=data.get("contact_name") or "",
        contact_phone=data.get("contact_phone") or "",
        photos=data.get("photos", []),
    )


def _intake(request: HttpRequest, form_class: type[SubmitForm], channel: str, template: str) -> HttpResponse:
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ticket = _create(request, form, channel)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return _after_create(request, ticket, channel)
    return render(request, template, {"form": form, "channel": channel}, status=status)


def _after_create(request: HttpRequest, ticket: Any, channel: str) -> HttpResponse:
    if request.user.is_authenticated:
        messages.success(request, _("已提交，编号 #%(n)d。处理进展会在这里更新。") % {"n": ticket.pk})
        return redirect("web:ticket_detail", ticket_id=ticket.pk)
    return render(request, "web/tickets/submitted.html", {"ticket": ticket})


@require_http_methods(["GET", "POST"])
def ticket_submit(request: HttpRequest) -> HttpResponse:
    """居民提交诉求. Open without an account (the web channel accepts anonymous requests); a
    signed-in resident follows it on "my requests"."""
    return _intake(request, SubmitForm, Channel.WEB, "web/tickets/submit.html")


@roles_required(PATROL_ROLES)
@require_http_methods(["GET", "POST"])
def ticket_patrol(request: HttpRequest) -> HttpResponse:
    """网格员巡查登记: photo + location + text on one screen."""
    return _intake(request, PatrolForm, Channel.PATROL, "web/tickets/patrol.html")


@require_http_methods(["GET", "POST"])
def ticket_suggest(request: HttpRequest) -> HttpResponse:
    """The catalogue's suggestion for the text typed so far (htmx partial)."""
    text = (request.POST.get("text") or request.GET.get("text") or "")[:2000]
    suggestion = category_suggest(text) if len(text.strip()) >= 2 else None
    return render(request, "web/tickets/_suggestion.html", {"suggestion": suggestion})


def ticket_locate(request: HttpRequest) -> HttpResponse:
    """Which grid, community and street a picked point lies in (htmx partial)."""
    context: dict[str, Any] = {"picked": False}
    try:
        lon = float(request.GET.get("lon", ""))
        lat = float(request.GET.get("lat", ""))
    except ValueError:
        return render(request, "web/tickets/_located.html", context)
    context["picked"] = True
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return render(request, "web/tickets/_located.html", context)
    grids, communities, streets = locate([lon], [lat])
    ids = [int(i) for i in (streets[0], communities[0], grids[0]) if int(i) >= 0]
    names = dict(Area.objects.filter(pk__in=ids).values_list("pk", "name"))
    context["names"] = [names[i] for i in ids if i in names]
    return render(request, "web/tickets/_located.html", context)


def grid_layer(request: HttpRequest) -> JsonResponse:
    """The city's grid outlines (id, name, community) for the pick-a-point map (public)."""
    response = JsonResponse(grid_layer_features(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={GRID_LAYER_CACHE_SECONDS}"
    return response
