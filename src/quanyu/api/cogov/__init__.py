"""The co-governance API: co-building contracts, joint-meeting bodies and sessions, and the tasks
their resolutions become. Thin: parse, find through ``cogov.selectors`` (scoped; out of scope is
404), call one service, serialise. Domain errors are mapped by ``api.errors`` (400 field-named,
403, 404, 409)."""

from typing import Any

from django.urls import path

from quanyu.api.cogov.accountability import DeliberationResultsView, ResultCancelView, ResultProgressView
from quanyu.api.cogov.contracts import ContractViewSet
from quanyu.api.cogov.deliberation import DeliberationViewSet
from quanyu.api.cogov.matching import MatchingView
from quanyu.api.cogov.meetings import BodyViewSet, SessionViewSet, TaskBoardView, TaskViewSet
from quanyu.api.cogov.projects import (
    AdmissionItemViewSet,
    AdmissionRequestViewSet,
    ProjectViewSet,
    RefusalReportView,
)


def register(router: Any) -> None:
    router.register("cogov/contracts", ContractViewSet, basename="cogov-contract")
    router.register("cogov/bodies", BodyViewSet, basename="cogov-body")
    router.register("cogov/sessions", SessionViewSet, basename="cogov-session")
    router.register("cogov/tasks", TaskViewSet, basename="cogov-task")
    router.register("cogov/deliberations", DeliberationViewSet, basename="cogov-deliberation")
    router.register("cogov/projects", ProjectViewSet, basename="cogov-project")
    router.register("cogov/admission-items", AdmissionItemViewSet, basename="cogov-admission-item")
    router.register("cogov/admission-requests", AdmissionRequestViewSet, basename="cogov-admission-request")


urlpatterns = [
    path("cogov/task-board/", TaskBoardView.as_view(), name="cogov-task-board"),
    path(
        "cogov/deliberations/<int:pk>/results/",
        DeliberationResultsView.as_view(),
        name="cogov-deliberation-results",
    ),
    path(
        "cogov/deliberations/<int:pk>/results/<int:result_id>/progress/",
        ResultProgressView.as_view(),
        name="cogov-result-progress",
    ),
    path(
        "cogov/deliberations/<int:pk>/results/<int:result_id>/cancel/",
        ResultCancelView.as_view(),
        name="cogov-result-cancel",
    ),
    path("cogov/matching/", MatchingView.as_view(), name="cogov-matching"),
    path("cogov/admission-refusals/", RefusalReportView.as_view(), name="cogov-admission-refusals"),
]
