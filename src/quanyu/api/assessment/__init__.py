"""The department-scoring API: the ranking of a period, the tickets behind each figure, its xlsx
export, and bulletins (list, detail, publish). Thin: parse, call a selector or a service,
serialise."""

from __future__ import annotations

from typing import Any

from django.urls import path

from quanyu.api.assessment.views import (
    BulletinDetailView,
    BulletinListView,
    DepartmentRankingExportView,
    DepartmentRankingView,
    DepartmentTicketsView,
)


def register(router: Any) -> None:
    """No viewsets: the assessment endpoints are plain views (``urlpatterns``)."""


urlpatterns = [
    path("assessment/departments/", DepartmentRankingView.as_view(), name="assessment-departments"),
    path(
        "assessment/departments/export/",
        DepartmentRankingExportView.as_view(),
        name="assessment-departments-export",
    ),
    path(
        "assessment/departments/<int:pk>/tickets/",
        DepartmentTicketsView.as_view(),
        name="assessment-department-tickets",
    ),
    path("assessment/bulletins/", BulletinListView.as_view(), name="assessment-bulletins"),
    path("assessment/bulletins/<int:pk>/", BulletinDetailView.as_view(), name="assessment-bulletin"),
]
