"""The 述职评议 API: a set's secretaries' reports (list, submit) and their grades (review). Thin:
parse, call the service or selector (``assessment.indicators.duty``), answer JSON. Grades are
plain strings (good, fairly_good, average, poor)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.assessment.indicators import duty, selectors
from quanyu.assessment.models import DutyReport, DutyReview

ANY = inline_serializer("DutyAny", fields={"detail": serializers.CharField(required=False)})


class ReportInput(serializers.Serializer):
    area = serializers.IntegerField(min_value=1)
    statement = serializers.CharField(max_length=duty.MAX_STATEMENT, trim_whitespace=True)


class ReviewInput(serializers.Serializer):
    grade = serializers.CharField(max_length=12, help_text="good, fairly_good, average, poor")
    comment = serializers.CharField(max_length=duty.MAX_COMMENT, required=False, allow_blank=True, default="")


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def review_json(r: DutyReview) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reviewer": r.reviewer.get_full_name() or r.reviewer.get_username(),
        "grade": r.grade,
        "grade_label": r.get_grade_display(),
        "comment": r.comment,
        "reviewed_at": r.reviewed_at,
    }


def report_json(r: DutyReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "indicator_set": r.indicator_set_id,
        "area": r.area_id,
        "area_name": r.area.name,
        "statement": r.statement,
        "figures": r.figures,
        "projects": r.projects,
        "submitted_at": r.submitted_at,
        "reviews": [review_json(x) for x in r.reviews.all()],
    }


class DutyReportListView(APIView):
    """The reports of a set (GET) and a secretary's report for one of its areas (POST)."""

    @extend_schema(responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        return Response(
            {"results": [report_json(r) for r in duty.duty_reports_for(actor=request.user, indicator_set=s)]}
        )

    @extend_schema(request=ReportInput, responses={201: ANY})
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(ReportInput, request.data)
        r = duty.duty_report_submit(
            actor=request.user, indicator_set=s, area_id=v["area"], statement=v["statement"]
        )
        return Response(report_json(r), status=status.HTTP_201_CREATED)


class DutyReportDetailView(APIView):
    @extend_schema(responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        return Response(report_json(duty.duty_report_get_for(actor=request.user, report_id=pk)))


class DutyReviewView(APIView):
    """A reviewer's grade of a report (again: replaces the reviewer's grade)."""

    @extend_schema(request=ReviewInput, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        report = duty.duty_report_get_for(actor=request.user, report_id=pk)
        v = _valid(ReviewInput, request.data)
        review = duty.duty_review_grade(
            actor=request.user, report=report, grade=v["grade"], comment=v["comment"]
        )
        return Response(review_json(review))
