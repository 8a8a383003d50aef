"""Matching page: a community's need against the resources units in its street offer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import matching
from quanyu.cogov.models import ResourceKind
from quanyu.core.scoping import scope
from quanyu.web.cogov.views.common import error_text, int_or_none


@login_required
def matching_page(request: HttpRequest) -> HttpResponse:
    communities = scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user).order_by("path")
    picked = communities.filter(pk=int_or_none(request.GET.get("community")) or 0).first()
    kind = request.GET.get("kind", "")
    rows: list[matching.Suggestion] = []
    error, status = "", 200
    if picked is not None and kind:
        try:
            rows = matching.suggest(community=picked, kind=kind)
        except ValidationError as exc:
            error, status = error_text(exc), 400
    context = {
        "communities": list(communities[:300]),
        "community": picked,
        "kinds": ResourceKind.choices,
        "kind": kind,
        "rows": rows,
        "error": error,
    }
    return render(request, "web/cogov/matching.html", context, status=status)
