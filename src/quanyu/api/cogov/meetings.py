"""Joint meetings: bodies and members, sessions (agenda, holding with resolutions → tasks), tasks
(progress, completion, review, cancel) and the task board beside the tickets' supervision board."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.cogov.common import (
    CogovEventSerializer,
    CogovNoteSerializer,
    CogovReasonSerializer,
    pick,
    pick_area,
)
from quanyu.cogov import selectors, services
from quanyu.cogov.models import (
    AgendaItem,
    AgendaSource,
    Body,
    BodyKind,
    BodyMember,
    Session,
    SessionKind,
    Task,
)
from quanyu.cogov.states import TaskStatus
from quanyu.orgs.models import PartTimeMember, Unit
from quanyu.tickets.selectors import ticket_queryset_for
from quanyu.venues.selectors import bookable_rooms_for


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CogovMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = BodyMember
        fields = ["id", "name", "post", "unit", "part_time_member"]


class CogovBodySerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    members = CogovMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = ["id", "area", "area_name", "kind", "name", "parent", "members"]
        read_only_fields = fields


class CogovBodyCreateSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    name = serializers.CharField(max_length=150)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


class CogovMemberInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    post = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False, allow_null=True)
    part_time_member = serializers.IntegerField(required=False, allow_null=True)


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovBodySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Body]:
        return selectors.body_list_for(actor=self.request.user).prefetch_related("members")

    def get_object(self) -> Body:
        return selectors.body_get_for(actor=self.request.user, body_id=self.kwargs["pk"])

    @extend_schema(request=CogovBodyCreateSerializer, responses=CogovBodySerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovBodyCreateSerializer, request)
        parent = (
            pick(selectors.body_list_for(actor=request.user), v["parent"], "parent")
            if v.get("parent")
            else None
        )
        body = services.body_create(
            actor=request.user,
            area=pick_area(request.user, v["area"]),
            kind=v["kind"],
            name=v["name"],
            parent=parent,
        )
        return Response(CogovBodySerializer(body).data, status=201)

    @extend_schema(request=CogovMemberInSerializer, responses=CogovMemberSerializer)
    @action(detail=True, methods=["post"], url_path="add-member")
    def add_member(self, request: Request, pk: str) -> Response:
        v = _valid(CogovMemberInSerializer, request)
        body = self.get_object()
        unit = pick(Unit.objects.all(), v["unit"], "unit") if v.get("unit") else None
        ptm = None
        if v.get("part_time_member"):
            ptm = pick(
                PartTimeMember.objects.select_related("unit"), v["part_time_member"], "part_time_member"
            )
        seat = services.body_add_member(
            actor=request.user, body=body, name=v["name"], post=v["post"], unit=unit, part_time_member=ptm
        )
        return Response(CogovMemberSerializer(seat).data, status=201)


class CogovAgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "title", "source", "ticket", "contract_project", "note"]
        read_only_fields = fields


class CogovTaskSerializer(serializers.ModelSerializer):
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "session",
            "agenda_item",
            "resolution",
            "owner_unit",
            "owner_unit_name",
            "due",
            "status",
            "progress",
            "is_overdue",
            "done_at",
            "reviewed_at_session",
        ]
        read_only_fields = fields


class CogovSessionSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    agenda = CogovAgendaSerializer(many=True, read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)
    venue = serializers.IntegerField(source="room.venue_id", read_only=True, allow_null=True)
    venue_name = serializers.CharField(source="room.venue.name", read_only=True, allow_null=True)
    booking_status = serializers.CharField(source="booking.status", read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "body",
            "body_name",
            "title",
            "kind",
            "held_on",
            "status",
            "attendance",
            "minutes",
            "agenda",
            "room",
            "room_name",
            "venue",
            "venue_name",
            "booking",
            "booking_status",
        ]
        read_only_fields = fields


class CogovSessionCreateSerializer(serializers.Serializer):
    body = serializers.IntegerField()
    title = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=SessionKind.choices, default=SessionKind.QUARTERLY)
    held_on = serializers.DateField()


class CogovBookRoomSerializer(serializers.Serializer):
    room = serializers.IntegerField(help_text="A room the caller may book (venues' rule).")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class CogovAgendaInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=AgendaSource.choices, default=AgendaSource.OTHER)  # type: ignore[assignment]
    ticket = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CogovResolutionInSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=300)
    owner_unit = serializers.IntegerField()
    due = serializers.DateField()
    agenda_item = serializers.IntegerField(required=False, allow_null=True)


class CogovHoldSerializer(serializers.Serializer):
    attendance = serializers.ListField(child=serializers.IntegerField(), max_length=500)
    minutes = serializers.CharField(max_length=20000)
    resolutions = CogovResolutionInSerializer(many=True, required=False)


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovSessionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Session]:
        return selectors.session_list_for(actor=self.request.user).prefetch_related("agenda")

    def get_object(self) -> Session:
        return selectors.session_get_for(actor=self.request.user, session_id=self.kwargs["pk"])

    @extend_schema(request=CogovSessionCreateSerializer, responses=CogovSessionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovSessionCreateSerializer, request)
        body = pick(selectors.body_list_for(actor=request.user), v["body"], "body")
        session = services.session_plan(
            actor=request.user, body=body, title=v["title"], held_on=v["held_on"], kind=v["kind"]
        )
        return Response(CogovSessionSerializer(session).data, status=201)

    @extend_schema(request=CogovAgendaInSerializer, responses=CogovAgendaSerializer)
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        v = _valid(CogovAgendaInSerializer, request)
        session = self.get_object()
        ticket = (
            pick(ticket_queryset_for(actor=request.user), v["ticket"], "ticket") if v.get("ticket") else None
        )
        item = services.session_add_agenda(
            actor=request.user,
            session=session,
            title=v["title"],
            source=v["source"],
            ticket=ticket,
            note=v["note"],
        )
        return Response(CogovAgendaSerializer(item).data, status=201)

    @extend_schema(request=CogovHoldSerializer, responses=CogovTaskSerializer(many=True))
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, pk: str) -> Response:
        v = _valid(CogovHoldSerializer, request)
        session = self.get_object()
        resolutions = [
            {**dict(r), "owner_unit": pick(Unit.objects.all(), r["owner_unit"], "resolutions")}
            for r in v.get("resolutions", [])
        ]
        tasks = services.session_hold(
            actor=request.user,
            session=session,
            attendance=v["attendance"],
            minutes=v["minutes"],
            resolutions=resolutions,
        )
        return Response(CogovTaskSerializer(tasks, many=True).data, status=201)

    @extend_schema(request=CogovBookRoomSerializer, responses=CogovSessionSerializer)
    @action(detail=True, methods=["post"], url_path="book-room")
    def book_room(self, request: Request, pk: str) -> Response:
        """Book (or move) the session's venue room on its day; a taken slot is a 409 naming it."""
        v = _valid(CogovBookRoomSerializer, request)
        session = self.get_object()
        room = pick(bookable_rooms_for(request.user), v["room"], "room")
        session = services.session_book_room(
            actor=request.user, session=session, room=room, starts_at=v["starts_at"], ends_at=v["ends_at"]
        )
        return Response(CogovSessionSerializer(session).data)

    @extend_schema(request=CogovNoteSerializer, responses=CogovSessionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        v = _valid(CogovNoteSerializer, request)
        session = services.session_close(actor=request.user, session=self.get_object(), note=v["note"])
        return Response(CogovSessionSerializer(session).data)

    @extend_schema(request=CogovNoteSerializer, responses=CogovSessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        v = _valid(CogovNoteSerializer, request)
        session = services.session_cancel(actor=request.user, session=self.get_object(), note=v["note"])
        return Response(CogovSessionSerializer(session).data)

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        return Response(
            CogovEventSerializer(selectors.session_timeline(session=self.get_object()), many=True).data
        )


class CogovProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=2000)


class CogovCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class CogovReviewSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    accepted = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CogovTaskSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Task]:
        q = self.request.query_params
        status = q.get("status") or None
        if status and status not in TaskStatus.values:
            raise serializers.ValidationError({"status": ["状态无效"]})
        overdue = {"1": True, "true": True, "0": False, "false": False}.get(q.get("overdue", ""))
        return selectors.task_list_for(actor=self.request.user, status=status, overdue=overdue)

    def get_object(self) -> Task:
        return selectors.task_get_for(actor=self.request.user, task_id=self.kwargs["pk"])

    @extend_schema(request=CogovProgressSerializer, responses=CogovTaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        v = _valid(CogovProgressSerializer, request)
        task = services.task_report_progress(
            actor=request.user, task=self.get_object(), progress=v["progress"], note=v["note"]
        )
        return Response(CogovTaskSerializer(task).data)

    @extend_schema(request=CogovCompleteSerializer, responses=CogovTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        v = _valid(CogovCompleteSerializer, request)
        return Response(
            CogovTaskSerializer(services.task_complete(actor=request.user, task=self.get_object(), **v)).data
        )

    @extend_schema(request=CogovReviewSerializer, responses=CogovTaskSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        v = _valid(CogovReviewSerializer, request)
        task = self.get_object()
        session = pick(selectors.session_list_for(actor=request.user), v["session"], "session")
        task = services.task_review(
            actor=request.user, task=task, session=session, accepted=v["accepted"], note=v["note"]
        )
        return Response(CogovTaskSerializer(task).data)

    @extend_schema(request=CogovReasonSerializer, responses=CogovTaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        v = _valid(CogovReasonSerializer, request)
        return Response(
            CogovTaskSerializer(services.task_cancel(actor=request.user, task=self.get_object(), **v)).data
        )

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        return Response(CogovEventSerializer(selectors.task_timeline(task=self.get_object()), many=True).data)


class CogovBoardRowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class TaskBoardView(APIView):
    """Open resolution tasks per owning unit, overdue first: the joint meetings' part of the
    supervision board (督办看板)."""

    @extend_schema(responses=CogovBoardRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(CogovBoardRowSerializer(selectors.task_board_for(actor=request.user), many=True).data)
