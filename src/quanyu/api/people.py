"""The people API: members, residents (masked; an explicit, audited reveal), 双报到 reports, posts
and duty, points, floating members, branch meetings, the contact board. Thin: parse, find through
the people selectors (scoped; out of scope is 404), call one service, serialise."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.areas.models import Area, AreaKind
from quanyu.core.params import require_int, require_year
from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.core.scoping import scope
from quanyu.orgs.models import Unit
from quanyu.people import selectors, services
from quanyu.people.access import birth_month, tag_sight, tags_visible_for
from quanyu.people.models import (
    FloatingRecord,
    Meeting,
    MemberCategory,
    PartyMember,
    PointRequest,
    PointRule,
    Post,
    PostClaim,
    PostReview,
    Report,
    Resident,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int_param(request: Request, name: str) -> int | None:
    """A positive id-like integer; a bad or out-of-range value answers 400 naming ``name``."""
    return require_int(request.query_params.get(name), field=name)


def _year_param(request: Request, name: str = "year") -> int | None:
    """A year in 2000–2100; anything else given answers 400 naming ``name``."""
    return require_year(request.query_params.get(name), field=name)


def _pick(queryset: QuerySet[Any], pk: Any, field: str) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})
    return found


# ---------------------------------------------------------------- serializers


class MemberSerializer(serializers.ModelSerializer):
    birth_month = serializers.SerializerMethodField(help_text="YYYY-MM; the full date only on a reveal")
    id_number = serializers.SerializerMethodField(help_text="masked")
    phone = serializers.SerializerMethodField(help_text="masked")
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default="")

    class Meta:
        model = PartyMember
        fields = [
            "id",
            "name",
            "gender",
            "birth_month",
            "id_number",
            "phone",
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

    def get_birth_month(self, obj: PartyMember) -> str:
        return birth_month(obj.birth_date)

    def get_id_number(self, obj: PartyMember) -> str:
        return mask_id_number(obj.id_number)

    def get_phone(self, obj: PartyMember) -> str:
        return mask_phone(obj.phone)


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


class ResidentSerializer(serializers.ModelSerializer):
    birth_month = serializers.SerializerMethodField(help_text="YYYY-MM; the full date only on a reveal")
    id_number = serializers.SerializerMethodField(help_text="masked")
    phone = serializers.SerializerMethodField(help_text="masked")
    tags = serializers.SerializerMethodField(
        help_text="protected tags; empty unless the caller may see tags at the resident's place"
    )
    community_name = serializers.CharField(source="community.name", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True, default="")

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "gender",
            "birth_month",
            "id_number",
            "phone",
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

    def get_birth_month(self, obj: Resident) -> str:
        return birth_month(obj.birth_date)

    def get_id_number(self, obj: Resident) -> str:
        return mask_id_number(obj.id_number)

    def get_phone(self, obj: Resident) -> str:
        return mask_phone(obj.phone)

    def get_tags(self, obj: Resident) -> list[str]:
        sight = self.context.get("tag_sight")
        if sight is None:
            return []
        return tags_visible_for(actor=None, person=obj, sight=sight)


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


class PeopleNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


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


class FloatingSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    keeper_name = serializers.CharField(source="keeper.username", read_only=True, default="")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FloatingRecord
        fields = [
            "id",
            "member",
            "member_name",
            "direction",
            "place",
            "other_org",
            "starts_on",
            "ends_on",
            "keeper",
            "keeper_name",
            "contact_interval_days",
            "last_contact_on",
            "contact_due_on",
            "status",
            "overdue",
        ]
        read_only_fields = ["last_contact_on", "contact_due_on", "status", "keeper"]

    def get_overdue(self, obj: FloatingRecord) -> bool:
        return obj.status == "active" and obj.contact_due_on < timezone.localdate()


class FloatingContactSerializer(serializers.Serializer):
    on_date = serializers.DateField()
    note = serializers.CharField(max_length=500)


class BranchMeetingSerializer(serializers.ModelSerializer):
    present = serializers.IntegerField(read_only=True)
    expected = serializers.IntegerField(read_only=True)
    attendance = serializers.DictField(
        child=serializers.ChoiceField(choices=["present", "leave", "absent"]), write_only=True
    )

    class Meta:
        model = Meeting
        fields = ["id", "branch", "kind", "held_on", "topic", "present", "expected", "attendance"]


class AttendanceRateSerializer(serializers.Serializer):
    branch_id = serializers.IntegerField()
    branch = serializers.CharField()
    meetings = serializers.IntegerField()
    present = serializers.IntegerField()
    expected = serializers.IntegerField()
    rate = serializers.FloatField()


class ContactBoardSerializer(serializers.Serializer):
    building = serializers.CharField()
    unit_no = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="masked")


# ---------------------------------------------------------------- views


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


def _xlsx(filename: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: Cache-Control no-store, masked or not
    return response


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


class MemberViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberSerializer
    filter_backends: list[Any] = []

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
                branch=_int_param(self.request, "branch"),
                community=_int_param(self.request, "community"),
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
            branch=_pick(selectors.branch_list_for(actor=request.user), v["branch"], "branch"),
            category=v["category"],
            community=_pick(
                scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user),
                v["community"],
                "community",
            ),
            status=v["status"],
            joined_on=v["joined_on"],
            work_unit_name=v["work_unit_name"],
        )
        return Response(MemberSerializer(member).data, status=201)

    @extend_schema(request=PiiRevealSerializer, responses=PiiRevealOutSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        return _reveal(request, self.get_object())

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=PointsOutSerializer,
    )
    @action(detail=True, methods=["get"])
    def points(self, request: Request, pk: str) -> Response:
        member = self.get_object()
        year = _year_param(request) or timezone.localdate().year
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

    @extend_schema(methods=["GET"], parameters=[PeopleExportParams], responses={(200, XLSX): bytes})
    @extend_schema(methods=["POST"], request=PeopleUnmaskedExportSerializer, responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get", "post"])
    def export(self, request: Request) -> HttpResponse:
        unmasked, reason = _export_mode(request)
        buffer = io.BytesIO()
        services.members_export(
            actor=request.user,
            members=self.get_queryset(),
            target=buffer,
            unmasked=unmasked,
            reason=reason,
        )
        return _xlsx("members.xlsx", buffer.getvalue())


class ResidentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResidentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Resident]:
        params = self.request.query_params
        return selectors.resident_list_for(
            actor=self.request.user,
            filters=selectors.ResidentFilters(
                search=params.get("search", ""),
                community=_int_param(self.request, "community"),
                building=_int_param(self.request, "building"),
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

    @extend_schema(request=PiiRevealSerializer, responses=PiiRevealOutSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        return _reveal(request, self.get_object())

    @extend_schema(methods=["GET"], parameters=[PeopleExportParams], responses={(200, XLSX): bytes})
    @extend_schema(methods=["POST"], request=PeopleUnmaskedExportSerializer, responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get", "post"])
    def export(self, request: Request) -> HttpResponse:
        unmasked, reason = _export_mode(request)
        buffer = io.BytesIO()
        services.residents_export(
            actor=request.user,
            residents=self.get_queryset(),
            target=buffer,
            unmasked=unmasked,
            reason=reason,
        )
        return _xlsx("residents.xlsx", buffer.getvalue())


class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberReportSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Report]:
        return selectors.report_list_for(
            actor=self.request.user,
            status=self.request.query_params.get("status", ""),
            year=_year_param(self.request),
            community=_int_param(self.request, "community"),
        )

    def get_object(self) -> Report:
        return selectors.report_get_for(actor=self.request.user, report_id=self.kwargs["pk"])

    @extend_schema(request=MemberReportCreateSerializer, responses=MemberReportSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MemberReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        community = _pick(Area.objects.filter(kind=AreaKind.COMMUNITY), v["community"], "community")
        if "member" in v:
            member = _pick(selectors.member_list_for(actor=request.user), v["member"], "member")
            report = services.report_submit_member(
                actor=request.user, member=member, community=community, year=v.get("year"), note=v["note"]
            )
        else:
            unit = _pick(scope(Unit.objects.all(), actor=request.user), v["unit"], "unit")
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
            actor=self.request.user, community=_int_param(self.request, "community")
        )

    def get_object(self) -> Post:
        return selectors.post_get_for(actor=self.request.user, post_id=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        community = _pick(
            scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user),
            v["community"].pk,
            "community",
        )
        post = services.post_create(
            actor=request.user,
            community=community,
            name=v["name"],
            duties=v.get("duties", ""),
            capacity=v["capacity"],
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
        member = _pick(self._claimants(request), data.validated_data["member"], "member")
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
            post=_int_param(self.request, "post"),
            member=_int_param(self.request, "member"),
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
        member = _pick(selectors.member_list_for(actor=request.user), v["member"].pk, "member")
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
            year=_year_param(request) or timezone.localdate().year,
            branch=_int_param(request, "branch"),
            community=_int_param(request, "community"),
        )
        return Response(MemberRankingSerializer(rows, many=True).data)


class FloatingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FloatingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[FloatingRecord]:
        overdue = self.request.query_params.get("overdue") in ("1", "true")
        return selectors.floating_list_for(
            actor=self.request.user,
            status=self.request.query_params.get("status", "active"),
            overdue_on=timezone.localdate() if overdue else None,
        )

    def get_object(self) -> FloatingRecord:
        return selectors.floating_get_for(actor=self.request.user, record_id=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = FloatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        member = _pick(selectors.member_list_for(actor=request.user), v.pop("member").pk, "member")
        record = services.floating_open(actor=request.user, member=member, keeper=request.user, **v)
        return Response(FloatingSerializer(record).data, status=201)

    @extend_schema(request=FloatingContactSerializer, responses=FloatingSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request: Request, pk: str) -> Response:
        data = FloatingContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.floating_contact(
            actor=request.user, record=self.get_object(), **data.validated_data
        )
        return Response(FloatingSerializer(record).data)

    @extend_schema(request=PeopleNoteSerializer, responses=FloatingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = PeopleNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.floating_end(
            actor=request.user, record=self.get_object(), note=data.validated_data["note"]
        )
        return Response(FloatingSerializer(record).data)


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BranchMeetingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list_for(
            actor=self.request.user,
            branch=_int_param(self.request, "branch"),
            year=_year_param(self.request),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BranchMeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        branch = _pick(selectors.branch_list_for(actor=request.user), v["branch"].pk, "branch")
        try:
            attendance = {int(k): s for k, s in v["attendance"].items()}
        except ValueError:
            raise exceptions.ValidationError({"attendance": [_("键必须是党员编号")]}) from None
        meeting = services.meeting_record(
            actor=request.user,
            branch=branch,
            kind=v["kind"],
            held_on=v["held_on"],
            topic=v["topic"],
            attendance=attendance,
        )
        found = selectors.meeting_list_for(actor=request.user).get(pk=meeting.pk)
        return Response(BranchMeetingSerializer(found).data, status=201)


class AttendanceRateView(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=AttendanceRateSerializer(many=True))
    def get(self, request: Request) -> Response:
        year = _year_param(request) or timezone.localdate().year
        return Response(
            AttendanceRateSerializer(
                selectors.attendance_rates_for(actor=request.user, year=year), many=True
            ).data
        )


class ContactBoardView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("community", int)], responses=ContactBoardSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        rows = selectors.contact_board_for(actor=request.user, community=_int_param(request, "community"))
        return Response(ContactBoardSerializer(rows, many=True).data)


def register(router: Any) -> None:
    router.register("members", MemberViewSet, basename="member")
    router.register("residents", ResidentViewSet, basename="resident")
    router.register("reports", ReportViewSet, basename="report")
    router.register("posts", PostViewSet, basename="post")
    router.register("post-claims", ClaimViewSet, basename="post-claim")
    router.register("point-rules", PointRuleViewSet, basename="point-rule")
    router.register("point-requests", PointRequestViewSet, basename="point-request")
    router.register("floating-members", FloatingViewSet, basename="floating")
    router.register("meetings", MeetingViewSet, basename="meeting")


urlpatterns = [
    path("point-entries/<int:pk>/correct/", PointEntryCorrectView.as_view(), name="point-entry-correct"),
    path("rankings/", RankingView.as_view(), name="people-rankings"),
    path("attendance-rates/", AttendanceRateView.as_view(), name="attendance-rates"),
    path("contact-board/", ContactBoardView.as_view(), name="contact-board"),
]
