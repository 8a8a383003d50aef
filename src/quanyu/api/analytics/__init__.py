"""The early-warning API (预警研判): the board, hot spots, alerts. Plain views."""

from __future__ import annotations

from typing import Any

from django.urls import path

from quanyu.api.analytics.views import AlertListView, BoardView, HotspotListView


def register(router: Any) -> None:
    """No viewsets: the analytics endpoints are plain views (``urlpatterns``)."""


urlpatterns = [
    path("analytics/board/", BoardView.as_view(), name="analytics-board"),
    path("analytics/hotspots/", HotspotListView.as_view(), name="analytics-hotspots"),
    path("analytics/alerts/", AlertListView.as_view(), name="analytics-alerts"),
]
