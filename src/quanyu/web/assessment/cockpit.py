"""The leaders' cockpit page (领导驾驶舱): key figures of an area and its children, a map of the
chosen figure, monthly trends (ECharts, drawn by static/web/assessment/cockpit.js from a JSON
script element: no inline script under the CSP), the children's ranking and the overdue work,
every figure linking to the tickets behind it; the early-warning panel adds the hot spots raised
by early warning (``analytics``: its alerts, through its scoped selector) in the area, each
opening its tickets. ``?mode=screen`` is the big-screen view (dark,
1920×1080, reloading itself every five minutes); narrow screens get the phone layout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from quanyu.analytics import board
from quanyu.analytics.models import Alert
from quanyu.areas.models import Area
from quanyu.assessment.indicators import cockpit, registry
from quanyu.assessment.indicators.registry import Figure
from quanyu.assessment.periods import Period, current_month, parse_period, recent_months
from quanyu.catalog.models import Category
from quanyu.core.replica import replica_reads

MAP_FIGURES = ("in_time", "satisfied", "received", "open", "overdue", "repeat", "reported")
HOTSPOTS_SHOWN = 5
HOTSPOT_DAYS = 60  # hot spots raised this recently are shown


def _hotspots(actor: Any, area: Area) -> list[Alert]:
    """The latest hot spots raised in ``area`` (early warning's alerts, scoped to the viewer)."""
    return board.hotspots_in(actor=actor, area=area, days=HOTSPOT_DAYS, limit=HOTSPOTS_SHOWN)


def _categories(c: cockpit.Cockpit) -> list[dict[str, Any]]:
    total = sum(x.count for x in c.categories)
    return [
        {"pk": x.pk, "name": x.name, "count": x.count, "share": f"{x.count * 100 / total:.1f}"}
        for x in c.categories
    ]


def _show(f: Figure, share: bool) -> str:
    if share:
        v = f.value
        return "—" if v is None else f"{v * 100:.1f}%"
    return f"{f.numerator:.0f}"


def _cards(place: cockpit.Place) -> list[dict[str, Any]]:
    out = []
    for key, (label, _provider, share) in cockpit.FIGURES.items():
        f = place.figures[key]
        out.append(
            {
                "key": key,
                "label": label,
                "text": _show(f, share),
                "detail": ""
                if not share or f.denominator is None
                else f"{f.numerator:.0f}/{f.denominator:.0f}",
                "drill": key in cockpit.TICKET_FIGURES,
                "records": key in cockpit.RECORD_FIGURES,
            }
        )
    return out


def _chart_data(c: cockpit.Cockpit, figure: str, heat: list[list[float]]) -> dict[str, Any]:
    label, _provider, share = cockpit.FIGURES[figure]
    features = []
    values = []
    for p in c.children:
        f = p.figures[figure]
        v = f.value
        value = None if v is None else float(v * 100 if share else v)
        values.append({"name": p.area.name, "value": value, "id": p.area.pk})
        if p.area.geometry:
            features.append(
                {"type": "Feature", "properties": {"name": p.area.name}, "geometry": p.area.geometry}
            )
    return {
        "figure": str(label),
        "unit": "%" if share else "",
        "map": {"type": "FeatureCollection", "features": features},
        "heat": heat,
        "values": values,
        "months": [f"{m['month']}月" for m in c.trend],
        "received": [m["received"] for m in c.trend],
        "in_time": [m["in_time"] for m in c.trend],
        "labels": {"received": str(_("受理诉求")), "in_time": str(_("按时办结"))},
    }


@login_required
def cockpit_page(request: HttpRequest) -> HttpResponse:
    with replica_reads():
        return _cockpit_page(request)


def _cockpit_page(request: HttpRequest) -> HttpResponse:
    area = cockpit.area_for(actor=request.user, area_id=request.GET.get("area"))
    error = ""
    try:
        period = parse_period(request.GET["period"]) if request.GET.get("period") else current_month()
    except ValidationError as exc:
        period, error = current_month(), "; ".join(exc.messages)
    figure = request.GET.get("figure", "in_time")
    if figure not in MAP_FIGURES:
        figure = "in_time"
    c = cockpit.cockpit_for(actor=request.user, area=area, period=period)
    screen = request.GET.get("mode") == "screen"
    names = {x.pk: x.name for x in c.categories}
    children = [
        {"place": p, "cards": _cards(p), "top": p.top_category(names)}
        for p in c.ranked(figure if figure in cockpit.FIGURES else "in_time")
    ]
    context = {
        "c": c,
        "cards": _cards(c.place),
        "children": children,
        "card_labels": [str(v[0]) for v in cockpit.FIGURES.values()],
        "chart": _chart_data(
            c, figure, cockpit.open_points_for(actor=request.user, area=area, period=period)
        ),
        "figure": figure,
        "map_figures": [(k, cockpit.FIGURES[k][0]) for k in MAP_FIGURES],
        "periods": recent_months(13),
        "screen": screen,
        "error": error,
        "categories": _categories(c),
        "hotspots": _hotspots(request.user, area),
    }
    return render(request, "web/assessment/cockpit.html", context)  # rendered inside: lazy reads too


def _tickets_of(request: HttpRequest, area: Area) -> tuple[Any, Period, Any, str, bool]:
    """The tickets a cockpit link opens: a hot spot's, or a figure's (of one category)."""
    raw_hotspot = request.GET.get("hotspot", "")
    period = parse_period(request.GET["period"]) if request.GET.get("period") else current_month()
    if raw_hotspot:
        alert = next((a for a in _hotspots(request.user, area) if str(a.pk) == raw_hotspot), None)
        if alert is None:
            raise Http404
        tickets = cockpit.cockpit_tickets_among(actor=request.user, area=area, ids=alert.ticket_ids)
        return tickets, period, alert.title, f"hotspot={alert.pk}", True
    figure, raw = request.GET.get("figure", "received"), request.GET.get("category", "")
    if raw and not (raw.isascii() and raw.isdigit()):
        raise ValidationError({"category": _("类别须为数字")})
    category = int(raw) if raw else None
    tickets = cockpit.cockpit_rows_for(
        actor=request.user, area=area, period=period, figure=figure, category=category
    )
    label: Any = cockpit.FIGURES[figure][0]
    if category is not None:
        name = Category.objects.filter(pk=category).values_list("name", flat=True).first()
        label = f"{label} · {name or cockpit.UNCATEGORISED}"
    query = f"figure={figure}" + ("" if category is None else f"&category={category}")
    return tickets, period, label, query, False


@login_required
def cockpit_tickets(request: HttpRequest) -> HttpResponse:
    with replica_reads():
        return _cockpit_tickets(request)


def _cockpit_tickets(request: HttpRequest) -> HttpResponse:
    area = cockpit.area_for(actor=request.user, area_id=request.GET.get("area"))
    try:
        tickets, period, label, query, hotspot = _tickets_of(request, area)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    context = {
        "area": area,
        "period": period,
        "query": query,
        "label": label,
        "page": Paginator(tickets, 50).get_page(request.GET.get("page")),
        "hotspot": hotspot,
    }
    return render(request, "web/assessment/cockpit_tickets.html", context)


@login_required
def cockpit_records(request: HttpRequest) -> HttpResponse:
    """The records behind a provider's card (在职党员报到率: the area's in-service members and
    whether each has reported), as the viewer may see them."""
    with replica_reads():
        return _cockpit_records(request)


def _cockpit_records(request: HttpRequest) -> HttpResponse:
    area = cockpit.area_for(actor=request.user, area_id=request.GET.get("area"))
    figure = request.GET.get("figure", "reported")
    try:
        period = parse_period(request.GET["period"]) if request.GET.get("period") else current_month()
        rows = cockpit.cockpit_records_for(actor=request.user, area=area, period=period, figure=figure)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    provider = registry.get(cockpit.FIGURES[figure][1] or "")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    items = []
    for obj in page.object_list:
        text, url_name, args = (
            provider.describe(obj) if provider and provider.describe else (str(obj), "", [])
        )
        items.append({"pk": obj.pk, "text": text, "url": _url(url_name, args), "reported": obj.reported})
    context = {
        "area": area,
        "period": period,
        "figure": figure,
        "label": cockpit.FIGURES[figure][0],
        "page": page,
        "items": items,
    }
    return render(request, "web/assessment/cockpit_records.html", context)


def _url(url_name: str, args: list[Any]) -> str:
    if not url_name:
        return ""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""
