"""The department-scoring API's views: ranking, its xlsx export, the tickets behind a figure,
bulletins."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.assessment.serializers import (
    BulletinDetailSerializer,
    BulletinSerializer,
    DrilldownSerializer,
    PublishSerializer,
    RankingSerializer,
)
from quanyu.assessment import selectors, services
from quanyu.assessment.exports import ranking_filename, ranking_xlsx
from quanyu.assessment.periods import Period, current_month, parse_period
from quanyu.core.downloads import XLSX, attachment

PERIOD = OpenApiParameter("period", str, description="YYYY-MM, YYYY-Qn or YYYY (default: this month)")
LIVE = OpenApiParameter("live", bool, description="ignore a published bulletin and compute now")


def _period(request: Request) -> Period:
    raw = request.query_params.get("period")
    return current_month() if raw in (None, "") else parse_period(raw)


class DepartmentRankingView(APIView):
    """Each department's counts, three rates, score and rank for a period, with the weights used.
    A published period answers its frozen bulletin (``frozen: true``) unless ``live=1``."""

    @extend_schema(parameters=[PERIOD, LIVE], responses=RankingSerializer)
    def get(self, request: Request) -> Response:
        live = request.query_params.get("live") in ("1", "true")
        ranking = selectors.ranking_for(actor=request.user, period=_period(request), live=live)
        return Response(RankingSerializer(ranking).data)


class DepartmentRankingExportView(APIView):
    @extend_schema(parameters=[PERIOD, LIVE], responses={(200, XLSX): bytes})
    def get(self, request: Request) -> HttpResponse:
        live = request.query_params.get("live") in ("1", "true")
        ranking = selectors.ranking_for(actor=request.user, period=_period(request), live=live)
        return attachment(ranking_xlsx(ranking), ranking_filename(ranking))


class DepartmentTicketsView(ListAPIView):
    """The whistles (and their tickets) behind one figure of a department in a period.
    ``figure``: received, response, completion, satisfaction or returned; ``outcome``: met or
    missed (empty: the whole denominator)."""

    serializer_class = DrilldownSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            PERIOD,
            OpenApiParameter("figure", str, enum=list(selectors.FIGURES)),
            OpenApiParameter("outcome", str, enum=["met", "missed"]),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        department = selectors.department_for_drilldown(
            actor=self.request.user, department_id=self.kwargs["pk"]
        )
        params = self.request.query_params
        return selectors.drilldown_for(
            actor=self.request.user,
            department=department,
            period=_period(self.request),
            figure=params.get("figure", "received"),
            outcome=params.get("outcome", ""),
        )


class BulletinListView(ListAPIView):
    """Published bulletins (GET); publish one (POST: organisation department, administrators)."""

    serializer_class = BulletinSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.bulletin_list_for(actor=self.request.user)

    @extend_schema(request=PublishSerializer, responses={201: BulletinDetailSerializer})
    def post(self, request: Request) -> Response:
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bulletin = services.bulletin_publish(
            actor=request.user, period=parse_period(v["period"]), title=v["title"], note=v["note"]
        )
        bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin.pk)
        return Response(BulletinDetailSerializer(bulletin).data, status=status.HTTP_201_CREATED)


class BulletinDetailView(APIView):
    @extend_schema(responses=BulletinDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=pk)
        return Response(BulletinDetailSerializer(bulletin).data)
