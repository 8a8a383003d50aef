"""Secretary-led projects (书记领办) and the community-affairs admission list (社区事务准入制) in the
API: list and read through the scoped selectors, one service per step."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.cogov.common import CogovEventSerializer, pick, pick_area
from quanyu.cogov import selectors, services
from quanyu.cogov.models import (
    AdmissionItem,
    AdmissionRequest,
    Milestone,
    ProjectReview,
    Rating,
    ReviewKind,
    SecretaryProject,
)
from quanyu.orgs.models import Unit


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CogovMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due", "done_on"]
        read_only_fields = fields


class CogovReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectReview
        fields = ["id", "kind", "rating", "comment", "deadline", "reviewer_name", "at"]
        read_only_fields = fields


class CogovSecretaryProjectSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    milestones = CogovMilestoneSerializer(many=True, read_only=True)
    schedule = serializers.SerializerMethodField()

    class Meta:
        model = SecretaryProject
        fields = [
            "id",
            "area",
            "area_name",
            "secretary",
            "year",
            "title",
            "goal",
            "indicators",
            "status",
            "rectify_by",
            "final_rating",
            "milestones",
            "schedule",
        ]
        read_only_fields = fields

    def get_schedule(self, obj: SecretaryProject) -> str:
        return services.projects.schedule_status(obj)


class CogovMilestoneInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    due = serializers.DateField()


class CogovProjectCreateSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    secretary = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=150)
    goal = serializers.CharField(max_length=5000)
    indicators = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    milestones = CogovMilestoneInSerializer(many=True, required=False, default=list)


class CogovProjectReviewSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[ReviewKind.QUARTERLY, ReviewKind.HALF_YEAR, ReviewKind.RECTIFICATION, ReviewKind.FINAL]
    )
    comment = serializers.CharField(max_length=5000)
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class CogovMilestoneDoneSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()


class CogovProjectNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovSecretaryProjectSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[SecretaryProject]:
        return selectors.project_list_for(actor=self.request.user)

    def get_object(self) -> SecretaryProject:
        return selectors.project_get_for(actor=self.request.user, project_id=self.kwargs["pk"])

    def _out(self, p: SecretaryProject, status: int = 200) -> Response:
        return Response(CogovSecretaryProjectSerializer(self.get_queryset().get(pk=p.pk)).data, status=status)

    @extend_schema(request=CogovProjectCreateSerializer, responses=CogovSecretaryProjectSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovProjectCreateSerializer, request)
        secretary = pick(get_user_model().objects.filter(is_active=True), v["secretary"], "secretary")
        p = services.projects.project_create(
            actor=request.user,
            area=pick_area(request.user, v["area"], "area"),
            secretary=secretary,
            year=v["year"],
            title=v["title"],
            goal=v["goal"],
            indicators=v["indicators"],
            milestones=[dict(m) for m in v["milestones"]],
        )
        return self._out(p, 201)

    @extend_schema(request=CogovMilestoneDoneSerializer, responses=CogovSecretaryProjectSerializer)
    @action(detail=True, methods=["post"], url_path="milestone-done")
    def milestone_done(self, request: Request, pk: str) -> Response:
        v = _valid(CogovMilestoneDoneSerializer, request)
        p = self.get_object()
        stone = pick(Milestone.objects.filter(project=p), v["milestone"], "milestone")
        services.projects.milestone_done(actor=request.user, milestone=stone)
        return self._out(p)

    @extend_schema(request=CogovProjectReviewSerializer, responses=CogovReviewSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        v = _valid(CogovProjectReviewSerializer, request)
        row = services.projects.project_review(actor=request.user, project=self.get_object(), **v)
        return Response(CogovReviewSerializer(row).data, status=201)

    @extend_schema(request=CogovProjectNoteSerializer, responses=CogovReviewSerializer)
    @action(detail=True, methods=["post"])
    def rectified(self, request: Request, pk: str) -> Response:
        v = _valid(CogovProjectNoteSerializer, request)
        row = services.projects.project_rectified(
            actor=request.user, project=self.get_object(), note=v["note"]
        )
        return Response(CogovReviewSerializer(row).data, status=201)

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        """The project's history, oldest first: ``created``, ``milestone_done`` (payload
        ``milestone``), ``quarterly`` / ``half_year`` / ``rectification`` / ``final`` (``rating``,
        ``deadline``), ``rectified``, ``cancelled`` (``note``)."""
        rows = selectors.project_timeline(project=self.get_object())
        return Response(CogovEventSerializer(rows, many=True).data)


class CogovAdmissionItemSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = AdmissionItem
        fields = [
            "id",
            "district",
            "department",
            "department_name",
            "title",
            "legal_basis",
            "funding_follows",
        ]
        read_only_fields = fields


class CogovAdmissionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdmissionRequest
        fields = [
            "id",
            "department",
            "community",
            "title",
            "item",
            "status",
            "rule",
            "decided_note",
            "created_at",
        ]
        read_only_fields = fields


class CogovPushSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    community = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)
    ask_approval = serializers.BooleanField(required=False, default=False)


class CogovDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500)


class AdmissionItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovAdmissionItemSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AdmissionItem]:
        return selectors.admission_item_list_for(actor=self.request.user)


class AdmissionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovAdmissionRequestSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AdmissionRequest]:
        return selectors.admission_request_list_for(actor=self.request.user)

    def get_object(self) -> AdmissionRequest:
        return selectors.admission_request_get_for(actor=self.request.user, request_id=self.kwargs["pk"])

    @extend_schema(request=CogovPushSerializer, responses=CogovAdmissionRequestSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovPushSerializer, request)
        item = None
        if v["item"] is not None:
            item = pick(selectors.admission_item_list_for(actor=request.user), v["item"], "item")
        row = services.admission.push(
            actor=request.user,
            department=pick(Unit.objects.all(), v["department"], "department"),
            community=pick(
                selectors.admission_communities_for(actor=request.user), v["community"], "community"
            )
            if not request.user.is_superuser
            else pick_area(request.user, v["community"], "community"),
            title=v["title"],
            item=item,
            ask_approval=v["ask_approval"],
        )
        return Response(CogovAdmissionRequestSerializer(row).data, status=201)

    @extend_schema(request=CogovDecideSerializer, responses=CogovAdmissionRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        v = _valid(CogovDecideSerializer, request)
        row = services.admission.decide(actor=request.user, request=self.get_object(), **v)
        return Response(CogovAdmissionRequestSerializer(row).data)

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        """The push's history: pushed (with the status the list gave it), approved or rejected."""
        rows = self.get_object().events.select_related("actor").order_by("at", "id")
        return Response(CogovEventSerializer(rows, many=True).data)


class CogovRefusalRowSerializer(serializers.Serializer):
    """One department's pushes: all of them and those refused (at once or on approval)."""

    department = serializers.CharField()
    total = serializers.IntegerField()
    refused = serializers.IntegerField()


class RefusalReportView(APIView):
    @extend_schema(responses=CogovRefusalRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(selectors.refused_by_department(actor=request.user))
