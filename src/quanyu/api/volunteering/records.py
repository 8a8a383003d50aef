"""Hours, corrections and proofs: my hours, the correction queue, issuing and downloading a
proof, and the public check of a proof by number."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.volunteering.serializers import DecideSerializer
from quanyu.core.params import require_year
from quanyu.volunteering import selectors, services
from quanyu.volunteering.models import Certificate, CorrectionRequest, Team
from quanyu.volunteering.pdf import certificate_pdf


class CorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    signup = serializers.IntegerField(source="signup_id")
    old_minutes = serializers.IntegerField()
    new_minutes = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    decision_note = serializers.CharField()


class CertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    team = serializers.IntegerField(source="team_id")
    issuer = serializers.CharField(read_only=True)
    total_minutes = serializers.IntegerField(read_only=True)
    issued_on = serializers.DateField(read_only=True)


class CertificatePublicSerializer(serializers.Serializer):
    number = serializers.CharField()
    volunteer_name = serializers.CharField()
    volunteer_number = serializers.CharField()
    issuer = serializers.CharField()
    total_hours = serializers.FloatField()
    services = serializers.IntegerField()
    issued_on = serializers.CharField()


class HoursSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    pending = serializers.IntegerField()
    declined = serializers.IntegerField()


class CorrectionViewSet(viewsets.GenericViewSet):
    serializer_class = CorrectionSerializer
    filter_backends: list[Any] = []
    queryset = CorrectionRequest.objects.none()  # the schema's id type; reads use the selectors

    def list(self, request: Request) -> Response:
        qs = selectors.correction_list_for(
            actor=request.user, status=request.query_params.get("status", "pending")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CorrectionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            CorrectionSerializer(selectors.correction_get_for(actor=request.user, request_id=pk)).data
        )

    @extend_schema(request=DecideSerializer, responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = selectors.correction_get_for(actor=request.user, request_id=pk)
        decided = services.correction_decide(actor=request.user, request=found, **data.validated_data)
        return Response(CorrectionSerializer(decided).data)


class CertificateViewSet(viewsets.GenericViewSet):
    serializer_class = CertificateSerializer
    filter_backends: list[Any] = []
    queryset = Certificate.objects.none()  # the schema's id type; reads use the selectors

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.certificate_list_for(actor=request.user))
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        cert = selectors.certificate_get_for(actor=request.user, certificate_id=pk)
        return Response(CertificateSerializer(cert).data)

    def create(self, request: Request) -> Response:
        """Ask for (a volunteer: one's own) a proof over the approved hours with ``team``."""
        data = CertificateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        volunteer = services.own_volunteer(request.user)
        team = Team.objects.filter(pk=data.validated_data["team_id"]).first()
        if team is None:
            raise exceptions.ValidationError({"team": [_("不存在")]})
        cert = services.certificate_issue(actor=request.user, volunteer=volunteer, team=team)
        return Response(CertificateSerializer(cert).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        cert = selectors.certificate_get_for(actor=request.user, certificate_id=pk)
        response = HttpResponse(certificate_pdf(cert), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
        return response


class VolunteerRankRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.CharField(required=False)
    hours = serializers.FloatField()
    services = serializers.IntegerField()


class RankingsSerializer(serializers.Serializer):
    volunteers = VolunteerRankRowSerializer(many=True)
    teams = VolunteerRankRowSerializer(many=True)


class RankingsView(APIView):
    """Volunteers and teams of the caller's scope by approved hours in a year."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=RankingsSerializer)
    def get(self, request: Request) -> Response:
        year = require_year(request.query_params.get("year"), field="year") or timezone.localdate().year
        return Response(selectors.rankings_for(actor=request.user, year=year))


class MyHoursView(APIView):
    @extend_schema(responses=HoursSerializer)
    def get(self, request: Request) -> Response:
        return Response(selectors.my_hours(actor=request.user))


class CertificateVerifyView(APIView):
    """Public: check a proof by its number (what it prints, nothing more)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=CertificatePublicSerializer)
    def get(self, request: Request, number: str) -> Response:
        return Response(selectors.certificate_public(number=number))
