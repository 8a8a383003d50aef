"""The cockpit's maps and drill-downs in the API, and a set's files: the heat points (open
tickets, where they are), the tickets behind a ticket figure (one major category, or one hot
spot's), the ranking as xlsx and the bulletin as PDF. Everything through the scoped selectors:
another area, set or hot spot is a 404, no cockpit a 403, a bad figure, category or period a
400 naming it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.analytics.board import hotspot_in
from quanyu.assessment.indicators import cockpit, selectors
from quanyu.assessment.indicators.exports import ranking_xlsx
from quanyu.assessment.periods import Period, current_month, parse_period
from quanyu.core.downloads import PDF, XLSX, attachment
from quanyu.core.pdf import html_to_pdf
from quanyu.core.replica import replica_reads
from quanyu.tickets.models import Ticket

PERIOD = OpenApiParameter("period", str, description="YYYY-MM, YYYY-Qn or YYYY (default: this month)")
SET_PERIOD = OpenApiParameter(
    "period", str, description="YYYY-MM, YYYY-Qn or YYYY (default: the latest computed)"
)
AREA = OpenApiParameter("area", int, description="an area in the caller's scope (default: the widest)")
DETAIL = inline_serializer("CockpitDetail", fields={"detail": serializers.CharField()})


def _period(raw: Any) -> Period:
    return current_month() if raw in (None, "") else parse_period(raw)


class HeatSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    period = serializers.CharField()
    limit = serializers.IntegerField(help_text="at most this many points are given")
    count = serializers.IntegerField(help_text="points given")
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="[lon, lat] of each open ticket with a location",
    )


class CockpitHeatView(APIView):
    """The heat layer of the cockpit's map: where the open tickets of the area are (the page's
    points: at most ``limit``, the tickets the caller may see)."""

    @extend_schema(parameters=[PERIOD, AREA], responses={200: HeatSerializer, 404: DETAIL})
    def get(self, request: Request) -> Response:
        with replica_reads():
            area = cockpit.area_for(actor=request.user, area_id=request.query_params.get("area"))
            period = _period(request.query_params.get("period"))
            points = cockpit.open_points_for(actor=request.user, area=area, period=period)
        return Response(
            {
                "area": area.pk,
                "period": period.key,
                "limit": cockpit.HEAT_POINTS,
                "count": len(points),
                "points": points,
            }
        )


class CockpitTicketSerializer(serializers.ModelSerializer):
    category = serializers.IntegerField(source="category_id", allow_null=True)
    category_name = serializers.CharField(source="category.name", default="")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "text",
            "status",
            "status_label",
            "category",
            "category_name",
            "area_path",
            "created_at",
            "completion_due",
            "resolved_at",
            "lon",
            "lat",
        ]


class CockpitTicketsView(ListAPIView):
    """The tickets behind a ticket figure of the area (``figure``: received, open, overdue,
    in_time, satisfied or repeat), of one major category (``category``, received only; 0: none
    given), or of one hot spot raised in the area (``hotspot``: an early-warning alert's id),
    as the caller may see them; paged."""

    serializer_class = CockpitTicketSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            PERIOD,
            AREA,
            OpenApiParameter("figure", str, enum=list(cockpit.TICKET_FIGURES)),
            OpenApiParameter("category", int, description="a major category's id (0: none given)"),
            OpenApiParameter(
                "hotspot", int, description="a hot spot's id (then figure and category are not used)"
            ),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with replica_reads():
            return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        actor = self.request.user
        area = cockpit.area_for(actor=actor, area_id=params.get("area"))
        period = _period(params.get("period"))
        if params.get("hotspot", "") != "":
            alert = hotspot_in(actor=actor, area=area, alert_id=params["hotspot"])
            rows = cockpit.cockpit_tickets_among(actor=actor, area=area, ids=alert.ticket_ids)
        else:
            raw = params.get("category", "")
            if raw and not (raw.isascii() and raw.isdigit()):
                raise ValidationError({"category": _("类别须为数字")})
            rows = cockpit.cockpit_rows_for(
                actor=actor,
                area=area,
                period=period,
                figure=params.get("figure", "received"),
                category=int(raw) if raw else None,
            )
        return rows.select_related("category").order_by("-created_at", "-pk")


def _ranking(request: Request, pk: int) -> tuple[Any, Period]:
    s = selectors.set_get_for(actor=request.user, set_id=pk)
    raw = request.query_params.get("period", "")
    if raw:
        period = parse_period(raw)
    else:
        latest = selectors.periods_of(s)
        period = parse_period(latest[0].period if latest else str(s.year))
    return selectors.ranking_for(actor=request.user, indicator_set=s, period=period), period


class RankingExportView(APIView):
    """A computed period's ranking as a spreadsheet (the page's export): rank, total, change,
    deductions and each indicator's figure and points; 404 while the period is not computed."""

    @extend_schema(parameters=[SET_PERIOD], responses={(200, XLSX): OpenApiTypes.BINARY, 404: DETAIL})
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        ranking, period = _ranking(request, pk)
        if ranking is None:
            return Response({"detail": _("该期间尚未计算得分")}, status=404)
        return attachment(ranking_xlsx(ranking), f"ranking-{pk}-{period.key}.xlsx")


class BulletinPdfView(APIView):
    """The bulletin of a computed period as the printable PDF (red header, A4, CJK fonts; a draft
    until the period is frozen); 404 while the period is not computed."""

    @extend_schema(parameters=[SET_PERIOD], responses={(200, PDF): OpenApiTypes.BINARY, 404: DETAIL})
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        from quanyu.assessment.indicators.bulletin import bulletin_of

        ranking, period = _ranking(request, pk)
        if ranking is None:
            return Response({"detail": _("该期间尚未计算得分")}, status=404)
        html = render_to_string(
            "web/assessment/bulletin_print.html", {"b": bulletin_of(ranking), "set": ranking.indicator_set}
        )
        return attachment(html_to_pdf(html), f"bulletin-{pk}-{period.key}.pdf", content_type=PDF)
