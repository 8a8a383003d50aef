"""Residents: the scoped list and search (protected tags only for those who may see them),
reveal and export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.people.common import int_param
from quanyu.api.people.pii import PERSON_FIELDS, MaskedPersonSerializer, PersonPiiActions
from quanyu.people import selectors, services
from quanyu.people.access import tag_sight, tags_visible_for
from quanyu.people.models import Resident


class ResidentSerializer(MaskedPersonSerializer):
    tags = serializers.SerializerMethodField(
        help_text="protected tags; empty unless the caller may see tags at the resident's place"
    )
    community_name = serializers.CharField(source="community.name", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True, default="")

    class Meta:
        model = Resident
        fields = [
            *PERSON_FIELDS,
            "community",
            "community_name",
            "building",
            "building_name",
            "unit_no",
            "room",
            "household_key",
            "tags",
            "anonymised",
        ]

    def get_tags(self, obj: Resident) -> list[str]:
        sight = self.context.get("tag_sight")
        if sight is None:
            return []
        return tags_visible_for(actor=None, person=obj, sight=sight)


class ResidentViewSet(PersonPiiActions, viewsets.ReadOnlyModelViewSet):
    serializer_class = ResidentSerializer
    filter_backends: list[Any] = []
    export_filename = "residents.xlsx"
    export_service = staticmethod(services.residents_export)
    export_rows_arg = "residents"

    def get_queryset(self) -> QuerySet[Resident]:
        params = self.request.query_params
        return selectors.resident_list_for(
            actor=self.request.user,
            filters=selectors.ResidentFilters(
                search=params.get("search", ""),
                community=int_param(self.request, "community"),
                building=int_param(self.request, "building"),
                tag=params.get("tags", "") or params.get("tag", ""),
            ),
        )

    def get_object(self) -> Resident:
        return selectors.resident_get_for(actor=self.request.user, resident_id=self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "tag_sight": tag_sight(self.request.user)}

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("community", int),
            OpenApiParameter("building", int),
            OpenApiParameter("tags", str, description="a protected tag (only for roles that may see them)"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
