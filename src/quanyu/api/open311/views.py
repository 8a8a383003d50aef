"""GeoReport v2 endpoints (see the package docstring). Plain Django views: the spec's own formats
and error bodies, ``api_key`` instead of a session (so no CSRF), thin over the catalogue
selectors and ``ticket_create``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quanyu.api.open311 import render
from quanyu.api.open311.clients import open311_client_for_key
from quanyu.api.open311.queries import public_request_queryset
from quanyu.areas.locate import locate
from quanyu.areas.models import Area, AreaKind
from quanyu.catalog import selectors as catalog_selectors
from quanyu.catalog.models import Category
from quanyu.core import ratelimit
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.params import parse_int
from quanyu.core.pii import redact_text
from quanyu.tickets import services
from quanyu.tickets.limits import anonymous_intake_checks, intake_limit_message
from quanyu.tickets.models import Channel, Ticket
from quanyu.tickets.photos import check_upload_request, is_too_large
from quanyu.tickets.states import OPEN_STATUSES, TicketStatus

DEFAULT_DAYS = 90
MAX_RESULTS = 1000
MATERIALS_ATTRIBUTE = "materials"
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
OPEN = {s.value for s in OPEN_STATUSES}


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if value is not None else None


# ---------------------------------------------------------------- services


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.is_one_window and category.materials),
        "type": "realtime",
        "keywords": ", ".join(category.keyword_list),
        "group": category.parent.name if category.parent is not None else "",
    }


def _definition(category: Category) -> dict[str, Any]:
    attributes = []
    if category.is_one_window and category.materials:
        attributes.append(
            {
                "variable": True,
                "code": MATERIALS_ATTRIBUTE,
                "datatype": "multivaluelist",
                "required": False,
                "datatype_description": _("已备齐的申请材料"),
                "order": 1,
                "description": _("申请材料"),
                "values": [{"key": m, "name": m} for m in category.materials],
            }
        )
    return {"service_code": category.service_code, "attributes": attributes}


@require_http_methods(["GET"])
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [_service(c) for c in catalog_selectors.open311_service_list()]
    return render.respond(fmt, "services", "service", rows)


@require_http_methods(["GET"])
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    category = catalog_selectors.open311_service_list().filter(service_code=service_code).first()
    if category is None:
        return render.errors(fmt, 404, [_("服务不存在：%(code)s") % {"code": service_code[:40]}])
    return render.respond(fmt, "service_definition", None, _definition(category))


# ---------------------------------------------------------------- requests


def _status(ticket: Ticket) -> str:
    return "open" if ticket.status in OPEN else "closed"


def _status_notes(ticket: Ticket) -> str:
    if ticket.status == TicketStatus.MERGED and ticket.merged_into_id:
        return _("与 #%(id)d 重复，已合并") % {"id": ticket.merged_into_id}
    if ticket.status == TicketStatus.TRANSFERRED:
        return _("已转出：%(to)s") % {"to": ticket.get_emergency_target_display()}
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and ticket.resolution:
        return ticket.resolution
    return str(TicketStatus(ticket.status).label)


def _request_record(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    lead = getattr(ticket, "lead_whistles", [])
    category = ticket.category
    assert category is not None
    return {
        "service_request_id": ticket.pk,
        "status": _status(ticket),
        "status_notes": _status_notes(ticket),
        "service_name": category.name,
        "service_code": category.service_code,
        # The list is public: personal data written into the text is masked, the address left
        # out and the point coarsened to about 100 m; photos are not published.
        "description": redact_text(ticket.text),
        "agency_responsible": lead[0].department.name if lead else ticket.handling_area.name,
        "service_notice": "",
        "requested_datetime": _iso(ticket.created_at),
        "updated_datetime": _iso(ticket.updated_at),
        "expected_datetime": _iso(ticket.completion_due),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": round(ticket.lat, 3) if ticket.lat is not None else None,
        "long": round(ticket.lon, 3) if ticket.lon is not None else None,
        "media_url": "",
    }


def _when(raw: str, field: str, *, end: bool = False) -> dt.datetime:
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is None:
                raise ValidationError({field: _("须为 ISO 8601 日期时间（含时区）")})
            value = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(0), tzinfo=LOCAL_TZ)
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        # A year at the calendar's edge (0001, 9999) overflows once moved to UTC or by a day.
        value.astimezone(dt.UTC)
        (value - dt.timedelta(days=DEFAULT_DAYS)).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValidationError({field: _("日期超出范围")}) from None
    return value


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    qs = public_request_queryset()
    ids_raw = params.get("service_request_id", "").strip()
    try:
        if ids_raw:
            parsed_ids = [parse_int(v) for v in ids_raw.split(",") if v.strip()]
            if None in parsed_ids:
                raise ValueError("not an id")
            ids = [n for n in parsed_ids if n is not None]
            qs = qs.filter(pk__in=ids[:MAX_RESULTS])
        else:
            now = timezone.now()
            end = _when(params["end_date"], "end_date", end=True) if params.get("end_date") else now
            start = (
                _when(params["start_date"], "start_date")
                if params.get("start_date")
                else end - dt.timedelta(days=DEFAULT_DAYS)
            )
            if start > end and params.get("end_date"):
                raise ValidationError({"start_date": _("开始时间不能晚于结束时间")})
            qs = qs.filter(created_at__gte=start, created_at__lte=end)
            codes = [c for c in params.get("service_code", "").split(",") if c.strip()]
            if codes:
                qs = qs.filter(category__service_code__in=codes)
            wanted = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
            if any(s not in ("open", "closed") for s in wanted):
                raise ValidationError({"status": _("须为 open 或 closed")})
            if wanted == ["open"]:
                qs = qs.filter(status__in=OPEN)
            elif wanted == ["closed"]:
                qs = qs.exclude(status__in=OPEN)
    except ValueError:
        return render.errors(fmt, 400, [_("service_request_id 须为以逗号分隔的数字")])
    except ValidationError as exc:
        return render.errors(fmt, 400, _messages(exc))
    rows = [_request_record(request, t) for t in qs[:MAX_RESULTS]]
    return render.respond(fmt, "service_requests", "request", rows)


# Fields of ticket_create under their GeoReport names.
_SPEC_FIELD = {
    "photos": "media",
    "text": "description",
    "contact_phone": "phone",
    "lon": "long",
    "address": "address_string",
}


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{_SPEC_FIELD.get(field, field)}: {msg}"
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    return list(exc.messages)


def _attributes(post: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in post:
        match = _ATTRIBUTE_KEY.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(v for v in post.getlist(key) if v)
    return found


def _float(post: Any, name: str) -> float | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationError({name: _("必须是数字")}) from None


def _inside(area: Area, lon: float | None, lat: float | None) -> bool:
    """Whether the point lies in a grid under ``area`` (a point outside every grid is left to
    ``ticket_create``, which names the error)."""
    if lon is None or lat is None:
        return True
    grid_ids, _c, _s = locate([lon], [lat])
    if int(grid_ids[0]) < 0:
        return True
    path = Area.objects.filter(pk=int(grid_ids[0])).values_list("path", flat=True).first() or ""
    return path.startswith(area.path)


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        # Before the body is parsed: an oversized upload is refused without spooling it.
        check_upload_request(request.META.get("CONTENT_LENGTH"), field="media")
    except ValidationError as exc:
        return render.errors(fmt, 413, _messages(exc))
    post = request.POST
    client = open311_client_for_key(post.get("api_key"))
    if client is None:
        return render.errors(fmt, 403, [_("api_key 无效或缺失，不能创建服务请求")])
    code = (post.get("service_code") or "").strip()
    if not code:
        return render.errors(fmt, 400, [_("service_code: 必填")])
    category = catalog_selectors.open311_service_list().filter(service_code=code).first()
    if category is None:
        return render.errors(fmt, 404, [_("service_code: 服务不存在：%(code)s") % {"code": code[:40]}])
    try:
        lat, lon = _float(post, "lat"), _float(post, "long")
        address = (post.get("address_string") or "").strip()
        area = None
        if lat is None and lon is None:
            if not address:
                raise ValidationError({"lat": _("须提供 lat/long 或 address_string")})
            if client.area is None or client.area.kind not in (
                AreaKind.STREET,
                AreaKind.COMMUNITY,
                AreaKind.GRID,
            ):
                raise ValidationError({"lat": _("仅有地址无法定位，请提供 lat/long（WGS-84）")})
            area = client.area
        if area is None and client.area is not None and not _inside(client.area, lon, lat):
            raise ValidationError({"lat": _("位置不在该接入方的服务区域内")})
        media_url = (post.get("media_url") or "").strip()
        if media_url and (urlparse(media_url).scheme not in ("http", "https") or len(media_url) > 500):
            raise ValidationError({"media_url": _("须为 http(s) 链接")})
        text = (post.get("description") or "").strip() or category.name
        if media_url:
            text = f"{text}\n{_('图片链接')}：{media_url}"
        name = f"{(post.get('last_name') or '').strip()}{(post.get('first_name') or '').strip()}"
        attributes = _attributes(post)
        phone = (post.get("phone") or "").strip()
        with ratelimit.limited(*anonymous_intake_checks(ip=None, phone=phone, open311_client=client.pk)):
            ticket = services.ticket_create(
                actor=None,
                text=text,
                channel=Channel.OPEN311,
                lon=lon,
                lat=lat,
                crs="wgs84",
                area=area,
                category=category,
                address=address,
                contact_name=name,
                contact_phone=phone,
                photos=request.FILES.getlist("media"),
                materials=attributes.get(MATERIALS_ATTRIBUTE, []),
                external_ref=f"open311:{client.pk}",
            )
    except ratelimit.RateLimited as exc:
        response = render.errors(fmt, 429, [intake_limit_message(exc)])
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ValidationError as exc:
        return render.errors(fmt, 413 if is_too_large(exc) else 400, _messages(exc))
    except PermissionDenied as exc:
        return render.errors(fmt, 403, [str(exc)])
    notice = _("已登记，将于 %(due)s 前响应") % {"due": _iso(ticket.response_due)}
    return render.respond(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": ticket.pk, "service_notice": notice, "account_id": None}],
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


@require_http_methods(["GET"])
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    ticket = public_request_queryset().filter(pk=int(request_id)).first() if len(request_id) < 19 else None
    if ticket is None:
        return render.errors(fmt, 404, [_("服务请求不存在：%(id)s") % {"id": request_id}])
    return render.respond(fmt, "service_requests", "request", [_request_record(request, ticket)])
