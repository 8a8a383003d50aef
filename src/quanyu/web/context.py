from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from quanyu.web.nav import nav_for, nav_groups


def _url_name(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's shell needs: map settings, the user's navigation and role line."""
    context: dict[str, Any] = {
        "QUANYU_TILE_URL": settings.QUANYU_TILE_URL,
        "QUANYU_TILE_ATTRIBUTION": settings.QUANYU_TILE_ATTRIBUTION,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav"] = nav_for(user, url_name=_url_name(request))
        context["nav_groups"] = nav_groups(context["nav"])
        context["primary_grant"] = getattr(user, "primary_grant", None)
    return context
