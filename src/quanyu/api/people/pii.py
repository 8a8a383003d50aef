"""Personal data in the people API: masked fields, the audited reveal of one field, and the
export (masked on GET; unmasked only on a POST with a reason, audited)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.schema import ErrorSerializer
from quanyu.core.downloads import XLSX, attachment
from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.people import services
from quanyu.people.access import birth_month
from quanyu.people.models import PartyMember, Resident

# The fields members and residents start with.
PERSON_FIELDS = ["id", "name", "gender", "birth_month", "id_number", "phone"]


# What members and residents show of a person: the birth date cut to its month, the ID number and
# the phone masked. (No docstring: the schema would take it as the description of both.)
class MaskedPersonSerializer(serializers.ModelSerializer):
    birth_month = serializers.SerializerMethodField(help_text="YYYY-MM; the full date only on a reveal")
    id_number = serializers.SerializerMethodField(help_text="masked")
    phone = serializers.SerializerMethodField(help_text="masked")

    def get_birth_month(self, obj: PartyMember | Resident) -> str:
        return birth_month(obj.birth_date)

    def get_id_number(self, obj: PartyMember | Resident) -> str:
        return mask_id_number(obj.id_number)

    def get_phone(self, obj: PartyMember | Resident) -> str:
        return mask_phone(obj.phone)


class PiiRevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(max_length=500)


class PiiRevealOutSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class PeopleExportParams(serializers.Serializer):
    unmasked = serializers.BooleanField(
        required=False, default=False, help_text="GET answers masked only; unmasked is a POST"
    )


class PeopleUnmaskedExportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="why the plaintext leaves (audited)")


def _reveal(request: Request, person: Resident | PartyMember) -> Response:
    data = PiiRevealSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    value = services.person_reveal(
        actor=request.user,
        person=person,
        field=data.validated_data["field"],
        reason=data.validated_data["reason"],
        request=request._request,
    )
    return Response({"field": data.validated_data["field"], "value": value})


def _export_mode(request: Request) -> tuple[bool, str]:
    """GET exports masked; the unmasked export is a POST with a reason (so it is never a link,
    a prefetch or a logged URL). Answers (unmasked, reason)."""
    if request.method == "POST":
        data = PeopleUnmaskedExportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return True, data.validated_data["reason"]
    params = PeopleExportParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    if params.validated_data["unmasked"]:
        raise exceptions.MethodNotAllowed("GET", detail=_("明文导出请使用 POST 并填写事由"))
    return False, ""


# The personal-data actions of members and residents: the audited reveal of one field of one
# person, and the export of the list (masked on GET; unmasked on a POST with a reason). A viewset
# names its file and writes its rows with its export service. (No docstring: the schema would take
# it as the description of every operation of both viewsets.)
class PersonPiiActions(viewsets.GenericViewSet):
    export_filename: str
    # The export service and the keyword it takes the rows by: members_export(members=…).
    export_service: Callable[..., object]
    export_rows_arg: str

    def write_export(self, *, actor: Any, target: Any, unmasked: bool, reason: str) -> None:
        rows = {self.export_rows_arg: self.get_queryset()}
        self.export_service(actor=actor, target=target, unmasked=unmasked, reason=reason, **rows)

    @extend_schema(request=PiiRevealSerializer, responses=PiiRevealOutSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        return _reveal(request, self.get_object())

    @extend_schema(
        methods=["GET"],
        parameters=[PeopleExportParams],
        responses={
            (200, XLSX): bytes,
            405: OpenApiResponse(
                ErrorSerializer, description="unmasked asked by GET: use POST with a reason"
            ),
        },
    )
    @extend_schema(methods=["POST"], request=PeopleUnmaskedExportSerializer, responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get", "post"])
    def export(self, request: Request) -> HttpResponse:
        unmasked, reason = _export_mode(request)
        buffer = io.BytesIO()
        self.write_export(actor=request.user, target=buffer, unmasked=unmasked, reason=reason)
        return attachment(buffer.getvalue(), self.export_filename)
