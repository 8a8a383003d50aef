"""The people API: members, residents (masked; an explicit, audited reveal), 双报到 reports, posts
and duty, points, floating members, branch meetings, the contact board. Thin: parse, find through
the people selectors (scoped; out of scope is 404), call one service, serialise.

One module per sub-domain: ``members``, ``residents``, ``activity`` (双报到 reports, posts, claims),
``points``, ``branchlife`` (floating members, meetings, the contact board); ``pii`` holds the
masked fields, the reveal and the export that members and residents share, ``common`` the query
parameters. ``api.urls`` calls ``register(router)`` and adds ``urlpatterns``.
"""

from typing import Any

from django.urls import path

from quanyu.api.people.activity import ClaimViewSet, PostViewSet, ReportViewSet
from quanyu.api.people.branchlife import AttendanceRateView, ContactBoardView, FloatingViewSet, MeetingViewSet
from quanyu.api.people.members import MemberViewSet
from quanyu.api.people.points import PointEntryCorrectView, PointRequestViewSet, PointRuleViewSet, RankingView
from quanyu.api.people.residents import ResidentViewSet
from quanyu.api.people.transfers import MemberTransferViewSet


def register(router: Any) -> None:
    router.register("members", MemberViewSet, basename="member")
    router.register("residents", ResidentViewSet, basename="resident")
    router.register("reports", ReportViewSet, basename="report")
    router.register("posts", PostViewSet, basename="post")
    router.register("post-claims", ClaimViewSet, basename="post-claim")
    router.register("point-rules", PointRuleViewSet, basename="point-rule")
    router.register("point-requests", PointRequestViewSet, basename="point-request")
    router.register("floating-members", FloatingViewSet, basename="floating")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("member-transfers", MemberTransferViewSet, basename="member-transfer")


urlpatterns = [
    path("point-entries/<int:pk>/correct/", PointEntryCorrectView.as_view(), name="point-entry-correct"),
    path("rankings/", RankingView.as_view(), name="people-rankings"),
    path("attendance-rates/", AttendanceRateView.as_view(), name="attendance-rates"),
    path("contact-board/", ContactBoardView.as_view(), name="contact-board"),
]
