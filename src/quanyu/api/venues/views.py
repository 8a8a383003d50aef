"""Endpoints of the venues API. Reads through ``quanyu.venues.selectors`` (scoped, out of scope →
404), each step one service call; ``api.errors`` answers the services' errors (400 naming the
field, 403, 409)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.venues import serializers as s
from quanyu.areas.models import Area, AreaKind
from quanyu.core.downloads import XLSX, xlsx_attachment
from quanyu.core.params import require_int
from quanyu.core.permissions import has_role
from quanyu.core.spreadsheets import SpreadsheetError
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.people.meeting_rooms import meeting_book_room
from quanyu.venues import selectors
from quanyu.venues.access import READERS
from quanyu.venues.coverage_report import enlarge_first
from quanyu.venues.meetings import meeting_branches_for
from quanyu.venues.models import Booking, PlanItem, Room, StandardProfile, Venue
from quanyu.venues.services import bookings, plans, register, waiting
from quanyu.venues.services.photos import venue_photo_add
from quanyu.venues.services.sheets import venues_export, venues_import


def parsed(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    reading = serializer_class(data=data, **kwargs)
    reading.is_valid(raise_exception=True)
    return dict(reading.validated_data)


def _row(queryset: QuerySet[Any], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})
    return found


def month_param(request: Request) -> dt.date:
    """``?month=YYYY-MM`` (or a date in it); this month when missing; 400 naming ``month`` if bad."""
    raw = (request.query_params.get("month") or "").strip()
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        return dt.date.fromisoformat(raw[:7] + "-01")
    except ValueError:
        raise exceptions.ValidationError({"month": [_("月份格式应为YYYY-MM")]}) from None


def _venue_fields(v: dict[str, Any]) -> dict[str, Any]:
    if "unit" in v:
        v["unit"] = _row(Unit.objects.all(), v["unit"], "unit")
    if "building" in v:
        v["building"] = _row(Area.objects.filter(kind=AreaKind.BUILDING), v["building"], "building")
    return v


class VenueViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.VenueSerializer
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Venue]:
        q = self.request.query_params
        return selectors.venue_list_for(
            actor=self.request.user,
            filters={"kind": q.get("kind"), "status": q.get("status"), "q": q.get("q")},
        )

    def get_object(self) -> Venue:
        return selectors.venue_get_for(actor=self.request.user, venue_id=self.kwargs["pk"])

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.VenueDetailSerializer if self.action == "retrieve" else s.VenueSerializer

    @extend_schema(request=s.VenueWriteSerializer, responses={201: s.VenueDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _venue_fields(parsed(s.VenueWriteSerializer, request.data))
        area = _row(Area.objects.all(), v.pop("area"), "area")
        venue = register.venue_create(actor=request.user, kind=v.pop("kind"), area=area, **v)
        return Response(s.VenueDetailSerializer(venue).data, status=201)

    @extend_schema(request=s.VenueUpdateSerializer, responses=s.VenueDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        venue = self.get_object()
        v = _venue_fields(parsed(s.VenueUpdateSerializer, request.data, partial=True))
        venue = register.venue_update(actor=request.user, venue=venue, **v)
        return Response(s.VenueDetailSerializer(venue).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed("PUT")

    @extend_schema(request=s.VenueStatusSerializer, responses=s.VenueSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        v = parsed(s.VenueStatusSerializer, request.data)
        venue = register.venue_set_status(actor=request.user, venue=venue, status=v["status"], note=v["note"])
        return Response(s.VenueSerializer(venue).data)

    @extend_schema(request=s.RoomWriteSerializer, responses={201: s.RoomSerializer})
    @action(detail=True, methods=["post"])
    def rooms(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        room = register.room_add(
            actor=request.user, venue=venue, **parsed(s.RoomWriteSerializer, request.data)
        )
        return Response(s.RoomSerializer(room).data, status=201)

    @extend_schema(request=s.VenuePhotoUploadSerializer, responses={201: s.VenuePhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request: Request, pk: str) -> Response:
        """Upload a photo (JPEG, PNG or WebP; checked and re-encoded; the venue's staff)."""
        venue = self.get_object()
        v = parsed(s.VenuePhotoUploadSerializer, request.data)
        photo = venue_photo_add(actor=request.user, venue=venue, upload=v["photo"], caption=v["caption"])
        out = {"id": photo.pk, "width": photo.width, "height": photo.height, "caption": photo.caption}
        out["url"] = f"/v/{venue.pk}/photos/{photo.pk}.jpg"
        return Response(s.VenuePhotoSerializer(out).data, status=201)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
        responses=s.PlanSerializer,
    )
    @extend_schema(methods=["POST"], request=s.PlanWriteSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["get", "post"])
    def plan(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        if request.method == "POST":
            v = parsed(s.PlanWriteSerializer, request.data)
            made = plans.plan_post(actor=request.user, venue=venue, month=v["month"], items=v["items"])
            return Response(s.PlanSerializer(selectors.plan_for_month(venue=venue, month=made.month)).data)
        found = selectors.plan_for_month(venue=venue, month=month_param(request))
        if found is None:
            raise exceptions.NotFound(_("该月尚未发布活动计划"))
        return Response(s.PlanSerializer(found).data)

    @extend_schema(request=s.BlackoutWriteSerializer, responses={201: s.BlackoutSerializer})
    @action(detail=True, methods=["post"])
    def blackouts(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        v = parsed(s.BlackoutWriteSerializer, request.data)
        v["room"] = _row(venue.rooms.all(), v.get("room"), "room")
        made = waiting.blackout_add(actor=request.user, venue=venue, **v)
        return Response(s.BlackoutSerializer(made).data, status=201)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> HttpResponse:
        if not has_role(request.user, READERS):
            raise exceptions.PermissionDenied(_("此功能仅对相关工作人员开放"))
        venues = selectors.office_venues_for(request.user)
        return xlsx_attachment(lambda target: venues_export(venues=venues, target=target), "venues.xlsx")

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses=s.ImportResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_sheet(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None or not (upload.name or "").lower().endswith(".xlsx"):
            raise exceptions.ValidationError({"file": [_("请上传 .xlsx 文件")]})
        try:
            result = venues_import(
                actor=request.user, source=upload, dry_run=request.query_params.get("dry_run") == "1"
            )
        except SpreadsheetError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from None
        data = s.ImportResultSerializer(result).data
        return Response(data, status=400 if result.errors else 200)

    @extend_schema(request=s.PlanAttendanceSerializer, responses=s.PlanItemSerializer)
    @action(detail=True, methods=["post"], url_path="plan-attendance")
    def plan_attendance(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        v = parsed(s.PlanAttendanceSerializer, request.data)
        item = _row(PlanItem.objects.filter(plan__venue=venue), v["item"], "item")
        done = plans.plan_item_attendance(actor=request.user, item=item, attendance=v["attendance"])
        return Response(s.PlanItemSerializer(done).data)

    @extend_schema(parameters=[OpenApiParameter("profile", str)], responses=s.ComplianceRowSerializer)
    @action(detail=True, methods=["get"])
    def compliance(self, request: Request, pk: str) -> Response:
        venue = self.get_object()
        profile = selectors.profile_get(request.query_params.get("profile"))
        rows = selectors.compliance_for(
            actor=request.user, profile=profile, filters={"area": venue.area.path}
        )
        row = next((r for r in rows if r["venue"].pk == venue.pk), None)
        if row is None:
            row = {"venue": venue, "compliant": True, "failures": []}
        return Response(s.ComplianceRowSerializer(row).data)


class RoomViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.RoomSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Room]:
        return Room.objects.none()

    def get_object(self) -> Room:
        return selectors.room_get_for(actor=self.request.user, room_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[OpenApiParameter("from", str, description="YYYY-MM-DD"), OpenApiParameter("days", int)],
        responses=s.SlotSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def calendar(self, request: Request, pk: str) -> Response:
        """The room's taken slots (no names: whoever may book sees when it is free)."""
        room = self.get_object()
        raw = (request.query_params.get("from") or "").strip()
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise exceptions.ValidationError({"from": [_("日期格式应为YYYY-MM-DD")]}) from None
        days = require_int(request.query_params.get("days"), field="days", hi=62) or 7
        start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        slots = selectors.room_calendar(room=room, start=start, end=start + dt.timedelta(days=days))
        return Response(s.SlotSerializer([{"starts_at": a, "ends_at": b} for a, b in slots], many=True).data)


class BookingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.BookingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Booking]:
        q = self.request.query_params
        return selectors.booking_list_for(
            actor=self.request.user,
            filters={
                "status": q.get("status"),
                "venue": require_int(q.get("venue"), field="venue"),
                "room": require_int(q.get("room"), field="room"),
                "mine": q.get("mine") in ("1", "true"),
            },
        )

    def get_object(self) -> Booking:
        return selectors.booking_get_for(actor=self.request.user, booking_id=self.kwargs["pk"])

    def _inputs(self, v: dict[str, Any]) -> dict[str, Any]:
        rooms = Room.objects.filter(venue__in=selectors.venue_queryset_for(self.request.user).values("pk"))
        v["room"] = _row(rooms, v["room"], "room")
        v["org"] = _row(PartyOrg.objects.all(), v.get("org"), "org")
        v["unit"] = _row(Unit.objects.all(), v.get("unit"), "unit")
        return v

    @extend_schema(request=s.BookingWriteSerializer, responses={201: s.BookingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = self._inputs(parsed(s.BookingWriteSerializer, request.data))
        made = bookings.booking_request(actor=request.user, **v)
        return Response(s.BookingSerializer(made).data, status=201)

    @extend_schema(request=s.SeriesWriteSerializer, responses={201: s.SeriesOutSerializer})
    @action(detail=False, methods=["post"])
    def series(self, request: Request) -> Response:
        v = self._inputs(parsed(s.SeriesWriteSerializer, request.data))
        made, conflicts = bookings.booking_request_series(actor=request.user, **v)
        return Response(s.SeriesOutSerializer({"booked": made, "conflicts": conflicts}).data, status=201)

    @extend_schema(request=s.VenueMeetingBookingSerializer, responses={201: s.BookingSerializer})
    @action(detail=False, methods=["post"])
    def meeting(self, request: Request) -> Response:
        """Book a room for a party branch's 三会一课 meeting (through ``people.meeting_rooms``)."""
        v = parsed(s.VenueMeetingBookingSerializer, request.data)
        branch = _row(meeting_branches_for(request.user), v["branch"], "branch")
        rooms = Room.objects.filter(venue__in=selectors.venue_queryset_for(request.user).values("pk"))
        room = _row(rooms, v["room"], "room")
        booking_id = meeting_book_room(
            actor=request.user,
            branch=branch,
            kind=v["kind"],
            topic=v["topic"],
            room_id=room.pk,
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
        )
        made = selectors.booking_get_for(actor=request.user, booking_id=booking_id)
        return Response(s.BookingSerializer(made).data, status=201)

    @extend_schema(request=s.WaitWriteSerializer, responses={201: s.WaitSerializer})
    @action(detail=False, methods=["post"])
    def wait(self, request: Request) -> Response:
        v = parsed(s.WaitWriteSerializer, request.data)
        rooms = Room.objects.filter(venue__in=selectors.venue_queryset_for(request.user).values("pk"))
        v["room"] = _row(rooms, v["room"], "room")
        return Response(s.WaitSerializer(waiting.wait_join(actor=request.user, **v)).data, status=201)

    @extend_schema(request=None, responses=s.BookingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return Response(
            s.BookingSerializer(bookings.booking_approve(actor=request.user, booking=self.get_object())).data
        )

    @extend_schema(request=s.BookingReasonSerializer, responses=s.BookingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        booking = self.get_object()
        reason = parsed(s.BookingReasonSerializer, request.data)["reason"]
        return Response(
            s.BookingSerializer(
                bookings.booking_decline(actor=request.user, booking=booking, reason=reason)
            ).data
        )

    @extend_schema(request=s.BookingReasonSerializer, responses=s.BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        booking = self.get_object()
        reason = parsed(s.BookingReasonSerializer, request.data)["reason"]
        return Response(
            s.BookingSerializer(
                bookings.booking_cancel(actor=request.user, booking=booking, reason=reason)
            ).data
        )

    @extend_schema(request=s.CheckInSerializer, responses=s.BookingSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str) -> Response:
        booking = self.get_object()
        attendance = parsed(s.CheckInSerializer, request.data)["attendance"]
        used = bookings.booking_check_in(actor=request.user, booking=booking, attendance=attendance)
        return Response(s.BookingSerializer(used).data)

    @extend_schema(request=None, responses=s.BookingSerializer)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str) -> Response:
        return Response(
            s.BookingSerializer(bookings.booking_no_show(actor=request.user, booking=self.get_object())).data
        )


class StandardProfileViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.StandardProfileSerializer
    filter_backends: list[Any] = []
    pagination_class = None
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[StandardProfile]:
        return StandardProfile.objects.order_by("code")


class EnlargeRowSerializer(s.ComplianceRowSerializer):
    residents = serializers.FloatField()


class ComplianceOutSerializer(serializers.Serializer):
    rollup = serializers.DictField()
    venues = s.ComplianceRowSerializer(many=True)
    enlarge_first = EnlargeRowSerializer(
        many=True, help_text="under-standard venues by residents within their circle"
    )


class ComplianceView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("profile", str), OpenApiParameter("year_of_plan", int)],
        responses=ComplianceOutSerializer,
    )
    def get(self, request: Request) -> Response:
        profile = selectors.profile_get(request.query_params.get("profile"))
        year = require_int(request.query_params.get("year_of_plan"), field="year_of_plan", hi=10)
        rows = selectors.compliance_for(actor=request.user, profile=profile)
        rollup = selectors.compliance_rollup(rows, profile=profile, year_of_plan=year)
        enlarge = enlarge_first(actor=request.user, rows=rows)
        return Response(
            ComplianceOutSerializer({"rollup": rollup, "venues": rows, "enlarge_first": enlarge}).data
        )


class UsageView(APIView):
    @extend_schema(parameters=[OpenApiParameter("weeks", int)], responses=s.UsageRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        weeks = require_int(request.query_params.get("weeks"), field="weeks", hi=52)
        rows = selectors.usage_for(actor=request.user, weeks=weeks)
        return Response(s.UsageRowSerializer(rows, many=True).data)


def _minutes(request: Request) -> str:
    from quanyu.venues import conf

    minutes = (request.query_params.get("minutes") or "15").strip()
    if minutes not in conf.get("VENUES_CIRCLES_M"):
        raise exceptions.ValidationError(
            {"minutes": [_("应为%(m)s之一") % {"m": "、".join(conf.get("VENUES_CIRCLES_M"))}]}
        )
    return minutes


class CoverageView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("minutes", str), OpenApiParameter("kind", str)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        from quanyu.venues.coverage_report import coverage_for
        from quanyu.venues.models import VenueKind

        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in VenueKind.values:
            raise exceptions.ValidationError({"kind": [_("阵地类型不正确")]})
        return Response(coverage_for(actor=request.user, kind=kind, minutes=_minutes(request)))


class SitingView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("k", int), OpenApiParameter("minutes", str)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        from quanyu.venues.coverage_report import siting_for

        if not has_role(request.user, READERS):
            raise exceptions.PermissionDenied(_("此功能仅对相关工作人员开放"))
        k = require_int(request.query_params.get("k"), field="k", hi=200) or 5
        return Response(siting_for(actor=request.user, k=k, minutes=_minutes(request)))
