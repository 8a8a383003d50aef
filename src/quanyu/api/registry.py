"""Thin API adapters: parse, scope through the selectors, serialise."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api import serializers as s
from quanyu.areas import selectors as area_selectors
from quanyu.areas.locate import locate
from quanyu.areas.models import Area, AreaKind
from quanyu.orgs import selectors as org_selectors
from quanyu.orgs.models import OrgKind, PartyOrg, Unit, UnitKind


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(request=s.TokenInputSerializer, responses=s.TokenOutputSerializer, auth=[])
    def post(self, request: Request) -> Response:
        from rest_framework.authtoken.models import Token

        data = s.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户名或密码错误"))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class AreaFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices)
    parent = django_filters.NumberFilter(method="filter_parent", label="parent area id")

    class Meta:
        model = Area
        fields = ["kind", "parent", "code"]

    def filter_parent(self, queryset: QuerySet[Area], name: str, value: int) -> QuerySet[Area]:
        parent = Area.objects.filter(pk=value).values_list("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent[0], depth=parent[1] + 1)


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = AreaFilter
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "population"]
    ordering = ["path"]

    def get_queryset(self) -> QuerySet[Area]:
        return area_selectors.area_list_for(actor=self.request.user, with_geometry=self.action == "retrieve")

    def get_serializer_class(self) -> type:
        return s.AreaDetailSerializer if self.action == "retrieve" else s.AreaSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        parent_paths = {a.path[: -Area.steplen] for a in rows if a.depth > 1}
        parent_ids = dict(Area.objects.filter(path__in=parent_paths).values_list("path", "id"))
        serializer = s.AreaSerializer(
            rows, many=True, context={**self.get_serializer_context(), "parent_ids": parent_ids}
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(request=s.LocateInputSerializer, responses=s.LocateOutputSerializer)
    @action(detail=False, methods=["post"])
    def locate(self, request: Request) -> Response:
        data = s.LocateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        points = data.validated_data["points"]
        grid, community, street = locate(
            [p["lon"] for p in points], [p["lat"] for p in points], crs=data.validated_data["crs"]
        )
        results = [
            {
                "grid": int(g) if g >= 0 else None,
                "community": int(c) if c >= 0 else None,
                "street": int(st) if st >= 0 else None,
            }
            for g, c, st in zip(grid.tolist(), community.tolist(), street.tolist(), strict=True)
        ]
        return Response({"results": results}, status=status.HTTP_200_OK)


class PartyOrgFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)

    class Meta:
        model = PartyOrg
        fields = ["kind", "area"]


class PartyOrgViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PartyOrgSerializer
    filterset_class = PartyOrgFilter
    search_fields = ["name", "code", "secretary"]
    ordering = ["path"]

    def get_queryset(self) -> QuerySet[PartyOrg]:
        return org_selectors.party_org_list_for(actor=self.request.user)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["kind", "area"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "credit_code", "address"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Unit]:
        return org_selectors.unit_list_for(actor=self.request.user)


def register(router: Any) -> None:
    router.register("areas", AreaViewSet, basename="area")
    router.register("orgs", PartyOrgViewSet, basename="org")
    router.register("units", UnitViewSet, basename="unit")


urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token")]
