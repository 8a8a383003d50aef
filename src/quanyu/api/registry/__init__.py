"""The registry API (areas, party organisations, units) and the account endpoints (token log-in,
the current user): ``serializers`` and ``views``; ``api.urls`` calls ``register(router)`` and adds
``urlpatterns``."""

from typing import Any

from django.urls import path

from quanyu.api.registry.views import (
    AreaViewSet,
    LogoutView,
    MeView,
    PartyOrgViewSet,
    TokenView,
    UnitViewSet,
)


def register(router: Any) -> None:
    router.register("areas", AreaViewSet, basename="area")
    router.register("orgs", PartyOrgViewSet, basename="org")
    router.register("units", UnitViewSet, basename="unit")


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("me/", MeView.as_view(), name="api-me"),
]
