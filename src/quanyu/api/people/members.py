"""Party members: the scoped list and search, creating one, points, reveal and export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.people.common import int_param, pick, year_param
from quanyu.api.people.pii import PERSON_FIELDS, MaskedPersonSerializer, PersonPiiActions
from quanyu.api.people.points import PointsOutSerializer
from quanyu.areas.models import Area, AreaKind
from quanyu.core.scoping import scope
from quanyu.people import selectors, services
from quanyu.people.models import MemberCategory, PartyMember


class MemberSerializer(MaskedPersonSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default="")

    class Meta:
        model = PartyMember
        fields = [
            *PERSON_FIELDS,
            "branch",
            "branch_name",
            "category",
            "status",
            "joined_on",
            "work_unit_name",
            "community",
            "community_name",
            "address",
            "anonymised",
        ]


class MemberCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30)
    gender = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    branch = serializers.IntegerField()
    category = serializers.CharField(max_length=16)
    status = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    work_unit_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    community = serializers.IntegerField()


class MemberViewSet(PersonPiiActions, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberSerializer
    filter_backends: list[Any] = []
    export_filename = "members.xlsx"
    export_service = staticmethod(services.members_export)
    export_rows_arg = "members"

    def get_queryset(self) -> QuerySet[PartyMember]:
        params = self.request.query_params
        category = params.get("category", "")
        if category and category not in MemberCategory.values:
            raise exceptions.ValidationError({"category": [_("党员类别不正确")]})
        return selectors.member_list_for(
            actor=self.request.user,
            filters=selectors.MemberFilters(
                search=params.get("search", ""),
                category=category,
                branch=int_param(self.request, "branch"),
                community=int_param(self.request, "community"),
                status=params.get("status", ""),
            ),
        )

    def get_object(self) -> PartyMember:
        return selectors.member_get_for(actor=self.request.user, member_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="name, or exact ID number / mobile"),
            OpenApiParameter("category", str, enum=MemberCategory.values),
            OpenApiParameter("branch", int),
            OpenApiParameter("community", int),
            OpenApiParameter("status", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MemberCreateSerializer, responses=MemberSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MemberCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = services.member_create(
            actor=request.user,
            person=services.PersonInput(
                name=v["name"],
                id_number=v["id_number"],
                gender=v["gender"],
                phone=v["phone"],
                address=v["address"],
            ),
            branch=pick(selectors.branch_list_for(actor=request.user), v["branch"], "branch"),
            category=v["category"],
            community=pick(
                scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user),
                v["community"],
                "community",
            ),
            status=v["status"],
            joined_on=v["joined_on"],
            work_unit_name=v["work_unit_name"],
        )
        return Response(MemberSerializer(member).data, status=201)

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=PointsOutSerializer,
    )
    @action(detail=True, methods=["get"])
    def points(self, request: Request, pk: str) -> Response:
        member = self.get_object()
        year = year_param(request) or timezone.localdate().year
        entries = selectors.ledger_for(actor=request.user, member=member, year=year)
        return Response(
            PointsOutSerializer(
                {
                    "balance": selectors.balance(member=member),
                    "year_balance": selectors.balance(member=member, year=year),
                    "entries": list(entries[:500]),
                }
            ).data
        )
