"""Shapes of the volunteering API: inputs validate shape only (the services validate meaning);
outputs are plain, with names and phones masked."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from quanyu.core.pii import mask_name, mask_phone
from quanyu.volunteering.models import ProjectKind, TeamKind
from quanyu.volunteering.states import HoursStatus, SignupStatus


class MaskedPhoneField(serializers.CharField):
    """A phone written in full and read masked (138****5678): the full number only through the
    audited reveal."""

    def to_representation(self, value: Any) -> str:
        return mask_phone(str(value or ""))


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=TeamKind.choices)
    community = serializers.IntegerField(source="community_id")
    community_name = serializers.CharField(source="community.name", read_only=True)
    organisation = serializers.CharField()
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = MaskedPhoneField(
        required=False,
        allow_blank=True,
        default="",
        max_length=30,
        help_text="written in full, read masked; POST …/reveal/ with a reason for the full number (audited)",
    )
    publish_contact = serializers.BooleanField(
        required=False, default=False, help_text="print the full contact phone on certificates"
    )
    skills = serializers.CharField(required=False, allow_blank=True, default="")
    leader = serializers.IntegerField(source="leader_id", required=False, allow_null=True, default=None)
    member_count = serializers.IntegerField(read_only=True, default=0)


class TeamContactRevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class TeamContactOutSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class TeamMemberInSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()


class VolunteerSerializer(serializers.Serializer):
    """A volunteer as lists show one: the name masked, no ID number, no phone."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()
    community = serializers.IntegerField(source="community_id", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    skills = serializers.CharField(read_only=True)
    no_shows = serializers.IntegerField(read_only=True)

    def get_name(self, obj: Any) -> str:
        return mask_name(obj.name)


class VolunteerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    community = serializers.IntegerField()
    myself = serializers.BooleanField(required=False, default=False)


class ServiceProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, default=ProjectKind.OTHER)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField(source="project.name", read_only=True)
    team_name = serializers.CharField(source="project.team.name", read_only=True)
    title = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    room = serializers.IntegerField(
        source="room_id",
        required=False,
        allow_null=True,
        default=None,
        help_text="A venue room to book for the activity (one of /api/volunteer-activities/rooms/); "
        "its venue then gives address and point.",
    )
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)
    venue = serializers.IntegerField(source="room.venue_id", read_only=True, allow_null=True)
    venue_name = serializers.CharField(source="room.venue.name", read_only=True, allow_null=True)
    booking = serializers.IntegerField(source="booking_id", read_only=True, allow_null=True)
    booking_status = serializers.CharField(source="booking.status", read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    skills = serializers.CharField(required=False, allow_blank=True, default="")
    signup_opens = serializers.DateTimeField(required=False, allow_null=True, default=None)
    signup_closes = serializers.DateTimeField(required=False, allow_null=True, default=None)
    taken = serializers.IntegerField(read_only=True)


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room = serializers.IntegerField(
        required=False, allow_null=True, help_text="Absent: the same room; null: no room."
    )


class ActivityCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class BookableRoomSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    capacity = serializers.IntegerField(read_only=True)
    auto_approve = serializers.BooleanField(read_only=True)
    venue = serializers.IntegerField(source="venue_id", read_only=True)
    venue_name = serializers.CharField(source="venue.name", read_only=True)


class RepeatSerializer(serializers.Serializer):
    every_days = serializers.IntegerField()
    times = serializers.IntegerField()


class SignupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    activity = serializers.IntegerField(source="activity_id", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    volunteer = serializers.IntegerField(source="volunteer_id", read_only=True)
    volunteer_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=SignupStatus.choices, read_only=True)
    position = serializers.IntegerField(read_only=True)
    checked_in_at = serializers.DateTimeField(read_only=True)
    checked_out_at = serializers.DateTimeField(read_only=True)
    late = serializers.BooleanField(read_only=True)
    auto_closed = serializers.BooleanField(read_only=True)
    minutes = serializers.IntegerField(read_only=True, allow_null=True)
    hours_status = serializers.ChoiceField(choices=HoursStatus.choices, read_only=True)

    def get_volunteer_name(self, obj: Any) -> str:
        return mask_name(obj.volunteer.name)


class SignupInSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(required=False, allow_null=True, default=None)


class VolunteerCheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)
    direction = serializers.ChoiceField(choices=[("in", "签到"), ("out", "签退")], default="in")


class RollCallSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class HoursDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CorrectionInSerializer(serializers.Serializer):
    minutes = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)


class VolunteerNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    max_age = serializers.IntegerField()
