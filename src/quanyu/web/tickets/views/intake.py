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

from quanyu.areas import basemap
from quanyu.areas.locate import locate
from quanyu.areas.models import Area
from quanyu.areas.selectors import grid_layer_features, home_community_for, own_grid_ids_for
from quanyu.catalog.selectors import category_suggest
from quanyu.core import ratelimit
from quanyu.core.audit import client_ip
from quanyu.tickets import selectors, services
from quanyu.tickets.limits import anonymous_intake_checks, intake_limit_message
from quanyu.tickets.models import Channel
from quanyu.tickets.photos import check_upload_request, is_too_large
from quanyu.tickets.similar import similar_to_draft
from quanyu.web.tickets.forms import PatrolForm, SubmitForm, add_errors
from quanyu.web.tickets.views.common import PATROL_ROLES, roles_required

GRID_LAYER_CACHE_SECONDS = 300


def _create(request: HttpRequest, form: SubmitForm, channel: str) -> Any:
    data = form.cleaned_data
    no_point = data.get("lon") is None or data.get("lat") is None
    return services.ticket_create(
        actor=request.user,
        text=data["text"],
        channel=channel,
        lon=data["lon"],
        lat=data["lat"],
        area=type(form).home_area if no_point else None,
        category=data.get("category"),
        building=data.get("building"),
        address=data.get("address", ""),
        contact_name=data.get("contact_name") or "",
        contact_phone=data.get("contact_phone") or "",
        photos=data.get("photos", []),
    )


def _limits(request: HttpRequest, form: SubmitForm, channel: str) -> list[ratelimit.Check]:
    """Submissions without an account count against the client address and the contact phone."""
    if channel != Channel.WEB or request.user.is_authenticated:
        return []
    phone = form.cleaned_data.get("contact_phone") or ""
    return anonymous_intake_checks(ip=client_ip(request), phone=phone)


def _unbound_with(form_class: type[SubmitForm], exc: ValidationError) -> SubmitForm:
    """A fresh form showing ``exc`` (the body was not read, so there is nothing to fill back in)."""
    form = form_class()
    form.full_clean()  # unbound: no errors of its own
    form.cleaned_data = {}
    add_errors(form, exc)
    return form


def _intake(request: HttpRequest, form_class: type[SubmitForm], channel: str, template: str) -> HttpResponse:
    if request.method == "POST":
        try:
            # Before the body is parsed: an oversized upload is refused without spooling it.
            check_upload_request(request.META.get("CONTENT_LENGTH"))
        except ValidationError as exc:
            return render(
                request, template, {"form": _unbound_with(form_class, exc), "channel": channel}, status=413
            )
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    retry_after = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with ratelimit.limited(*_limits(request, form, channel)):
                    ticket = _create(request, form, channel)
            except ratelimit.RateLimited as exc:
                form.add_error(None, intake_limit_message(exc))
                status, retry_after = 429, exc.retry_after
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            except ValidationError as exc:
                add_errors(form, exc)
                status = 413 if is_too_large(exc) else 400
            else:
                return _after_create(request, ticket, channel)
    context = {
        "form": form,
        "channel": channel,
        "map_focus": own_grid_ids_for(actor=request.user),
        "home_area": form_class.home_area,
    }
    response = render(request, template, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _after_create(request: HttpRequest, ticket: Any, channel: str) -> HttpResponse:
    if request.user.is_authenticated:
        messages.success(request, _("已提交，编号 #%(n)d。处理进展会在这里更新。") % {"n": ticket.pk})
        return redirect("web:ticket_detail", ticket_id=ticket.pk)
    return render(request, "web/tickets/submitted.html", {"ticket": ticket})


@require_http_methods(["GET", "POST"])
def ticket_submit(request: HttpRequest) -> HttpResponse:
    """居民提交诉求. Open without an account (the web channel accepts anonymous requests); a
    signed-in resident follows it on "my requests"."""
    form_class = SubmitForm.with_home(home_community_for(actor=request.user))
    return _intake(request, form_class, Channel.WEB, "web/tickets/submit.html")


@roles_required(PATROL_ROLES)
@require_http_methods(["GET", "POST"])
def ticket_patrol(request: HttpRequest) -> HttpResponse:
    """网格员/楼长巡查登记: photo + location (or the building) + text on one screen."""
    form_class = PatrolForm.with_buildings(
        selectors.ticket_building_choices(actor=request.user),
        default=selectors.ticket_building_default(actor=request.user),
    )
    return _intake(request, form_class, Channel.PATROL, "web/tickets/patrol.html")


@require_http_methods(["GET", "POST"])
def ticket_suggest(request: HttpRequest) -> HttpResponse:
    """The catalogue's suggestion for the text typed so far (htmx partial)."""
    text = (request.POST.get("text") or request.GET.get("text") or "")[:2000]
    suggestion = category_suggest(text) if len(text.strip()) >= 2 else None
    return render(request, "web/tickets/_suggestion.html", {"suggestion": suggestion})


def _point(request: HttpRequest) -> tuple[float, float] | None:
    try:
        lon, lat = float(request.GET.get("lon", "")), float(request.GET.get("lat", ""))
    except ValueError:
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def ticket_similar_draft(request: HttpRequest) -> HttpResponse:
    """Open requests like the one being written (htmx partial on the intake forms): nearby of the
    suggested item within the picked point's street, or of near-identical text, among what the
    user may see (staff: their area's; a resident: their own), so a duplicate need not be sent."""
    text = (request.GET.get("text") or "")[:2000]
    point = _point(request)
    street_id = None
    if point is not None:
        streets = locate([point[0]], [point[1]])[2]
        street_id = int(streets[0]) if int(streets[0]) >= 0 else None
    suggestion = category_suggest(text) if len(text.strip()) >= 2 else None
    found = similar_to_draft(
        actor=request.user,
        text=text,
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        item=suggestion.category.pk if suggestion else None,
        street_id=street_id,
    )
    return render(request, "web/tickets/_draft_similar.html", {"similar": found})


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


def base_layer(request: HttpRequest) -> JsonResponse:
    """Street and community outlines with their names: the map's base layer where there are no
    tiles (public registry data)."""
    response = JsonResponse(basemap.base_layer_features(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={GRID_LAYER_CACHE_SECONDS}"
    return response


def building_layer(request: HttpRequest) -> JsonResponse:
    """Building points with their names inside ``bbox=west,south,east,north`` (the map asks when
    one zooms in). A bad box answers 400 naming the parameter."""
    try:
        west, south, east, north = (float(v) for v in request.GET.get("bbox", "").split(","))
    except ValueError:
        return JsonResponse({"bbox": [_("请提供 bbox=西,南,东,北 四个数")]}, status=400)
    if not (west <= east and south <= north and (east - west) * (north - south) <= 0.01):
        return JsonResponse({"bbox": [_("范围无效或过大，请放大地图")]}, status=400)
    return JsonResponse(
        {"buildings": basemap.buildings_in_view(west, south, east, north)},
        json_dumps_params={"ensure_ascii": False},
    )


def place_search(request: HttpRequest) -> JsonResponse:
    """Places (building, grid, community, street) by name, for the map's search box."""
    text = (request.GET.get("q") or "")[:100]
    return JsonResponse({"places": basemap.place_search(text)}, json_dumps_params={"ensure_ascii": False})
