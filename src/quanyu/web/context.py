from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "QUANYU_TILE_URL": settings.QUANYU_TILE_URL,
        "QUANYU_TILE_ATTRIBUTION": settings.QUANYU_TILE_ATTRIBUTION,
    }
