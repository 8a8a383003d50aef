"""Activity: 双报到 reports (a member or a unit reports to a community), posts, claims and duty."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.people.common import PeopleNoteSerializer, int_param, pick, year_param
from quanyu.areas.models import Area, AreaKind
from quanyu.core.scoping import scope
from quanyu.orgs.models import Unit
from quanyu.people import selectors, services
from quanyu.people.models import PartyMember, Post, PostClaim, PostReview, Report


class MemberReportSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, default="")
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "member",
            "member_name",
            "unit",
            "unit_name",
            "community",
            "community_name",
            "year",
            "status",
            "note",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields


class MemberReportCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False)
    community = serializers.IntegerField()
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("member" in attrs) == ("unit" in attrs):
            raise serializers.ValidationError(_("请指定党员或单位之一"))
        return attrs


class PostSerializer(serializers.ModelSerializer):
    taken = serializers.IntegerField(read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "community", "community_name", "name", "duties", "capacity", "taken", "active"]
        read_only_fields = ["active"]


class PostClaimInSerializer(serializers.Serializer):
    member = serializers.IntegerField()


class PostClaimSerializer(serializers.ModelSerializer):
    post_name = serializers.CharField(source="post.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = PostClaim
        fields = ["id", "post", "post_name", "member", "member_name", "status", "claimed_at", "released_at"]
        read_only_fields = fields


class DutyLogSerializer(serializers.Serializer):
    on_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    note = serializers.CharField(max_length=500)


class PostReviewSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    rating = serializers.ChoiceField(choices=PostReview.Rating.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberReportSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Report]:
        return selectors.report_list_for(
            actor=self.request.user,
            status=self.request.query_params.get("status", ""),
            year=year_param(self.request),
            community=int_param(self.request, "community"),
        )

    def get_object(self) -> Report:
        return selectors.report_get_for(actor=self.request.user, report_id=self.kwargs["pk"])

    @extend_schema(request=MemberReportCreateSerializer, responses=MemberReportSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MemberReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        community = pick(Area.objects.filter(kind=AreaKind.COMMUNITY), v["community"], "community")
        if "member" in v:
            member = pick(selectors.member_list_for(actor=request.user), v["member"], "member")
            report = services.report_submit_member(
                actor=request.user, member=member, community=community, year=v.get("year"), note=v["note"]
            )
        else:
            unit = pick(scope(Unit.objects.all(), actor=request.user), v["unit"], "unit")
            report = services.report_submit_unit(
                actor=request.user, unit=unit, community=community, year=v.get("year"), note=v["note"]
            )
        return Response(MemberReportSerializer(report).data, status=201)

    def _move(self, request: Request, fn: Any) -> Response:
        data = PeopleNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = fn(actor=request.user, report=self.get_object(), note=data.validated_data["note"])
        return Response(MemberReportSerializer(report).data)

    @extend_schema(request=PeopleNoteSerializer, responses=MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        return self._move(request, services.report_confirm)

    @extend_schema(request=PeopleNoteSerializer, responses=MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._move(request, services.report_reject)

    @extend_schema(request=PeopleNoteSerializer, responses=MemberReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._move(request, services.report_withdraw)


class PostViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PostSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Post]:
        return selectors.post_list_for(
            actor=self.request.user, community=int_param(self.request, "community")
        )

    def get_object(self) -> Post:
        return selectors.post_get_for(actor=self.request.user, post_id=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        community = pick(
            scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user),
            v["community"].pk,
            "community",
        )
        post = services.post_create(
            actor=request.user,
            community=community,
            name=v["name"],
            duties=v.get("duties", ""),
            capacity=v.get("capacity", 1),  # the model's default when not given
        )
        return Response(
            PostSerializer(selectors.post_get_for(actor=request.user, post_id=post.pk)).data, status=201
        )

    @extend_schema(request=PostClaimInSerializer, responses=PostClaimSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        data = PostClaimInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = self.get_object()
        member = pick(self._claimants(request), data.validated_data["member"], "member")
        claim = services.post_claim(actor=request.user, post=post, member=member)
        return Response(PostClaimSerializer(claim).data, status=201)

    def _claimants(self, request: Request) -> QuerySet[PartyMember]:
        own = (
            PartyMember.objects.filter(user=request.user)
            if request.user.is_authenticated
            else PartyMember.objects.none()
        )
        return selectors.member_list_for(actor=request.user) | own


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PostClaimSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[PostClaim]:
        return selectors.claim_list_for(
            actor=self.request.user,
            post=int_param(self.request, "post"),
            member=int_param(self.request, "member"),
        )

    def get_object(self) -> PostClaim:
        return selectors.claim_get_for(actor=self.request.user, claim_id=self.kwargs["pk"])

    @extend_schema(request=DutyLogSerializer, responses=DutyLogSerializer)
    @action(detail=True, methods=["post"])
    def duty(self, request: Request, pk: str) -> Response:
        data = DutyLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        log = services.duty_log_add(actor=request.user, claim=self.get_object(), **data.validated_data)
        return Response(DutyLogSerializer(log).data, status=201)

    @extend_schema(request=PeopleNoteSerializer, responses=PostClaimSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        data = PeopleNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_release(
            actor=request.user, claim=self.get_object(), note=data.validated_data["note"]
        )
        return Response(PostClaimSerializer(claim).data)

    @extend_schema(request=PostReviewSerializer, responses=PostReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        data = PostReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.post_review(actor=request.user, claim=self.get_object(), **data.validated_data)
        return Response(PostReviewSerializer(review).data, status=201)
