"""The department-scoring API: the ranking of a period, the tickets behind each figure, its xlsx
export, and bulletins (list, detail, publish). Thin: parse, call a selector or a service,
serialise."""

from __future__ import annotations

from typing import Any

from django.urls import path

from quanyu.api.assessment import cockpit as cp
from quanyu.api.assessment import duty
from quanyu.api.assessment import entries as en
from quanyu.api.assessment import indicators as ind
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
    # Indicator-based assessment and the cockpit (api/assessment/indicators.py).
    path("assessment/indicator-sets/", ind.IndicatorSetListView.as_view(), name="assessment-sets"),
    path("assessment/indicator-sets/<int:pk>/", ind.IndicatorSetDetailView.as_view(), name="assessment-set"),
    path(
        "assessment/indicator-sets/<int:pk>/indicators/",
        ind.IndicatorAddView.as_view(),
        name="assessment-set-indicators",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/publish/",
        ind.IndicatorSetPublishView.as_view(),
        name="assessment-set-publish",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/compute/",
        ind.PeriodComputeView.as_view(),
        name="assessment-set-compute",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/freeze/",
        ind.PeriodFreezeView.as_view(),
        name="assessment-set-freeze",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/ranking/",
        ind.RankingView.as_view(),
        name="assessment-set-ranking",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/entries/",
        ind.EntryListView.as_view(),
        name="assessment-set-entries",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/deductions/",
        ind.DeductionView.as_view(),
        name="assessment-set-deductions",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/bulletin/",
        ind.BulletinView.as_view(),
        name="assessment-set-bulletin",
    ),
    path("assessment/indicators/<int:pk>/", ind.IndicatorDetailView.as_view(), name="assessment-indicator"),
    path(
        "assessment/indicators/<int:pk>/rows/",
        ind.IndicatorRowsView.as_view(),
        name="assessment-indicator-rows",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/deadlines/",
        en.DeadlineListView.as_view(),
        name="assessment-set-deadlines",
    ),
    path("assessment/evidence/<int:pk>/", en.EvidenceFileView.as_view(), name="assessment-evidence"),
    path("assessment/entries/<int:pk>/score/", ind.EntryScoreView.as_view(), name="assessment-entry-score"),
    path(
        "assessment/entries/<int:pk>/return/", ind.EntryReturnView.as_view(), name="assessment-entry-return"
    ),
    path("assessment/cockpit/", ind.CockpitView.as_view(), name="assessment-cockpit"),
    path("assessment/cockpit/records/", ind.CockpitRecordsView.as_view(), name="assessment-cockpit-records"),
    # The cockpit's heat and ticket drill-downs, a set's files (api/assessment/cockpit.py).
    path("assessment/cockpit/heat/", cp.CockpitHeatView.as_view(), name="assessment-cockpit-heat"),
    path("assessment/cockpit/tickets/", cp.CockpitTicketsView.as_view(), name="assessment-cockpit-tickets"),
    path(
        "assessment/indicator-sets/<int:pk>/ranking/export/",
        cp.RankingExportView.as_view(),
        name="assessment-set-ranking-export",
    ),
    path(
        "assessment/indicator-sets/<int:pk>/bulletin/pdf/",
        cp.BulletinPdfView.as_view(),
        name="assessment-set-bulletin-pdf",
    ),
    # 述职评议 (api/assessment/duty.py).
    path(
        "assessment/indicator-sets/<int:pk>/duty-reports/",
        duty.DutyReportListView.as_view(),
        name="assessment-duty-reports",
    ),
    path(
        "assessment/duty-reports/<int:pk>/",
        duty.DutyReportDetailView.as_view(),
        name="assessment-duty-report",
    ),
    path(
        "assessment/duty-reports/<int:pk>/review/",
        duty.DutyReviewView.as_view(),
        name="assessment-duty-review",
    ),
]
