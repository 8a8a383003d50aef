"""The leaders' cockpit page (领导驾驶舱): key figures of an area and its children, a map of the
chosen figure, monthly trends (ECharts, drawn by static/web/assessment/cockpit.js from a JSON
script element: no inline script under the CSP), the children's ranking and the overdue work,
every figure linking to the tickets behind it. ``?mode=screen`` is the big-screen view (dark,
1920×1080, reloading itself every five minutes); narrow screens get the phone layout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from quanyu.assessment.indicators import cockpit
from quanyu.assessment.indicators.registry import Figure
from quanyu.assessment.periods import current_month, parse_period, recent_months

MAP_FIGURES = ("in_time", "satisfied", "received", "open", "overdue", "repeat", "reported")


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
    children = [
        {"place": p, "cards": _cards(p)} for p in c.ranked(figure if figure in cockpit.FIGURES else "in_time")
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
    }
    return render(request, "web/assessment/cockpit.html", context)


@login_required
def cockpit_tickets(request: HttpRequest) -> HttpResponse:
    area = cockpit.area_for(actor=request.user, area_id=request.GET.get("area"))
    period = parse_period(request.GET["period"]) if request.GET.get("period") else current_month()
    figure = request.GET.get("figure", "received")
    tickets = cockpit.cockpit_rows_for(actor=request.user, area=area, period=period, figure=figure)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    context = {
        "area": area,
        "period": period,
        "figure": figure,
        "label": cockpit.FIGURES[figure][0],
        "page": page,
    }
    return render(request, "web/assessment/cockpit_tickets.html", context)
