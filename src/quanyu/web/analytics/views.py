"""The early-warning board (预警研判): deadlines, hot spots with their map, spikes, repeats and the
alerts raised, for the actor's area; the district's heat formula for those who may choose it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from quanyu.analytics import board, services
from quanyu.analytics.hotspots import FORMULAS
from quanyu.areas.models import Area, AreaKind
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.core.scoping import scope
from quanyu.core.workflow.http import http_status_for

BOARD_VIEWERS = frozenset(
    {Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.LEADER}
)
FORMULA_LABELS = {
    "balanced": _l("综合（默认）：支持度 × 时间衰减 × 持续天数"),
    "support": _l("支持度：反映人数 × 点赞"),
    "requesters": _l("反映人数"),
}


def _require_viewer(request: HttpRequest) -> None:
    if not has_role(request.user, BOARD_VIEWERS):
        raise PermissionDenied(_("此页面不属于您的岗位"))


def _districts(actor: Any) -> list[Area]:
    """Districts whose heat formula the actor may choose."""
    if not has_role(actor, services.FORMULA_SETTERS):
        return []
    rows = scope(Area.objects.filter(kind=AreaKind.DISTRICT), actor=actor, field="path").order_by("path")
    return [d for d in rows if has_role(actor, services.FORMULA_SETTERS, at_path=d.path)]


@login_required
def warning_board(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    _require_viewer(request)
    data = board.warning_board(actor=request.user)
    context = {
        "board": data,
        "alerts": board.alert_list_for(actor=request.user, limit=20),
        "formula_label": FORMULA_LABELS.get(data["formula"], data["formula"]),
        "formulas": [(name, FORMULA_LABELS.get(name, name)) for name in FORMULAS],
        "districts": _districts(request.user),
        "error": error,
    }
    return render(request, "web/analytics/board.html", context, status=status)


@login_required
def hotspots_geojson(request: HttpRequest) -> JsonResponse:
    """The board's hot spots as GeoJSON points for its map (the same scope as the page)."""
    _require_viewer(request)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
            "properties": {
                "rank": c["rank"],
                "heat": c["heat"],
                "place": c["place_name"],
                "problem": c["problem_name"],
                "requesters": c["inputs"]["requesters"],
                "tickets": len(c["ticket_ids"]),
            },
        }
        for c in board.hotspot_cards(actor=request.user)
        if c["lon"] is not None
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_POST
def formula_set(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    try:
        district_id = int(request.POST.get("district", ""))
    except ValueError:
        return warning_board(request, status=400, error=_("请选择区县"))
    district = scope(Area.objects.filter(kind=AreaKind.DISTRICT), actor=request.user, field="path").filter(
        pk=district_id
    )
    found = district.first()
    if found is None:
        return warning_board(request, status=404, error=_("区县不存在或不在您的管辖范围内"))
    try:
        services.heat_formula_set(actor=request.user, district=found, formula=request.POST.get("formula", ""))
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return warning_board(request, status=http_status_for(exc) or 400, error=text)
    messages.success(request, _("热度公式已更新"))
    return redirect("web:analytics_board")
