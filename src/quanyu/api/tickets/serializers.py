"""The tickets API's serializers: the ticket as lists and the detail show it, its timeline, whistles,
photos and ratings, the create input, the list filters, one input per step, the catalogue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quanyu.api.tickets.intake import API_CHANNELS, ref, ticket_summary
from quanyu.catalog.models import Category
from quanyu.core.geo import CRS_CHOICES
from quanyu.core.params import MAX_DB_INT
from quanyu.tickets import selectors
from quanyu.tickets.models import (
    Channel,
    Rating,
    Ticket,
    TicketEvent,
    TicketPhoto,
    Whistle,
)
from quanyu.tickets.states import TicketStatus


class _ChoiceText(serializers.CharField):
    """A model field with choices, shown as its code (the schema lists the codes in the
    description instead of a shared enum component, so names never collide across apps)."""

    def __init__(self, *, choices: Any = None, **kwargs: Any) -> None:
        if choices is not None and "help_text" not in kwargs:
            kwargs["help_text"] = " / ".join(str(value) for value, _label in choices)
        kwargs.pop("allow_blank", None)
        super().__init__(allow_blank=True, **kwargs)


class _OutSerializer(serializers.ModelSerializer):
    serializer_choice_field = _ChoiceText


class TicketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketCategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent_name = serializers.CharField(source="parent.name", default="")


class TicketSerializer(_OutSerializer):
    """A ticket as lists show it. Contact data are masked."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    category = TicketCategoryRefSerializer(read_only=True, allow_null=True)
    suggested_category = serializers.IntegerField(source="suggested_category_id", allow_null=True)
    suggestion_model = serializers.IntegerField(
        allow_null=True, help_text="routing model version behind the suggestion; null: keyword rules"
    )
    suggested_department = serializers.IntegerField(source="suggested_department_id", allow_null=True)
    handling_area = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    community = serializers.SerializerMethodField()
    street = serializers.SerializerMethodField()
    building = serializers.SerializerMethodField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    contact_name = serializers.CharField(source="contact_name_masked", help_text="masked")
    contact_phone = serializers.CharField(source="contact_phone_masked", help_text="masked")
    contact_email = serializers.CharField(source="contact_email_masked", help_text="masked")
    is_overdue = serializers.BooleanField(default=False)
    is_due_soon = serializers.BooleanField(default=False)
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "text",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "external_ref",
            "category",
            "suggested_category",
            "suggestion_score",
            "suggestion_model",
            "suggested_department",
            "tier",
            "tier_label",
            "handling_area",
            "grid",
            "community",
            "street",
            "building",
            "assignee",
            "lon",
            "lat",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "response_due",
            "completion_due",
            "deadline_estimated",
            "is_overdue",
            "is_due_soon",
            "accepted_at",
            "resolved_at",
            "closed_at",
            "rating_level",
            "reopen_count",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        # The fields above are the contract (and the schema); building them per request cost
        # more than the create itself (ModelSerializer rebuilds its fields for every instance),
        # so the list shape is written out here. tests/api/test_ticket_representation.py keeps
        # it equal to what the declared fields give (``declared_representation``).
        return ticket_summary(instance)

    def declared_representation(self, instance: Ticket) -> dict[str, Any]:
        """What DRF makes of the declared fields (the reference for ``ticket_summary``)."""
        return super().to_representation(instance)  # type: ignore[no-any-return]

    @extend_schema_field(TicketRefSerializer)
    def get_handling_area(self, obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.handling_area)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_grid(self, obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.grid)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_community(self, obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.community)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_street(self, obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.street)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_building(self, obj: Ticket) -> dict[str, Any] | None:
        return ref(obj.building)


class TicketEventSerializer(_OutSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    department = serializers.SerializerMethodField()
    payload = serializers.JSONField()

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "at",
            "actor_name",
            "from_status",
            "to_status",
            "whistle",
            "department",
            "payload",
        ]
        read_only_fields = fields

    def get_department(self, obj: TicketEvent) -> str:
        return obj.whistle.department.name if obj.whistle_id and obj.whistle else ""


class TicketWhistleSerializer(_OutSerializer):
    department_name = serializers.CharField(source="department.name")
    status_label = serializers.CharField(source="get_status_display")
    is_overdue = serializers.BooleanField(default=False)

    class Meta:
        model = Whistle
        fields = [
            "id",
            "department",
            "department_name",
            "lead",
            "status",
            "status_label",
            "note",
            "whistled_at",
            "response_due",
            "completion_due",
            "deadline_estimated",
            "responded_at",
            "resolved_at",
            "explanation",
            "return_reason",
            "returned_at",
            "is_overdue",
        ]
        read_only_fields = fields


class TicketPhotoSerializer(_OutSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = TicketPhoto
        fields = ["id", "kind", "url", "width", "height", "size", "whistle", "created_at"]
        read_only_fields = fields

    def get_url(self, obj: TicketPhoto) -> str:
        """The scoped download (``GET /api/tickets/{id}/photos/{photo}/``, token or session; 404
        for whoever may not see the ticket), never the file's storage path."""
        return reverse("ticket-photo", args=[obj.ticket_id, obj.pk]) if obj.image else ""


class TicketRatingSerializer(_OutSerializer):
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = Rating
        fields = [
            "id",
            "level",
            "level_label",
            "comment",
            "via",
            "at",
            "counts",
            "appeal_status",
            "appeal_reason",
            "appeal_decision_note",
        ]
        read_only_fields = fields


class TicketDetailSerializer(TicketSerializer):
    events = serializers.SerializerMethodField()
    whistles = TicketWhistleSerializer(many=True, read_only=True)
    photos = TicketPhotoSerializer(many=True, read_only=True)
    ratings = serializers.SerializerMethodField()
    missing_materials = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="one-window items: required, not received"
    )

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        return self.declared_representation(instance)

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "resolution",
            "materials",
            "missing_materials",
            "materials_notice_at",
            "emergency_target",
            "emergency_note",
            "transferred_at",
            "excluded_from_stats",
            "events",
            "whistles",
            "photos",
            "ratings",
        ]
        read_only_fields = fields

    @extend_schema_field(TicketEventSerializer(many=True))
    def get_events(self, obj: Ticket) -> list[dict[str, Any]]:
        return TicketEventSerializer(selectors.ticket_timeline(ticket=obj), many=True).data  # type: ignore[return-value]

    @extend_schema_field(TicketRatingSerializer(many=True))
    def get_ratings(self, obj: Ticket) -> list[dict[str, Any]]:
        return TicketRatingSerializer(selectors.ticket_ratings(ticket=obj), many=True).data  # type: ignore[return-value]


class TicketCreateSerializer(serializers.Serializer):
    """A new request. Locate it by ``lon``/``lat`` (in ``crs``) or by ``area`` (an area id);
    ``category`` is an item's id or code (empty: the rules suggest one). Multipart requests may add
    up to 9 ``photos``."""

    text = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text="诉求内容")
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    crs = serializers.CharField(
        required=False, default="wgs84", help_text="wgs84 (GPS), gcj02 (AMap/Tencent) or bd09 (Baidu)"
    )
    area = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_DB_INT
    )
    building = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_DB_INT,
        help_text="id of the building it was reported in (in the located grid; locates it without a point)",
    )
    category = serializers.CharField(required=False, allow_blank=True, default="", help_text="id or code")
    channel = serializers.CharField(
        required=False, default=Channel.API, help_text="api (default), web, patrol, window or hotline"
    )
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    contact_email = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=254, help_text="kept encrypted, shown masked"
    )
    materials = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=50
    )
    notice_missing = serializers.BooleanField(
        required=False,
        default=False,
        help_text="window: when required materials are missing, register the application with the "
        "one-time notice (一次性告知) of what is missing instead of answering 400",
    )
    external_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, write_only=True
    )

    def validate_crs(self, value: str) -> str:
        if value not in CRS_CHOICES:
            raise serializers.ValidationError(
                _("坐标系须为 %(choices)s 之一") % {"choices": "、".join(CRS_CHOICES)}
            )
        return value

    def validate_channel(self, value: str) -> str:
        if value not in API_CHANNELS:
            raise serializers.ValidationError(
                _("来源渠道须为 %(choices)s 之一") % {"choices": "、".join(API_CHANNELS)}
            )
        return value


# -- the common JSON create, read without building the serializer ---------------------------------


class TicketListQuerySerializer(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="one status or several, comma-separated")
    area = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_DB_INT, help_text="area id: its whole subtree"
    )
    category = serializers.CharField(required=False, help_text="item or top-level category: id or code")
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_DB_INT, help_text="unit id: whistled to it"
    )
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    due_soon = serializers.BooleanField(required=False, allow_null=True, default=None)
    channel = serializers.CharField(required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="submitted, registered by or assigned to me"
    )
    q = serializers.CharField(required=False, max_length=100, help_text="text contains")
    created_after = serializers.DateTimeField(required=False, help_text="created at or after (ISO 8601)")
    created_before = serializers.DateTimeField(required=False, help_text="created before (ISO 8601)")

    def validate_status(self, value: str) -> list[str]:
        wanted = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in wanted if v not in TicketStatus.values]
        if unknown:
            raise serializers.ValidationError(_("未知的状态：%(v)s") % {"v": "、".join(unknown)})
        return wanted

    def validate_channel(self, value: str) -> str:
        if value not in Channel.values:
            raise serializers.ValidationError(_("未知的来源渠道"))
        return value


class TicketNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class TicketReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=1000)


class TicketOptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TicketAssignSerializer(TicketNoteSerializer):
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT, help_text="user id")


class TicketCategoriseSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="item id or code")


class TicketReassignSerializer(TicketReasonSerializer):
    area = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT, help_text="community or grid id")


class TicketWhistleInputSerializer(TicketNoteSerializer):
    departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_INT), min_length=1, max_length=20
    )
    lead = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_DB_INT
    )


class TicketWhistleRefSerializer(serializers.Serializer):
    whistle = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_DB_INT,
        help_text="default: your open whistle",
    )


class TicketRespondSerializer(TicketWhistleRefSerializer, TicketNoteSerializer):
    pass


class TicketReturnSerializer(TicketWhistleRefSerializer, TicketReasonSerializer):
    pass


class TicketResolveSerializer(TicketWhistleRefSerializer):
    explanation = serializers.CharField(allow_blank=True, max_length=2000)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="the lead department only: why it answers before every assisting department is done",
    )
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, write_only=True
    )


class TicketMergeSerializer(TicketOptionalReasonSerializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT, help_text="the original ticket's id")


class TicketSuperviseSerializer(TicketReasonSerializer):
    whistle = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_DB_INT
    )


class TicketRateSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="satisfied / basically / dissatisfied (满意/基本满意/不满意)")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TicketRateByTokenSerializer(TicketRateSerializer):
    token = serializers.CharField(max_length=200, help_text="the token of the rating link")


class TicketAppealSerializer(TicketReasonSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT)


class TicketAppealDecideSerializer(TicketNoteSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT)
    upheld = serializers.BooleanField()


class TicketTransferSerializer(TicketNoteSerializer):
    target = serializers.CharField(help_text="110, 119, 120 or other")


class TicketNoticeSerializer(TicketNoteSerializer):
    missing = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        allow_null=True,
        default=None,
        max_length=50,
        help_text="items of the checklist still missing (default: those not received)",
    )


class TicketMaterialsSerializer(TicketNoteSerializer):
    materials = serializers.ListField(
        child=serializers.CharField(max_length=100),
        min_length=1,
        max_length=50,
        help_text="items of the checklist the applicant brought",
    )


class TicketRatingLinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()


class TicketRatingResultSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    level = serializers.CharField()
    ticket_status = serializers.CharField()


class TicketCatalogItemSerializer(_OutSerializer):
    lead_department = serializers.IntegerField(source="lead_department_id", allow_null=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "description",
            "first_tier",
            "response_hours",
            "completion_days",
            "working_days",
            "is_one_window",
            "materials",
            "open311_published",
            "service_code",
            "lead_department",
        ]
        read_only_fields = fields


class TicketCatalogCategorySerializer(_OutSerializer):
    items = TicketCatalogItemSerializer(source="children", many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "description", "items"]
        read_only_fields = fields


# ---------------------------------------------------------------- views


class ReplyQualitySerializer(serializers.Serializer):
    """One answer of a ticket (the resolution's explanation, or a department's) and its quality
    (``analytics.replies``: scores 0-1; ``timeliness_days`` in working days, null without a time)."""

    who = serializers.CharField(help_text="the handling tier, or the department")
    text = serializers.CharField()
    relevance = serializers.FloatField()
    completeness = serializers.FloatField()
    explanation = serializers.FloatField()
    timeliness_days = serializers.IntegerField(allow_null=True)
    overall = serializers.FloatField()
    flags = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["boilerplate", "off_topic", "points_unanswered", "no_explanation", "late", "no_time"]
        )
    )


class SimilarTicketSerializer(serializers.Serializer):
    """An open ticket the one asked about may duplicate (``tickets.similar``)."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    distance_m = serializers.FloatField(allow_null=True, help_text="metres apart; null: either unlocated")
    text_similarity = serializers.FloatField(help_text="character-bigram Jaccard similarity, 0-1")
    nearby_same_item = serializers.BooleanField()
