"""组织关系转接 in the API: the requests the caller sees (where the member is now only for those
who may see the member) and the decision by the organisation department over both sides."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.people import selectors
from quanyu.people.models import MemberTransfer
from quanyu.people.services.transfers import transfer_decide


class MemberTransferSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    member = serializers.IntegerField(source="member_id", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    to_branch = serializers.IntegerField(source="to_branch_id", read_only=True)
    to_community = serializers.IntegerField(source="to_community_id", read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    from_branch = serializers.SerializerMethodField(help_text="现所在党组织（仅对能看到该党员的一方给出）")

    def get_from_branch(self, obj: MemberTransfer) -> int | None:
        actor = self.context["request"].user
        return obj.member.branch_id if selectors.transfer_sees_origin(actor, obj) else None


class TransferDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MemberTransferViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberTransferSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[MemberTransfer]:
        return selectors.transfer_list_for(
            actor=self.request.user, status=self.request.query_params.get("status", "")
        )

    def get_object(self) -> MemberTransfer:
        return selectors.transfer_get_for(actor=self.request.user, transfer_id=self.kwargs["pk"])

    @extend_schema(request=TransferDecideSerializer, responses=MemberTransferSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = TransferDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = transfer_decide(actor=request.user, transfer=self.get_object(), **data.validated_data)
        return Response(MemberTransferSerializer(done, context={"request": request}).data)
