"""The wishes API (see ``views``). ``api.urls`` calls ``register(router)`` and adds ``urlpatterns``."""

from typing import Any

from django.urls import path

from quanyu.api.wishes.views import ClaimViewSet, RankingView, RecordView, WallViewSet, WishViewSet


def register(router: Any) -> None:
    router.register("wishes", WishViewSet, basename="wish")
    router.register("wish-wall", WallViewSet, basename="wish-wall")
    router.register("wish-claims", ClaimViewSet, basename="wish-claim")


urlpatterns = [
    path("wish-record/", RecordView.as_view(), name="wish-record"),
    path("wish-rankings/", RankingView.as_view(), name="wish-rankings"),
]
