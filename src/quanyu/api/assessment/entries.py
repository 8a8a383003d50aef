"""Hand-scored entries' deadlines and files in the API: the submission deadlines of a set's
periods with who missed them (GET), setting or moving one (POST, the assessor), and an evidence
file's download (scoped to those who may see the set)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.assessment.indicators import selectors, submissions
from quanyu.assessment.models import SubmissionDeadline
from quanyu.assessment.periods import parse_period

DETAIL = inline_serializer("EvidenceDetail", fields={"detail": serializers.CharField()})


class SubmissionDeadlineInput(serializers.Serializer):
    period = serializers.CharField(max_length=10, help_text="YYYY-MM, YYYY-Qn or YYYY")
    due_on = serializers.DateField(help_text="the last day to submit (YYYY-MM-DD), today or later")


class SubmissionDeadlineSerializer(serializers.Serializer):
    period = serializers.CharField()
    due_on = serializers.DateField(help_text="the last day to submit")
    due_at = serializers.DateTimeField(help_text="submitting is refused from this moment")
    passed = serializers.BooleanField()


class OverdueSubmissionSerializer(serializers.Serializer):
    period = serializers.CharField()
    last_day = serializers.DateField()
    indicator = serializers.IntegerField(source="indicator_id")
    indicator_name = serializers.CharField(source="indicator")
    target = serializers.IntegerField(source="target_id")
    target_name = serializers.CharField(source="target")
    returned = serializers.BooleanField(help_text="returned by the assessor and not submitted again")


class SubmissionDeadlinesSerializer(serializers.Serializer):
    deadlines = SubmissionDeadlineSerializer(many=True)
    overdue = OverdueSubmissionSerializer(many=True, help_text="who missed a passed deadline")


def _deadline(d: SubmissionDeadline, now: Any) -> dict[str, Any]:
    return {
        "period": d.period,
        "due_on": submissions.last_day(d),
        "due_at": d.due_at,
        "passed": d.due_at <= now,
    }


class DeadlineListView(APIView):
    """The submission deadlines of a set's periods and who missed them (GET); set or move one
    (POST: the set's assessors)."""

    @extend_schema(responses=SubmissionDeadlinesSerializer)
    def get(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        now = timezone.now()
        body = {
            "deadlines": [_deadline(d, now) for d in s.deadlines.order_by("due_at", "period")],
            "overdue": submissions.overdue_for(s, now=now),
        }
        return Response(SubmissionDeadlinesSerializer(body).data)

    @extend_schema(request=SubmissionDeadlineInput, responses={201: SubmissionDeadlineSerializer})
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = SubmissionDeadlineInput(data=request.data)
        v.is_valid(raise_exception=True)
        d = submissions.deadline_set(
            actor=request.user,
            indicator_set=s,
            period=parse_period(v.validated_data["period"]),
            due_on=v.validated_data["due_on"],
        )
        return Response(
            SubmissionDeadlineSerializer(_deadline(d, timezone.now())).data, status=status.HTTP_201_CREATED
        )


class EvidenceFileView(APIView):
    """One evidence file of a hand-scored entry, as uploaded (GET), or taken back (DELETE)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: DETAIL})
    def get(self, request: Request, pk: int) -> FileResponse:
        ev = selectors.evidence_get_for(actor=request.user, evidence_id=pk)
        kind = mimetypes.guess_type(ev.name)[0] or "application/octet-stream"
        response = FileResponse(ev.file.open("rb"), content_type=kind)
        response["Content-Disposition"] = content_disposition_header(True, ev.name)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(responses={204: None, 400: DETAIL, 403: DETAIL, 404: DETAIL})
    def delete(self, request: Request, pk: int) -> Response:
        """Take the file back (the assessed side or the assessor, before scoring and the deadline)."""
        ev = selectors.evidence_get_for(actor=request.user, evidence_id=pk)
        submissions.evidence_remove(actor=request.user, evidence=ev)
        return Response(status=status.HTTP_204_NO_CONTENT)
