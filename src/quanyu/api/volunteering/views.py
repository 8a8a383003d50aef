"""Teams, volunteers, projects, activities, sign-ups and the QR check-in."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.volunteering import serializers as s
from quanyu.areas.models import Area
from quanyu.core.audit import client_ip
from quanyu.core.ratelimit import RateLimited
from quanyu.venues.models import Room
from quanyu.venues.selectors import bookable_rooms_for
from quanyu.volunteering import selectors, services
from quanyu.volunteering.conf import qr_max_age
from quanyu.volunteering.models import Signup, Volunteer
from quanyu.volunteering.tokens import make_token


def _area(pk: Any, field: str = "community") -> Area:
    found = Area.objects.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("不存在")]})
    return found


def _room(request: Request, pk: Any) -> Room:
    """A room the caller may book (``venues.selectors.bookable_rooms_for``); else a 400 on ``room``."""
    found = bookable_rooms_for(request.user).filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({"room": [_("功能室不存在或您无权预约")]})
    return found


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class TeamViewSet(viewsets.GenericViewSet):
    serializer_class = s.TeamSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.team_list_for(
            actor=self.request.user, kind=self.request.query_params.get("kind", "")
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.TeamSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.TeamSerializer(selectors.team_get_for(actor=request.user, team_id=pk)).data)

    def create(self, request: Request) -> Response:
        v = _valid(s.TeamSerializer, request)
        from quanyu.accounts.models import User

        leader = None
        if v.get("leader_id"):
            leader = User.objects.filter(pk=v["leader_id"]).first()
            if leader is None:
                raise exceptions.ValidationError({"leader": [_("不存在")]})
        team = services.team_create(
            actor=request.user,
            name=v["name"],
            kind=v["kind"],
            community=_area(v["community_id"]),
            organisation=v["organisation"],
            leader=leader,
            responsible_person=v["responsible_person"],
            contact_phone=v["contact_phone"],
            skills=v["skills"],
            publish_contact=v["publish_contact"],
        )
        return Response(s.TeamSerializer(team).data, status=201)

    @extend_schema(request=s.TeamContactRevealSerializer, responses=s.TeamContactOutSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        """The team's contact phone in full, with a reason (audited); for the roles that may
        reveal personal data at the team's community."""
        team = selectors.team_get_for(actor=request.user, team_id=pk)
        v = _valid(s.TeamContactRevealSerializer, request)
        value = services.team_contact_reveal(
            actor=request.user, team=team, reason=v["reason"], request=request._request
        )
        return Response({"field": "contact_phone", "value": value})

    @extend_schema(request=s.TeamMemberInSerializer, responses=s.VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        team = selectors.team_get_for(actor=request.user, team_id=pk)
        v = _valid(s.TeamMemberInSerializer, request)
        volunteer = selectors.volunteer_list_for(actor=request.user).filter(pk=v["volunteer"]).first()
        if volunteer is None:
            raise exceptions.ValidationError({"volunteer": [_("不存在或不在您的管辖范围内")]})
        services.team_add_member(actor=request.user, team=team, volunteer=volunteer)
        return Response(s.VolunteerSerializer(volunteer).data, status=201)


class VolunteerViewSet(viewsets.GenericViewSet):
    serializer_class = s.VolunteerSerializer
    filter_backends: list[Any] = []
    queryset = Volunteer.objects.none()  # the schema's id type; reads go through the selectors

    @extend_schema(parameters=[OpenApiParameter("team", int), OpenApiParameter("q", str)])
    def list(self, request: Request) -> Response:
        team = None
        if request.query_params.get("team"):
            team = selectors.team_get_for(actor=request.user, team_id=request.query_params["team"])
        qs = selectors.volunteer_list_for(
            actor=request.user, team=team, query=request.query_params.get("q", "")
        )
        # Page on ids, then read the page's rows joined (selectors.volunteers_by_ids): a deep
        # page's OFFSET walks the primary key without joining every community it skips.
        ids = self.paginate_queryset(qs.values_list("pk", flat=True))
        rows = selectors.volunteers_by_ids(list(ids or []))
        return self.get_paginated_response(s.VolunteerSerializer(rows, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            s.VolunteerSerializer(selectors.volunteer_get_for(actor=request.user, volunteer_id=pk)).data
        )

    @extend_schema(request=s.VolunteerInSerializer, responses=s.VolunteerSerializer)
    def create(self, request: Request) -> Response:
        v = _valid(s.VolunteerInSerializer, request)
        volunteer = services.volunteer_register(
            actor=request.user,
            person=services.VolunteerInput(
                name=v["name"], id_number=v["id_number"], phone=v["phone"], skills=v["skills"]
            ),
            community=_area(v["community"]),
            user=request.user if v["myself"] else None,
        )
        return Response(s.VolunteerSerializer(volunteer).data, status=201)


class ProjectViewSet(viewsets.GenericViewSet):
    serializer_class = s.ServiceProjectSerializer

    def create(self, request: Request) -> Response:
        v = _valid(s.ServiceProjectSerializer, request)
        team = selectors.team_list_for(actor=request.user).filter(pk=v["team_id"]).first()
        if team is None:
            raise exceptions.ValidationError({"team": [_("不存在或不在您的管辖范围内")]})
        project = services.project_create(
            actor=request.user, team=team, name=v["name"], kind=v["kind"], description=v["description"]
        )
        return Response(s.ServiceProjectSerializer(project).data, status=201)


class ActivityViewSet(viewsets.GenericViewSet):
    serializer_class = s.ActivitySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.activity_list_for(actor=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("upcoming", bool)])
    def list(self, request: Request) -> Response:
        upcoming = timezone.now() if request.query_params.get("upcoming") in ("1", "true") else None
        page = self.paginate_queryset(selectors.activity_list_for(actor=request.user, upcoming_from=upcoming))
        return self.get_paginated_response(s.ActivitySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            s.ActivitySerializer(selectors.activity_get_for(actor=request.user, activity_id=pk)).data
        )

    def create(self, request: Request) -> Response:
        v = _valid(s.ActivitySerializer, request)
        from quanyu.volunteering.models import Project

        project = Project.objects.select_related("team").filter(pk=v.pop("project_id")).first()
        if project is None:
            raise exceptions.ValidationError({"project": [_("不存在")]})
        room_id = v.pop("room_id", None)
        room = _room(request, room_id) if room_id is not None else None
        activity = services.activity_create(actor=request.user, project=project, room=room, **v)
        return Response(s.ActivitySerializer(activity).data, status=201)

    @extend_schema(responses=s.BookableRoomSerializer(many=True))
    @action(detail=False, methods=["get"])
    def rooms(self, request: Request) -> Response:
        """The venue rooms the caller may book for an activity (venues' booking rule)."""
        return Response(s.BookableRoomSerializer(bookable_rooms_for(request.user)[:500], many=True).data)

    @extend_schema(request=s.RescheduleSerializer, responses=s.ActivitySerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """Move the activity (and its room booking with it; a taken slot is a 409, nothing changes)."""
        activity = selectors.activity_organised_for(actor=request.user, activity_id=pk)
        v = _valid(s.RescheduleSerializer, request)
        extra: dict[str, Any] = {}
        if "room" in v:
            extra["room"] = _room(request, v["room"]) if v["room"] is not None else None
        moved = services.activity_reschedule(
            actor=request.user, activity=activity, starts_at=v["starts_at"], ends_at=v["ends_at"], **extra
        )
        return Response(s.ActivitySerializer(moved).data)

    @extend_schema(request=s.ActivityCancelSerializer, responses=s.ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel the activity; its room booking is cancelled with it."""
        activity = selectors.activity_organised_for(actor=request.user, activity_id=pk)
        v = _valid(s.ActivityCancelSerializer, request)
        done = services.activity_cancel(actor=request.user, activity=activity, reason=v["reason"])
        return Response(s.ActivitySerializer(done).data)

    @extend_schema(request=s.SignupInSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def signup(self, request: Request, pk: str) -> Response:
        # Any signed-in user sees every activity (selectors.activity_list_for): the service finds
        # the row itself (a missing one is a 404), so the burst reads it once, under its lock.
        try:
            activity = int(pk)
        except ValueError:
            raise Http404 from None
        if not 0 < activity < 2**63:
            raise Http404
        v = _valid(s.SignupInSerializer, request)
        volunteer = None
        if v["volunteer"]:
            volunteer = selectors.volunteer_list_for(actor=request.user).filter(pk=v["volunteer"]).first()
            if volunteer is None:
                raise exceptions.ValidationError({"volunteer": [_("不存在或不在您的管辖范围内")]})
        signup = services.signup_create(actor=request.user, activity=activity, volunteer=volunteer)
        return Response(s.SignupSerializer(signup).data, status=201)

    @extend_schema(responses=s.SignupSerializer(many=True))
    @action(detail=True, methods=["get"])
    def roster(self, request: Request, pk: str) -> Response:
        activity = selectors.activity_organised_for(actor=request.user, activity_id=pk)
        rows = selectors.roster_for(actor=request.user, activity=activity)
        return Response(s.SignupSerializer(rows, many=True).data)

    @extend_schema(responses=s.TokenSerializer)
    @action(detail=True, methods=["get"])
    def qr(self, request: Request, pk: str) -> Response:
        """The check-in token the organiser's screen shows as a QR code (fresh on each call)."""
        activity = selectors.activity_organised_for(actor=request.user, activity_id=pk)
        return Response({"token": make_token(activity.pk), "max_age": qr_max_age()})

    @extend_schema(request=s.RepeatSerializer, responses=s.ActivitySerializer(many=True))
    @action(detail=True, methods=["post"])
    def repeat(self, request: Request, pk: str) -> Response:
        activity = selectors.activity_organised_for(actor=request.user, activity_id=pk)
        v = _valid(s.RepeatSerializer, request)
        made = services.activity_repeat(actor=request.user, activity=activity, **v)
        return Response(s.ActivitySerializer(made, many=True).data, status=201)


class SignupViewSet(viewsets.GenericViewSet):
    """Sign-ups: ``?mine=1`` the actor's own; otherwise those the actor organises
    (``?hours_status=pending`` is the hours queue)."""

    serializer_class = s.SignupSerializer
    filter_backends: list[Any] = []
    queryset = Signup.objects.none()  # the schema's id type; reads go through the selectors

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", bool),
            OpenApiParameter("hours_status", str),
            OpenApiParameter("status", str),
        ]
    )
    def list(self, request: Request) -> Response:
        p = request.query_params
        if p.get("mine") in ("1", "true"):
            qs = selectors.my_signups(actor=request.user)
        else:
            qs = selectors.signup_list_for(
                actor=request.user, hours_status=p.get("hours_status", ""), status=p.get("status", "")
            )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.SignupSerializer(page, many=True).data)

    def _get(self, pk: str) -> Signup:
        return selectors.signup_get_for(actor=self.request.user, signup_id=pk)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.SignupSerializer(self._get(pk)).data)

    def _answer(self, signup: Signup) -> Response:
        return Response(s.SignupSerializer(signup).data)

    @extend_schema(request=None, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._answer(services.signup_cancel(actor=request.user, signup=self._get(pk)))

    @extend_schema(request=None, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._answer(services.signup_approve(actor=request.user, signup=self._get(pk)))

    @extend_schema(request=s.VolunteerNoteSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        signup = self._get(pk)
        v = _valid(s.VolunteerNoteSerializer, request)
        return self._answer(services.signup_decline(actor=request.user, signup=signup, reason=v["note"]))

    @extend_schema(request=s.RollCallSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str) -> Response:
        signup = self._get(pk)
        v = _valid(s.RollCallSerializer, request)
        return self._answer(services.rollcall_check_in(actor=request.user, signup=signup, at=v["at"]))

    @extend_schema(request=s.RollCallSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str) -> Response:
        signup = self._get(pk)
        v = _valid(s.RollCallSerializer, request)
        return self._answer(services.rollcall_check_out(actor=request.user, signup=signup, at=v["at"]))

    @extend_schema(request=None, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str) -> Response:
        return self._answer(services.signup_no_show(actor=request.user, signup=self._get(pk)))

    @extend_schema(request=s.HoursDecideSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def hours(self, request: Request, pk: str) -> Response:
        signup = self._get(pk)
        v = _valid(s.HoursDecideSerializer, request)
        return self._answer(services.hours_decide(actor=request.user, signup=signup, **v))

    @extend_schema(request=s.CorrectionInSerializer, responses=s.SignupSerializer)
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk: str) -> Response:
        signup = self._get(pk)
        v = _valid(s.CorrectionInSerializer, request)
        services.correction_request(actor=request.user, signup=signup, **v)
        return Response(s.SignupSerializer(signup).data, status=201)


class CheckInView(APIView):
    """Scan the activity's QR code: check in (``direction`` "in") or out ("out")."""

    @extend_schema(request=s.VolunteerCheckInSerializer, responses=s.SignupSerializer)
    def post(self, request: Request) -> Response:
        v = _valid(s.VolunteerCheckInSerializer, request)
        step = services.check_in_by_qr if v["direction"] == "in" else services.check_out_by_qr
        return Response(s.SignupSerializer(step(actor=request.user, token=v["token"])).data)


class PhoneCodeSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class PhoneSignupSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    code = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class PhoneCodeView(APIView):
    """Public: text a sign-up code to a phone (rate-limited per number and address: 429)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(request=PhoneCodeSerializer, responses={202: None})
    def post(self, request: Request, pk: int) -> Response:
        activity = selectors.activity_public(activity_id=pk)
        v = _valid(PhoneCodeSerializer, request)
        try:
            services.phone_code_send(activity=activity, phone=v["phone"], ip=client_ip(request))
        except RateLimited as exc:
            raise exceptions.Throttled(wait=exc.retry_after) from None
        return Response(status=202)


class PhoneSignupView(APIView):
    """Public: sign up with the phone and the code texted to it."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(request=PhoneSignupSerializer, responses={201: s.SignupSerializer})
    def post(self, request: Request, pk: int) -> Response:
        activity = selectors.activity_public(activity_id=pk)
        v = _valid(PhoneSignupSerializer, request)
        signup = services.phone_sign_up(activity=activity, **v)
        return Response({"id": signup.pk, "status": signup.status, "position": signup.position}, status=201)
