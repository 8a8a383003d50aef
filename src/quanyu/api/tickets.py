"""The tickets API (the e呼应 loop) and the request catalogue.

Endpoints (all thin: parse, find through ``quanyu.tickets.selectors`` — out of scope is a 404 —
call one service from ``quanyu.tickets.services``, serialise):

* ``GET/POST /api/tickets/`` — list (filters, paginated) and create (JSON, or multipart with
  ``photos``), which answers 201 with the new ticket in the list shape (the detail has the
  timeline). ``Idempotency-Key`` header: a retry by the same account answers the first ticket with
  **200** (and ``Idempotency-Replayed: true``) instead of 201, and never creates a twin.
* ``GET /api/tickets/{id}/`` — the ticket with its timeline (events), whistles, photos and ratings.
  A photo's ``url`` is ``GET /api/tickets/{id}/photos/{photo}/``, scoped like the ticket (the
  files are never served from a public media path).
* ``POST /api/tickets/{id}/<action>/`` — one per step: accept, assign, categorise, escalate,
  reassign, whistle, withdraw, respond, resolve, return, merge, cancel, supervise, rate, callback,
  appeal, appeal-decide, transfer-emergency, reopen, close, rating-link; for one-window
  applications notice (一次性告知 of missing materials) and materials (补正). Each answers the
  ticket.
* ``POST /api/tickets/rate/`` — rating through the single-use link's token, no account needed
  (throttled).
* ``GET /api/catalog/categories/`` — the catalogue tree (public, like Open311's services).

Errors: 400 names the field; 403 when the ticket is visible to the caller but the step is not
theirs; 404 when it is not visible at all; 409 when the ticket is not in a state that allows the
step (``code: invalid_transition``) or someone else changed it first (``code: conflict``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from quanyu.accounts.models import User
from quanyu.catalog import selectors as catalog_selectors
from quanyu.catalog.models import Category
from quanyu.catalog.suggest import cached_item
from quanyu.core.geo import CRS_CHOICES
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets import selectors, services
from quanyu.tickets.access import handler_unit_ids
from quanyu.tickets.conf import rating_url, remind_before_completion, remind_before_response
from quanyu.tickets.errors import TransitionError
from quanyu.tickets.models import (
    Channel,
    EmergencyTarget,
    Rating,
    Ticket,
    TicketEvent,
    TicketPhoto,
    Whistle,
)
from quanyu.tickets.photos import check_upload_request, is_too_large
from quanyu.tickets.states import OPEN_STATUSES, WHISTLE_OPEN, TicketStatus

# Channels a caller of the REST API may name (open311 has its own endpoint).
API_CHANNELS = [Channel.API, Channel.WEB, Channel.PATROL, Channel.WINDOW, Channel.HOTLINE]
IDEMPOTENCY_HEADER = "Idempotency-Key"
OPEN = frozenset(s.value for s in OPEN_STATUSES)


class TicketConflict(exceptions.APIException):
    """409: the step does not fit the ticket's current state, or someone else was first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"


def _run(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; a TransitionError/ConflictError becomes a 409 with its Chinese message
    (other ValidationErrors and PermissionDenied are mapped by quanyu.api.errors)."""
    try:
        return service(**kwargs)
    except TransitionError as exc:
        raise TicketConflict(detail=exc.messages[0], code=exc.code or "invalid_transition") from None


def deadline_flags(ticket: Ticket, now: dt.datetime) -> tuple[bool, bool]:
    """(overdue, due soon) of one ticket in memory, by the rule of ``selectors.ticket_deadline_q``."""
    is_open = ticket.status in OPEN
    response_late = (
        ticket.status == TicketStatus.NEW
        and ticket.accepted_at is None
        and ticket.response_due is not None
        and ticket.response_due < now
    )
    completion_late = is_open and ticket.completion_due is not None and ticket.completion_due < now
    overdue = response_late or completion_late
    soon = not overdue and (
        (
            ticket.status == TicketStatus.NEW
            and ticket.accepted_at is None
            and ticket.response_due is not None
            and ticket.response_due <= now + remind_before_response()
        )
        or (
            is_open
            and ticket.completion_due is not None
            and ticket.completion_due <= now + remind_before_completion()
        )
    )
    return overdue, soon


def _not_found(field: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})


def category_from_value(value: Any, *, field: str = "category") -> Category | None:
    """A category given by code or by id (a code wins: codes are digits too); None for empty; 400
    naming ``field`` when unknown."""
    if value in (None, ""):
        return None
    raw = str(value).strip()
    found = catalog_selectors.category_get_by_code(raw)
    if found is None and raw.isdigit() and len(raw) < 19:
        found = Category.objects.select_related("parent").filter(pk=int(raw)).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("未知的事项：%(v)s") % {"v": raw[:40]}]})
    return found


# ---------------------------------------------------------------- serializers


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


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


class TicketSerializer(_OutSerializer):
    """A ticket as lists show it. Contact data are masked."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    category = TicketCategoryRefSerializer(read_only=True, allow_null=True)
    suggested_category = serializers.IntegerField(source="suggested_category_id", allow_null=True)
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
        return _ref(obj.handling_area)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_grid(self, obj: Ticket) -> dict[str, Any] | None:
        return _ref(obj.grid)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_community(self, obj: Ticket) -> dict[str, Any] | None:
        return _ref(obj.community)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_street(self, obj: Ticket) -> dict[str, Any] | None:
        return _ref(obj.street)

    @extend_schema_field(TicketRefSerializer(allow_null=True))
    def get_building(self, obj: Ticket) -> dict[str, Any] | None:
        return _ref(obj.building)


_DATETIME = serializers.DateTimeField()


def _when(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """``DateTimeField().to_representation``: ISO 8601 in the current time zone (``zone`` when the
    caller looked it up already; "Z" for UTC). An aware datetime is written here (DRF looks the
    zone and its settings up again for each one)."""
    if value is None:
        return None
    if type(value) is not dt.datetime or value.tzinfo is None:
        return _DATETIME.to_representation(value)  # type: ignore[no-any-return]
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _category_ref(category: Category | None) -> dict[str, Any] | None:
    if category is None:
        return None
    parent = category.parent
    return {
        "id": category.pk,
        "code": category.code,
        "name": category.name,
        "parent_name": parent.name if parent is not None else "",
    }


_LABELS: dict[tuple[str | None, str], dict[Any, str]] = {}


def _labels(language: str | None, name: str) -> dict[Any, str]:
    """A choice field's labels in ``language`` (``get_<name>_display()`` rebuilds its choices and
    translates anew on every call)."""
    labels = _LABELS.get((language, name))
    if labels is None:
        choices = Ticket._meta.get_field(name).flatchoices  # type: ignore[union-attr]
        labels = _LABELS[(language, name)] = {value: str(label) for value, label in choices}
    return labels


def ticket_summary(t: Ticket) -> dict[str, Any]:
    """``TicketSerializer``'s list shape of ``t``, written out (see its ``to_representation``)."""
    score = t.suggestion_score
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    return {
        "id": t.pk,
        "text": t.text,
        "status": t.status,
        "status_label": _labels(language, "status").get(t.status, t.status),
        "channel": t.channel,
        "channel_label": _labels(language, "channel").get(t.channel, t.channel),
        "external_ref": t.external_ref,
        "category": _category_ref(t.category),
        "suggested_category": t.suggested_category_id,  # type: ignore[attr-defined]
        "suggestion_score": None if score is None else float(score),
        "tier": t.tier,
        "tier_label": _labels(language, "tier").get(t.tier, t.tier),
        "handling_area": _ref(t.handling_area),
        "grid": _ref(t.grid),
        "community": _ref(t.community),
        "street": _ref(t.street),
        "building": _ref(t.building),
        "assignee": t.assignee_id,  # type: ignore[attr-defined]
        "lon": None if t.lon is None else float(t.lon),
        "lat": None if t.lat is None else float(t.lat),
        "address": t.address,
        "contact_name": t.contact_name_masked,
        "contact_phone": t.contact_phone_masked,
        "contact_email": t.contact_email_masked,
        "response_due": _when(t.response_due, zone),
        "completion_due": _when(t.completion_due, zone),
        "deadline_estimated": t.deadline_estimated,
        "is_overdue": bool(getattr(t, "is_overdue", False)),
        "is_due_soon": bool(getattr(t, "is_due_soon", False)),
        "accepted_at": _when(t.accepted_at, zone),
        "resolved_at": _when(t.resolved_at, zone),
        "closed_at": _when(t.closed_at, zone),
        "rating_level": t.rating_level,
        "reopen_count": t.reopen_count,
        "merged_into": t.merged_into_id,  # type: ignore[attr-defined]
        "created_at": _when(t.created_at, zone),
        "updated_at": _when(t.updated_at, zone),
    }


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
    area = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    building = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
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

_TEXT_LIMITS = {
    "address": 200,
    "contact_name": 50,
    "contact_phone": 30,
    "contact_email": 254,
    "external_ref": 64,
}
_CREATE_DEFAULTS: dict[str, Any] = {
    "lon": None,
    "lat": None,
    "crs": "wgs84",
    "area": None,
    "building": None,
    "category": "",
    "channel": Channel.API,
    "address": "",
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
    "notice_missing": False,
    "external_ref": "",
    "received_at": None,
}


def _plain_text(value: Any, limit: int | None = None) -> str | None:
    """``value`` trimmed when DRF's CharField would take it as it is, else None."""
    if type(value) is not str or "\x00" in value:
        return None
    try:
        value.encode("utf-8")  # no lone surrogates
    except UnicodeEncodeError:
        return None
    value = value.strip()
    return value if limit is None or len(value) <= limit else None


def _plain_number(value: Any) -> float | bool | None:
    """A finite int/float as a float, None for None, False when DRF should judge it."""
    if value is None:
        return None
    if (type(value) is int and abs(value) <= 10**15) or (type(value) is float and math.isfinite(value)):
        return float(value)
    return False


def _plain_id(value: Any) -> int | bool | None:
    if value is None:
        return None
    return value if type(value) is int and value >= 1 else False


def fast_create_input(data: Any) -> dict[str, Any] | None:
    """``TicketCreateSerializer``'s validated data for a plain, valid JSON body — what nearly every
    client sends — without building the serializer (that took a sixth of a creation); None for
    anything else (a form, a file, a date, a wrong or unusual value), which the serializer then
    reads and, when wrong, answers with its field errors. tests/api/test_ticket_create_input.py
    keeps the two equal."""
    if type(data) is not dict or "photos" in data or "text" not in data:
        return None
    text = _plain_text(data["text"])
    if text is None:
        return None
    out = dict(_CREATE_DEFAULTS)
    out["text"] = text
    out["materials"] = []
    out["photos"] = []
    for name, value in data.items():
        if name in ("text",) or (name not in _CREATE_DEFAULTS and name != "materials"):
            continue
        if name in ("lon", "lat"):
            number = _plain_number(value)
            if number is False:
                return None
            out[name] = number
        elif name in ("area", "building"):
            ident = _plain_id(value)
            if ident is False:
                return None
            out[name] = ident
        elif name == "crs":
            choice = _plain_text(value)
            if choice not in CRS_CHOICES:
                return None
            out[name] = choice
        elif name == "channel":
            choice = _plain_text(value)
            if choice not in API_CHANNELS:
                return None
            out[name] = choice
        elif name == "category":
            code = _plain_text(value)
            if code is None:
                return None
            out[name] = code
        elif name == "materials":
            if type(value) is not list or len(value) > 50:
                return None
            items = [_plain_text(v, 100) for v in value]
            if any(not item for item in items):
                return None
            out[name] = items
        elif name == "notice_missing":
            if type(value) is not bool:
                return None
            out[name] = value
        elif name == "received_at":
            if value is not None:
                return None
        else:
            cleaned = _plain_text(value, _TEXT_LIMITS[name])
            if cleaned is None:
                return None
            out[name] = cleaned
    return out


def create_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """``ticket_create``'s arguments from the create input's validated data (but the actor, the
    photos and the idempotency key): the area, building and category it names, looked up (400 or
    404 naming the field when there is no such one)."""
    data = dict(data)
    data.pop("photos", None)
    area_id = data.pop("area")
    area = None
    if area_id is not None:
        from quanyu.areas.models import Area

        area = Area.objects.filter(pk=area_id).first()
        if area is None:
            raise _not_found("area")
    building = _building(data.pop("building"))
    raw_category = str(data.pop("category") or "").strip()
    # An active item named by its code comes from the per-process catalogue (no query).
    category = cached_item(raw_category) if raw_category else None
    if category is None:
        category = category_from_value(raw_category)
    return {"area": area, "building": building, "category": category, **data}


def created_answer(ticket: Ticket) -> Any:
    """The 201 answer's body for a ticket just created: it carries its category and areas already,
    so it is answered without reading it back (the deadline flags computed as the selectors
    would)."""
    ticket.is_overdue, ticket.is_due_soon = deadline_flags(ticket, timezone.now())  # type: ignore[attr-defined]
    return ticket_summary(ticket)  # TicketSerializer's representation, without building one


class TicketListQuerySerializer(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="one status or several, comma-separated")
    area = serializers.IntegerField(required=False, min_value=1, help_text="area id: its whole subtree")
    category = serializers.CharField(required=False, help_text="item or top-level category: id or code")
    department = serializers.IntegerField(required=False, min_value=1, help_text="unit id: whistled to it")
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
    assignee = serializers.IntegerField(min_value=1, help_text="user id")


class TicketCategoriseSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="item id or code")


class TicketReassignSerializer(TicketReasonSerializer):
    area = serializers.IntegerField(min_value=1, help_text="community or grid id")


class TicketWhistleInputSerializer(TicketNoteSerializer):
    departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=20
    )
    lead = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class TicketWhistleRefSerializer(serializers.Serializer):
    whistle = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="default: your open whistle"
    )


class TicketRespondSerializer(TicketWhistleRefSerializer, TicketNoteSerializer):
    pass


class TicketReturnSerializer(TicketWhistleRefSerializer, TicketReasonSerializer):
    pass


class TicketResolveSerializer(TicketWhistleRefSerializer):
    explanation = serializers.CharField(allow_blank=True, max_length=2000)
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list, write_only=True
    )


class TicketMergeSerializer(TicketOptionalReasonSerializer):
    into = serializers.IntegerField(min_value=1, help_text="the original ticket's id")


class TicketSuperviseSerializer(TicketReasonSerializer):
    whistle = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class TicketRateSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="satisfied / basically / dissatisfied (满意/基本满意/不满意)")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TicketRateByTokenSerializer(TicketRateSerializer):
    token = serializers.CharField(max_length=200, help_text="the token of the rating link")


class TicketAppealSerializer(TicketReasonSerializer):
    rating = serializers.IntegerField(min_value=1)


class TicketAppealDecideSerializer(TicketNoteSerializer):
    rating = serializers.IntegerField(min_value=1)
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


def _parsed(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    parsed = serializer_class(data=data)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def _user(pk: int, field: str) -> User:
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise _not_found(field)
    return found


def _building(pk: int | None) -> Any:
    """The building named at intake (None when none); 400 on ``building`` when there is none."""
    if pk is None:
        return None
    from quanyu.areas.models import Area, AreaKind

    found = Area.objects.filter(pk=pk, kind=AreaKind.BUILDING).defer("geometry").first()
    if found is None:
        raise exceptions.ValidationError({"building": [_("楼栋不存在")]})
    return found


def _departments(ids: list[int], field: str) -> list[Unit]:
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids, kind=UnitKind.DEPARTMENT)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("不是职能部门：%(ids)s") % {"ids": "、".join(map(str, missing))}]}
        )
    return [by_id[i] for i in ids]


def _whistle_for(actor: Any, ticket: Ticket, whistle_id: int | None) -> Whistle:
    """The whistle a department step is about: the one named, or the caller's department's open
    whistle on this ticket."""
    whistles = list(ticket.whistles.all())  # prefetched by ticket_get_for
    if whistle_id is not None:
        found = next((w for w in whistles if w.pk == whistle_id), None)
        if found is None:
            raise exceptions.ValidationError({"whistle": [_("该工单没有这个呼叫")]})
        return found
    mine = handler_unit_ids(actor, at_path=ticket.area_path)
    open_mine = [w for w in whistles if w.status in WHISTLE_OPEN and w.department_id in mine]
    if len(open_mine) == 1:
        return open_mine[0]
    if not open_mine:
        open_all = [w for w in whistles if w.status in WHISTLE_OPEN]
        if len(open_all) == 1:
            # The service decides whether the caller may act on it (403 otherwise).
            return open_all[0]
        raise exceptions.ValidationError({"whistle": [_("请指定呼叫（whistle）")]})
    raise exceptions.ValidationError({"whistle": [_("您所在部门有多个呼叫，请指定呼叫（whistle）")]})


class RatingThrottle(AnonRateThrottle):
    """Rating links are tried without an account: a few per minute per client address."""

    scope = "ticket_rate"
    rate = "20/min"


ACTION_RESPONSES = {
    200: TicketDetailSerializer,
    400: OpenApiResponse(description="bad input, named by field"),
    403: OpenApiResponse(description="the ticket is visible but this step is not yours"),
    404: OpenApiResponse(description="no such ticket in your scope"),
    409: OpenApiResponse(description="not allowed in the ticket's state, or someone else was first"),
}


def _action_schema(request: type[serializers.Serializer] | None, summary: str, **extra: Any) -> Any:
    return extend_schema(request=request, responses=extra.pop("responses", ACTION_RESPONSES), summary=summary)


class TicketViewSet(viewsets.ViewSet):
    """Requests (诉求工单): list, create, detail with timeline, and one POST per step."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Ticket.objects.none()

    # -- helpers -------------------------------------------------------------------------------

    def _ticket(self, pk: Any) -> Ticket:
        try:
            return selectors.ticket_get_for(actor=self.request.user, ticket_id=pk)
        except Http404:
            raise exceptions.NotFound(_("工单不存在或不在您的管辖范围内")) from None

    def _answer(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._ticket(ticket.pk)
        return Response(TicketDetailSerializer(fresh).data, status=code)

    # -- list / detail / create ----------------------------------------------------------------

    @extend_schema(
        parameters=[TicketListQuerySerializer],
        responses={200: TicketSerializer(many=True), 400: OpenApiResponse(description="bad filter")},
    )
    def list(self, request: Request) -> Response:
        params = _parsed(TicketListQuerySerializer, request.query_params)
        category = params.pop("category", None)
        if category is not None:
            params["category"] = category_from_value(category).pk  # type: ignore[union-attr]
        after = params.pop("created_after", None)
        before = params.pop("created_before", None)
        qs: QuerySet[Ticket] = selectors.ticket_list_for(actor=request.user, filters=params)
        if after is not None:
            qs = qs.filter(created_at__gte=after)
        if before is not None:
            qs = qs.filter(created_at__lt=before)
        paginator = self.paginator
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TicketSerializer(page, many=True).data)

    @property
    def paginator(self) -> Any:
        if not hasattr(self, "_paginator"):
            from quanyu.api.pagination import Pagination

            self._paginator = Pagination()
        return self._paginator

    @extend_schema(responses={200: TicketDetailSerializer, 404: OpenApiResponse(description="not in scope")})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(TicketDetailSerializer(self._ticket(pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such photo, or the ticket is not in scope"),
        },
        summary="照片 photo (only for those who may see the ticket)",
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d{1,18})", url_name="photo")
    def photo(self, request: Request, pk: str, photo_id: str) -> FileResponse:
        ticket = self._ticket(pk)
        found = next((p for p in ticket.photos.all() if p.pk == int(photo_id)), None)
        if found is None or not found.image:
            raise exceptions.NotFound(_("照片不存在或不在您的管辖范围内"))
        try:
            handle = found.image.open("rb")
        except OSError:
            raise exceptions.NotFound(_("照片不存在或不在您的管辖范围内")) from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        request={
            "application/json": TicketCreateSerializer,
            "multipart/form-data": TicketCreateSerializer,
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="a retry with the same key answers the first ticket (200) instead of a twin",
            )
        ],
        responses={
            201: TicketSerializer,
            200: OpenApiResponse(
                TicketDetailSerializer, description="replayed: the first ticket of this key"
            ),
            400: OpenApiResponse(description="bad input, named by field"),
            403: OpenApiResponse(description="this channel needs a role at the place"),
        },
    )
    def create(self, request: Request) -> Response:
        try:
            check_upload_request(request.META.get("CONTENT_LENGTH"))  # before the body is parsed
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = fast_create_input(request.data)
        if data is None:
            data = _parsed(TicketCreateSerializer, request.data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        key = request.headers.get(IDEMPOTENCY_HEADER) or None
        try:
            ticket = services.ticket_create(
                actor=request.user, photos=photos, idempotency_key=key, **create_arguments(data)
            )
        except DjangoValidationError as exc:
            if is_too_large(exc):
                return Response(exc.message_dict, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            raise
        replayed = bool(getattr(ticket, "replayed", False))
        if replayed:
            found = selectors.ticket_queryset_for(actor=request.user).filter(pk=ticket.pk).first()
            body = TicketSerializer(found or ticket).data
        else:
            body = created_answer(ticket)
        response = Response(body, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)
        if key is not None:
            response["Idempotency-Replayed"] = "true" if replayed else "false"
        return response

    # -- steps ---------------------------------------------------------------------------------

    @_action_schema(TicketNoteSerializer, "受理 accept")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketNoteSerializer, request.data)
        return self._answer(_run(services.ticket_accept, actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketAssignSerializer, "分派 assign")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketAssignSerializer, request.data)
        assignee = _user(data["assignee"], "assignee")
        done = _run(
            services.ticket_assign, actor=request.user, ticket=ticket, assignee=assignee, note=data["note"]
        )
        return self._answer(done)

    @_action_schema(TicketCategoriseSerializer, "确认分类 categorise")
    @action(detail=True, methods=["post"])
    def categorise(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketCategoriseSerializer, request.data)
        category = category_from_value(data["category"])
        return self._answer(
            _run(services.ticket_categorise, actor=request.user, ticket=ticket, category=category)
        )

    @_action_schema(TicketReasonSerializer, "上报 escalate")
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketReasonSerializer, request.data)
        return self._answer(_run(services.ticket_escalate, actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketReassignSerializer, "街道交办 reassign")
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        from quanyu.areas.models import Area

        ticket = self._ticket(pk)
        data = _parsed(TicketReassignSerializer, request.data)
        area = Area.objects.filter(pk=data["area"]).first()
        if area is None:
            raise _not_found("area")
        done = _run(
            services.ticket_reassign, actor=request.user, ticket=ticket, area=area, reason=data["reason"]
        )
        return self._answer(done)

    @_action_schema(TicketWhistleInputSerializer, "吹哨呼叫部门 whistle")
    @action(detail=True, methods=["post"])
    def whistle(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketWhistleInputSerializer, request.data)
        departments = _departments(data["departments"], "departments")
        lead = None
        if data["lead"] is not None:
            lead = next((d for d in departments if d.pk == data["lead"]), None)
            if lead is None:
                raise exceptions.ValidationError({"lead": [_("主办部门须在所选部门之中")]})
        _run(
            services.ticket_whistle,
            actor=request.user,
            ticket=ticket,
            departments=departments,
            lead=lead,
            note=data["note"],
        )
        return self._answer(ticket)

    @_action_schema(TicketReturnSerializer, "撤回呼叫 withdraw (street)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketReturnSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        _run(services.whistle_cancel, actor=request.user, whistle=whistle, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketRespondSerializer, "部门响应 respond")
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketRespondSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        _run(services.whistle_respond, actor=request.user, whistle=whistle, note=data["note"])
        return self._answer(ticket)

    @extend_schema(
        request={
            "application/json": TicketResolveSerializer,
            "multipart/form-data": TicketResolveSerializer,
        },
        responses=ACTION_RESPONSES,
        summary="办结 resolve (a department: its whistle; a tier: the ticket itself)",
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketResolveSerializer, request.data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        mine = handler_unit_ids(request.user, at_path=ticket.area_path)
        by_department = data["whistle"] is not None or any(
            w.status in WHISTLE_OPEN and w.department_id in mine for w in ticket.whistles.all()
        )
        if by_department:
            whistle = _whistle_for(request.user, ticket, data["whistle"])
            _run(
                services.whistle_resolve,
                actor=request.user,
                whistle=whistle,
                explanation=data["explanation"],
                photos=photos,
            )
        else:
            _run(
                services.ticket_resolve,
                actor=request.user,
                ticket=ticket,
                explanation=data["explanation"],
                photos=photos,
            )
        return self._answer(ticket)

    @_action_schema(TicketReturnSerializer, "部门退回 return")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketReturnSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"])
        _run(services.whistle_return, actor=request.user, whistle=whistle, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketMergeSerializer, "合并到原诉求 merge")
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketMergeSerializer, request.data)
        try:
            into = selectors.ticket_get_for(actor=request.user, ticket_id=data["into"])
        except Http404:
            raise _not_found("into") from None
        done = _run(
            services.ticket_merge, actor=request.user, ticket=ticket, into=into, reason=data["reason"]
        )
        return self._answer(done)

    @_action_schema(TicketOptionalReasonSerializer, "撤销 cancel")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketOptionalReasonSerializer, request.data)
        return self._answer(_run(services.ticket_cancel, actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketSuperviseSerializer, "督办 supervise")
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketSuperviseSerializer, request.data)
        whistle = _whistle_for(request.user, ticket, data["whistle"]) if data["whistle"] else None
        _run(
            services.ticket_supervise,
            actor=request.user,
            ticket=ticket,
            reason=data["reason"],
            whistle=whistle,
        )
        return self._answer(ticket)

    @_action_schema(TicketRateSerializer, "诉求人评价 rate (logged in as the requester)")
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketRateSerializer, request.data)
        _run(services.ticket_rate, actor=request.user, ticket=ticket, **data)
        return self._answer(ticket)

    @_action_schema(TicketRateSerializer, "电话回访 callback")
    @action(detail=True, methods=["post"])
    def callback(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketRateSerializer, request.data)
        _run(services.ticket_callback, actor=request.user, ticket=ticket, **data)
        return self._answer(ticket)

    def _rating(self, ticket: Ticket, rating_id: int) -> Rating:
        found = selectors.ticket_ratings(ticket=ticket).filter(pk=rating_id).first()
        if found is None:
            raise exceptions.ValidationError({"rating": [_("该工单没有这条评价")]})
        return found

    @_action_schema(TicketAppealSerializer, "部门申诉 appeal")
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketAppealSerializer, request.data)
        rating = self._rating(ticket, data["rating"])
        _run(services.rating_appeal, actor=request.user, rating=rating, reason=data["reason"])
        return self._answer(ticket)

    @_action_schema(TicketAppealDecideSerializer, "申诉裁定 appeal-decide")
    @action(detail=True, methods=["post"], url_path="appeal-decide", url_name="appeal-decide")
    def appeal_decide(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketAppealDecideSerializer, request.data)
        rating = self._rating(ticket, data["rating"])
        _run(
            services.rating_appeal_decide,
            actor=request.user,
            rating=rating,
            upheld=data["upheld"],
            note=data["note"],
        )
        return self._answer(ticket)

    @_action_schema(TicketTransferSerializer, "应急转出 transfer-emergency")
    @action(detail=True, methods=["post"], url_path="transfer-emergency", url_name="transfer-emergency")
    def transfer_emergency(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketTransferSerializer, request.data)
        if data["target"] not in EmergencyTarget.values:
            raise exceptions.ValidationError({"target": [_("转出去向须为 110、119、120 或其他热线")]})
        return self._answer(
            _run(services.ticket_transfer_emergency, actor=request.user, ticket=ticket, **data)
        )

    @_action_schema(TicketReasonSerializer, "重新办理 reopen")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketReasonSerializer, request.data)
        return self._answer(_run(services.ticket_reopen, actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketNoticeSerializer, "一次性告知 notice (one-window: materials missing)")
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketNoticeSerializer, request.data)
        return self._answer(_run(services.window_notice_record, actor=request.user, ticket=ticket, **data))

    @_action_schema(TicketMaterialsSerializer, "补正材料 materials (one-window: materials brought)")
    @action(detail=True, methods=["post"])
    def materials(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketMaterialsSerializer, request.data)
        return self._answer(
            _run(services.window_materials_receive, actor=request.user, ticket=ticket, **data)
        )

    @_action_schema(TicketNoteSerializer, "关闭 close")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        data = _parsed(TicketNoteSerializer, request.data)
        return self._answer(_run(services.ticket_close, actor=request.user, ticket=ticket, **data))

    @extend_schema(
        request=None,
        responses={200: TicketRatingLinkSerializer, 403: ACTION_RESPONSES[403], 404: ACTION_RESPONSES[404]},
        summary="重新生成评价链接 rating-link",
    )
    @action(detail=True, methods=["post"], url_path="rating-link", url_name="rating-link")
    def rating_link(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        token = _run(services.ticket_rating_link_issue, actor=request.user, ticket=ticket)
        return Response({"token": token, "url": rating_url(token)})

    @extend_schema(
        request=TicketRateByTokenSerializer,
        responses={
            200: TicketRatingResultSerializer,
            400: OpenApiResponse(description="bad, used or forged token; bad level"),
            409: OpenApiResponse(description="the ticket is no longer waiting for a rating"),
            429: OpenApiResponse(description="too many tries"),
        },
        auth=[],
        operation_id="tickets_rate_by_token",
        summary="评价链接 rate by token (no account)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="rate",
        url_name="rate-by-token",
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[RatingThrottle],
        parser_classes=[JSONParser, FormParser],
    )
    def rate_by_token(self, request: Request) -> Response:
        data = _parsed(TicketRateByTokenSerializer, request.data)
        rating = _run(services.ticket_rate, actor=None, **data)
        status_now = Ticket.objects.filter(pk=rating.ticket_id).values_list("status", flat=True).first()
        return Response({"rating": rating.pk, "level": rating.level, "ticket_status": status_now})


class CategoryTreeView(APIView):
    """The request catalogue: top-level categories (大类) with their items (小类). Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=TicketCatalogCategorySerializer(many=True), auth=[])
    def get(self, request: Request) -> Response:
        return Response(TicketCatalogCategorySerializer(catalog_selectors.category_tree(), many=True).data)


def register(router: Any) -> None:
    router.register("tickets", TicketViewSet, basename="ticket")


urlpatterns = [
    path("catalog/categories/", CategoryTreeView.as_view(), name="api-catalog-categories"),
]
