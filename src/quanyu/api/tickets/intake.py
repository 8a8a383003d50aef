"""What the intake lane (``quanyu.api.lane``) shares with the create endpoint: the fast reading of a
plain JSON create body (``fast_create_input``, kept equal to ``TicketCreateSerializer`` by
tests/api/test_ticket_create_input.py), the lookups of what it names (``create_arguments``), and the
201 body (``created_answer`` / ``ticket_summary``, ``TicketSerializer``'s list shape written out)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from quanyu.catalog import selectors as catalog_selectors
from quanyu.catalog.models import Category
from quanyu.catalog.suggest import cached_item
from quanyu.core.geo import CRS_CHOICES
from quanyu.tickets.conf import remind_before_completion, remind_before_response
from quanyu.tickets.models import Channel, Ticket
from quanyu.tickets.states import OPEN_STATUSES, TicketStatus

# Channels a caller of the REST API may name (open311 has its own endpoint).
API_CHANNELS = [Channel.API, Channel.WEB, Channel.PATROL, Channel.WINDOW, Channel.HOTLINE]
OPEN = frozenset(s.value for s in OPEN_STATUSES)


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


def not_found(field: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})


def category_from_value(value: Any, *, field: str = "category") -> Category | None:
    """A category given by code or by id (a code wins: codes are digits too); None for empty; 400
    naming ``field`` when unknown."""
    if value in (None, ""):
        return None
    raw = str(value).strip()
    found = catalog_selectors.category_get_by_code(raw)
    if found is None and raw.isascii() and raw.isdigit() and len(raw) < 19:
        found = Category.objects.select_related("parent").filter(pk=int(raw)).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("未知的事项：%(v)s") % {"v": raw[:40]}]})
    return found


# ---------------------------------------------------------------- serializers


def ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


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
        "suggestion_model": t.suggestion_model,
        "suggested_department": t.suggested_department_id,  # type: ignore[attr-defined]
        "tier": t.tier,
        "tier_label": _labels(language, "tier").get(t.tier, t.tier),
        "handling_area": ref(t.handling_area),
        "grid": ref(t.grid),
        "community": ref(t.community),
        "street": ref(t.street),
        "building": ref(t.building),
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
            raise not_found("area")
    building = building_from_id(data.pop("building"))
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


def building_from_id(pk: int | None) -> Any:
    """The building named at intake (None when none); 400 on ``building`` when there is none."""
    if pk is None:
        return None
    from quanyu.areas.models import Area, AreaKind

    found = Area.objects.filter(pk=pk, kind=AreaKind.BUILDING).defer("geometry").first()
    if found is None:
        raise exceptions.ValidationError({"building": [_("楼栋不存在")]})
    return found
