"""Points: the rules, requests and their decision, corrections of a ledger entry, rankings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.people.common import int_param, pick, year_param
from quanyu.people import selectors, services
from quanyu.people.models import PointRequest, PointRule


class PointRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointRule
        fields = ["id", "code", "name", "points", "cap", "period", "approver_role", "active"]


class PointEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField(source="rule.code", default="")
    points = serializers.IntegerField()
    occurred_on = serializers.DateField()
    reason = serializers.CharField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)


class PointsOutSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    year_balance = serializers.IntegerField()
    entries = PointEntrySerializer(many=True)


class PointRequestSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)

    class Meta:
        model = PointRequest
        fields = [
            "id",
            "member",
            "member_name",
            "rule",
            "rule_name",
            "occurred_on",
            "reason",
            "status",
            "decision_note",
            "entry",
        ]
        read_only_fields = ["status", "decision_note", "entry"]


class PointDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PointCorrectSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)


class MemberRankingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    branch_name = serializers.CharField(source="branch.name")
    year_points = serializers.IntegerField()


class PointRuleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PointRuleSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[PointRule]:
        return selectors.point_rules()


class PointRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PointRequestSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[PointRequest]:
        return selectors.point_request_list_for(
            actor=self.request.user, status=self.request.query_params.get("status", "pending")
        )

    def get_object(self) -> PointRequest:
        return selectors.point_request_get_for(actor=self.request.user, request_id=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PointRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        member = pick(selectors.member_list_for(actor=request.user), v["member"].pk, "member")
        created = services.points_request(
            actor=request.user,
            member=member,
            rule=v["rule"],
            occurred_on=v["occurred_on"],
            reason=v["reason"],
        )
        return Response(PointRequestSerializer(created).data, status=201)

    @extend_schema(request=PointDecideSerializer, responses=PointRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = PointDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.points_request_decide(
            actor=request.user, request=self.get_object(), **data.validated_data
        )
        return Response(PointRequestSerializer(decided).data)


class PointEntryCorrectView(APIView):
    @extend_schema(request=PointCorrectSerializer, responses=PointEntrySerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = PointCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = selectors.point_entry_get_for(actor=request.user, entry_id=pk)
        correction = services.points_correct(actor=request.user, entry=entry, **data.validated_data)
        return Response(PointEntrySerializer(correction).data, status=201)


class RankingView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("branch", int),
            OpenApiParameter("community", int),
        ],
        responses=MemberRankingSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.ranking_for(
            actor=request.user,
            year=year_param(request) or timezone.localdate().year,
            branch=int_param(request, "branch"),
            community=int_param(request, "community"),
        )
        return Response(MemberRankingSerializer(rows, many=True).data)
