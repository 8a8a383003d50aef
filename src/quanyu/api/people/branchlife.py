"""Branch life: floating members and their contacts, branch meetings and attendance, the
contact board."""

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
from rest_framework.views import APIView

from quanyu.api.people.common import PeopleNoteSerializer, int_param, pick, year_param
from quanyu.people import selectors, services
from quanyu.people.models import FloatingRecord, Meeting


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
        member = pick(selectors.member_list_for(actor=request.user), v.pop("member").pk, "member")
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
            branch=int_param(self.request, "branch"),
            year=year_param(self.request),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = BranchMeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        branch = pick(selectors.branch_list_for(actor=request.user), v["branch"].pk, "branch")
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
        year = year_param(request) or timezone.localdate().year
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
        rows = selectors.contact_board_for(actor=request.user, community=int_param(request, "community"))
        return Response(ContactBoardSerializer(rows, many=True).data)
