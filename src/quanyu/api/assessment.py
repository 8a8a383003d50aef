"""The department-scoring API: the ranking of a period, the tickets behind each figure, its xlsx
export, and bulletins (list, detail, publish). Thin: parse, call a selector or a service,
serialise."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.assessment import selectors, services
from quanyu.assessment.exports import XLSX, ranking_filename, ranking_xlsx
from quanyu.assessment.models import Bulletin
from quanyu.assessment.periods import Period, current_month, parse_period
from quanyu.assessment.scoring import Row, Rules
from quanyu.tickets.models import Whistle

PERIOD = OpenApiParameter("period", str, description="YYYY-MM, YYYY-Qn or YYYY (default: this month)")
LIVE = OpenApiParameter("live", bool, description="ignore a published bulletin and compute now")


def _period(request: Request) -> Period:
    raw = request.query_params.get("period")
    return current_month() if raw in (None, "") else parse_period(raw)


class RulesSerializer(serializers.Serializer):
    weight_response = serializers.IntegerField()
    weight_completion = serializers.IntegerField()
    weight_satisfaction = serializers.IntegerField()
    basically_counts = serializers.BooleanField()
    no_rating_policy = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, rules: Rules) -> list[str]:
        return [line for line in rules.describe() if line]


class RowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    department_id = serializers.IntegerField()
    department_name = serializers.CharField()
    received = serializers.IntegerField(source="counts.received")
    responded_in_time = serializers.IntegerField(source="counts.responded_in_time")
    resolved_in_time = serializers.IntegerField(source="counts.resolved_in_time")
    rated = serializers.IntegerField(source="counts.rated")
    satisfied = serializers.IntegerField()
    returned = serializers.IntegerField(source="counts.returned")
    response_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    completion_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    satisfaction_rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class RankingSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    period_label = serializers.CharField(source="period.label")
    period_kind = serializers.CharField(source="period.kind")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end", help_text="exclusive")
    frozen = serializers.BooleanField()
    bulletin = serializers.IntegerField(source="bulletin.pk", allow_null=True, default=None)
    computed_at = serializers.DateTimeField()
    data_as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="when the figures were last brought up to date: the bulletin's publication, or the "
        "rollup's last catch-up with the ticket history (null: not yet)",
    )
    weights = RulesSerializer(source="rules")
    results = RowSerializer(source="rows", many=True)


class BulletinSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.__str__", default="", read_only=True)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "title",
            "note",
            "published_at",
            "published_by",
        ]


class BulletinDetailSerializer(BulletinSerializer):
    weights = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "weights", "results"]

    @extend_schema_field(RulesSerializer)
    def get_weights(self, bulletin: Bulletin) -> dict[str, Any]:
        return dict(RulesSerializer(Rules.from_dict(bulletin.settings)).data)

    @extend_schema_field(RowSerializer(many=True))
    def get_results(self, bulletin: Bulletin) -> list[Any]:
        rows: list[Row] = selectors.bulletin_rows(bulletin)
        return list(RowSerializer(rows, many=True).data)


class PublishSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DrilldownSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id")
    ticket_text = serializers.CharField(source="ticket.text")
    ticket_status = serializers.CharField(source="ticket.status")
    category = serializers.CharField(source="ticket.category.name", default="")
    street = serializers.CharField(source="ticket.street.name", default="")
    rating_level = serializers.CharField(source="ticket.rating_level")
    response_in_time = serializers.SerializerMethodField()
    completion_in_time = serializers.SerializerMethodField()

    class Meta:
        model = Whistle
        fields = [
            "id",
            "ticket",
            "ticket_text",
            "ticket_status",
            "category",
            "street",
            "lead",
            "status",
            "whistled_at",
            "response_due",
            "responded_at",
            "completion_due",
            "resolved_at",
            "returned_at",
            "rating_level",
            "response_in_time",
            "completion_in_time",
        ]

    def get_response_in_time(self, w: Whistle) -> bool:
        return w.responded_at is not None and w.responded_at <= w.response_due

    def get_completion_in_time(self, w: Whistle) -> bool:
        return w.resolved_at is not None and w.resolved_at <= w.completion_due


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
        response = HttpResponse(ranking_xlsx(ranking), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{ranking_filename(ranking)}"'
        return response


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
