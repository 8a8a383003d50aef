"""Input serializers (shape only; the services check the rest) and the outputs of the venues API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from quanyu.core.params import MAX_YEAR, MIN_YEAR
from quanyu.venues.models import (
    ActivityPlan,
    Booking,
    PlanItem,
    Room,
    RoomFunction,
    StandardProfile,
    Venue,
    VenueKind,
)
from quanyu.venues.states import VenueStatus


class InServiceDateTimeField(serializers.DateTimeField):
    """A time a booking, wait or blackout is for: years 2000–2100 only. (Year 63 was stored and
    answered with the zone's local mean time, "+08:05:43", which is no RFC 3339 date-time.)"""

    def to_internal_value(self, value: Any) -> dt.datetime:
        parsed = super().to_internal_value(value)
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise serializers.ValidationError(_("日期超出范围"))
        return parsed


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "venue", "name", "function", "capacity", "bookable", "auto_approve"]
        read_only_fields = fields


class VenueSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")

    class Meta:
        model = Venue
        fields = [
            "id",
            "kind",
            "name",
            "area",
            "area_name",
            "unit",
            "unit_name",
            "building",
            "address",
            "lon",
            "lat",
            "floor_area",
            "ground_floor_area",
            "opening_hours",
            "accessible",
            "accessibility_note",
            "photos",
            "status",
        ]
        read_only_fields = fields


class VenueDetailSerializer(VenueSerializer):
    rooms = RoomSerializer(many=True, read_only=True)

    class Meta(VenueSerializer.Meta):
        fields = [*VenueSerializer.Meta.fields, "rooms"]
        read_only_fields = fields


class VenueWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VenueKind.choices)
    area = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=VenueStatus.choices, default=VenueStatus.PLANNED)
    name = serializers.CharField(max_length=150)
    unit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    building = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    floor_area = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    ground_floor_area = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    opening_hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    accessible = serializers.BooleanField(required=False)
    accessibility_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.URLField(max_length=500), required=False, max_length=20)


class VenueUpdateSerializer(VenueWriteSerializer):
    kind = None  # type: ignore[assignment]
    area = None  # type: ignore[assignment]
    status = None  # type: ignore[assignment]
    name = serializers.CharField(max_length=150, required=False)


class VenueStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VenueStatus.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RoomWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    function = serializers.ChoiceField(choices=RoomFunction.choices)
    capacity = serializers.IntegerField(min_value=0, max_value=10000, default=0)
    bookable = serializers.BooleanField(default=True)
    auto_approve = serializers.BooleanField(default=False)


class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["day", "start", "end", "title", "room", "organiser", "attendance"]
        read_only_fields = ["attendance"]


class PlanItemWriteSerializer(serializers.Serializer):
    day = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    title = serializers.CharField(max_length=200)
    room = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    organiser = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityPlan
        fields = ["id", "venue", "month", "posted_at", "items"]
        read_only_fields = fields


class PlanWriteSerializer(serializers.Serializer):
    month = serializers.DateField()
    items = PlanItemWriteSerializer(many=True, max_length=200)  # type: ignore[call-arg]


class BookingSerializer(serializers.ModelSerializer):
    room_name = serializers.CharField(source="room.name", read_only=True)
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    booker_name = serializers.CharField(source="booker.display_name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "room",
            "room_name",
            "venue",
            "venue_name",
            "booker",
            "booker_name",
            "booker_kind",
            "org",
            "unit",
            "team",
            "purpose",
            "starts_at",
            "ends_at",
            "expected",
            "attendance",
            "series",
            "status",
            "checked_in_at",
        ]
        read_only_fields = fields


class BookingWriteSerializer(serializers.Serializer):
    room = serializers.IntegerField(min_value=1)
    starts_at = InServiceDateTimeField()
    ends_at = InServiceDateTimeField()
    purpose = serializers.CharField(max_length=200)
    booker_kind = serializers.ChoiceField(
        choices=Booking.BookerKind.choices, default=Booking.BookerKind.RESIDENT
    )
    org = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    unit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    team = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    expected = serializers.IntegerField(min_value=0, max_value=10000, default=0)


class VenuePhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()
    caption = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class VenuePhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    caption = serializers.CharField()


class VenueMeetingBookingSerializer(serializers.Serializer):
    """A room for a branch's 三会一课 meeting: ``kind`` is congress, committee, group or lecture."""

    branch = serializers.IntegerField(min_value=1)
    kind = serializers.CharField(max_length=16)
    topic = serializers.CharField(max_length=150)
    room = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SeriesWriteSerializer(BookingWriteSerializer):
    weeks = serializers.IntegerField(min_value=1, max_value=52)
    book_rest = serializers.BooleanField(default=False)


class SeriesOutSerializer(serializers.Serializer):
    booked = BookingSerializer(many=True)
    conflicts = serializers.ListField(child=serializers.DateField())


class BookingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CheckInSerializer(serializers.Serializer):
    attendance = serializers.IntegerField(min_value=0, max_value=10000)


class StandardProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardProfile
        fields = [
            "id",
            "code",
            "name",
            "source",
            "min_area",
            "ground_floor_share",
            "ground_floor_kinds",
            "required_functions",
            "function_kinds",
            "area_per_100_households",
            "household_kinds",
            "yearly_targets",
            "is_default",
        ]
        read_only_fields = fields


class FailureSerializer(serializers.Serializer):
    rule = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a DRF Field attribute too
    required = serializers.CharField()  # type: ignore[assignment]  # a DRF Field attribute too
    actual = serializers.CharField()
    short = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    venue = serializers.IntegerField(source="venue.pk")
    name = serializers.CharField(source="venue.name")
    kind = serializers.CharField(source="venue.kind")
    compliant = serializers.BooleanField()
    failures = FailureSerializer(many=True)


class UsageRowSerializer(serializers.Serializer):
    venue = serializers.IntegerField(source="venue.pk")
    name = serializers.CharField(source="venue.name")
    hours_by_week = serializers.ListField(child=serializers.FloatField())
    hours = serializers.FloatField()
    bookings = serializers.IntegerField()
    people = serializers.IntegerField()
    activities = serializers.IntegerField()
    cold = serializers.BooleanField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]  # the output key; DRF pops declared fields


class BlackoutWriteSerializer(serializers.Serializer):
    starts_at = InServiceDateTimeField()
    ends_at = InServiceDateTimeField()
    reason = serializers.CharField(max_length=200)
    room = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class BlackoutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    venue = serializers.IntegerField(source="venue_id")
    room = serializers.IntegerField(source="room_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField()


class WaitWriteSerializer(serializers.Serializer):
    room = serializers.IntegerField(min_value=1)
    starts_at = InServiceDateTimeField()
    ends_at = InServiceDateTimeField()
    purpose = serializers.CharField(max_length=200)


class WaitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    purpose = serializers.CharField()
    status = serializers.CharField()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class PlanAttendanceSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    attendance = serializers.IntegerField(min_value=0, max_value=10000)
