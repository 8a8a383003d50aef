"""Venue projects (build and handover) in the API: list, detail, create, complete the current
step, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.areas.models import Area
from quanyu.venues import selectors
from quanyu.venues.models import VenueKind, VenueProject
from quanyu.venues.services import projects


class ProjectSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = VenueProject
        fields = [
            "id",
            "name",
            "area",
            "area_name",
            "kind",
            "planned_floor_area",
            "planned_ground_floor_area",
            "step",
            "step_due",
            "supervised_step",
            "owners",
            "documents",
            "venue",
        ]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    area = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=VenueKind.choices, default=VenueKind.COMMUNITY_CENTRE)
    owners = serializers.DictField(child=serializers.IntegerField(min_value=1))
    planned_floor_area = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0)
    planned_ground_floor_area = serializers.DecimalField(
        max_digits=9, decimal_places=1, min_value=0, default=Decimal(0)
    )


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StepSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    documents = DocumentSerializer(many=True, required=False, default=list)
    built_floor_area = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    built_ground_floor_area = serializers.DecimalField(
        max_digits=9, decimal_places=1, min_value=0, required=False
    )


class CancelSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)


def _parsed(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    reading = serializer_class(data=data)
    reading.is_valid(raise_exception=True)
    return dict(reading.validated_data)


class ProjectViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[VenueProject]:
        return selectors.project_queryset_for(self.request.user).order_by("-created_at", "-id")

    def get_object(self) -> VenueProject:
        return selectors.project_get_for(actor=self.request.user, project_id=self.kwargs["pk"])

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _parsed(ProjectCreateSerializer, request.data)
        area = Area.objects.filter(pk=v.pop("area")).first()
        if area is None:
            raise exceptions.ValidationError({"area": [_("不存在或不在您的管辖范围内")]})
        made = projects.project_create(actor=request.user, area=area, **v)
        return Response(ProjectSerializer(made).data, status=201)

    @extend_schema(request=StepSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        v = _parsed(StepSerializer, request.data)
        v["documents"] = [dict(d) for d in v.get("documents", [])]
        return Response(
            ProjectSerializer(projects.project_complete_step(actor=request.user, project=project, **v)).data
        )

    @extend_schema(request=CancelSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        note = _parsed(CancelSerializer, request.data)["note"]
        return Response(
            ProjectSerializer(projects.project_cancel(actor=request.user, project=project, note=note)).data
        )
