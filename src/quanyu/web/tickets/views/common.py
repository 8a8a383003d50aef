"""Shared pieces of the ticket pages: who may open which page, htmx partial switching, the safe
"back to" address, and how a timeline event reads on the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.catalog.models import Tier
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.tickets.access import CHANNEL_ROLES, STREET_ROLES, SUPERVISOR_ROLES, TICKET_VIEWER_ROLES
from quanyu.tickets.models import EmergencyTarget, RatingLevel, TicketEvent
from quanyu.tickets.states import TicketStatus
from quanyu.web.htmx import is_htmx

# Who opens which page (superusers open every page).
PATROL_ROLES = CHANNEL_ROLES["patrol"]
TRIAGE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
DISPATCH_ROLES = STREET_ROLES
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HANDLER})
BOARD_ROLES = SUPERVISOR_ROLES | {Role.COMMUNITY_STAFF, Role.AUDITOR}
LIST_ROLES = TICKET_VIEWER_ROLES | {Role.DEPARTMENT_HANDLER}
RESIDENT_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER})
WINDOW_ROLES = CHANNEL_ROLES["window"]
APPEAL_ROLES = STREET_ROLES | DEPARTMENT_ROLES
REHANDLING_ROLES = TRIAGE_ROLES


def roles_required(
    roles: frozenset[str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in and holding one of ``roles`` somewhere; else 403 with a message in Chinese."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, roles):
                raise PermissionDenied(_("此页面不属于您的岗位"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def render_page(
    request: HttpRequest, full: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The partial for htmx requests, the full page otherwise (and say so to caches)."""
    response = render(request, partial if is_htmx(request) else full, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` address of a form when it stays on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- timeline ---------------------------------------------------------------------------------

TIER_LABELS = dict(Tier.choices)
STATUS_LABELS = dict(TicketStatus.choices)
LEVEL_LABELS = dict(RatingLevel.choices)
TARGET_LABELS = dict(EmergencyTarget.choices)

# Payload keys shown under an event, in this order.
PAYLOAD_LABELS: list[tuple[str, Any]] = [
    ("reason", gettext_lazy("理由")),
    ("note", gettext_lazy("备注")),
    ("explanation", gettext_lazy("办理说明")),
    ("department_names", gettext_lazy("呼叫部门")),
    ("assignee_name", gettext_lazy("承办人")),
    ("level", gettext_lazy("评价")),
    ("comment", gettext_lazy("评价意见")),
    ("target", gettext_lazy("转出去向")),
    ("category", gettext_lazy("事项编码")),
    ("into", gettext_lazy("并入诉求")),
    ("duplicate", gettext_lazy("重复诉求")),
    ("missing", gettext_lazy("尚缺材料")),
    ("received", gettext_lazy("已收材料")),
    ("notified", gettext_lazy("告知方式")),
]
NOTIFIED_LABELS = {
    "account": gettext_lazy("站内消息"),
    "sms": gettext_lazy("短信"),
    "email": gettext_lazy("电子邮箱"),
}


@dataclass(frozen=True)
class TimelineEntry:
    event: TicketEvent
    title: str
    lines: list[tuple[str, str]]
    status_change: str
    tone: str


def _payload_value(key: str, value: Any) -> str:
    if key == "notified" and isinstance(value, list):
        return "、".join(str(NOTIFIED_LABELS.get(v, v)) for v in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "level":
        return str(LEVEL_LABELS.get(value, value))
    if key == "target":
        return str(TARGET_LABELS.get(value, value))
    if key in ("into", "duplicate"):
        return f"#{value}"
    return str(value)


def timeline_entry(event: TicketEvent) -> TimelineEntry:
    payload = event.payload or {}
    title = event.get_kind_display()
    if event.whistle_id and event.whistle is not None:
        title = f"{title} · {event.whistle.department.name}"
    if event.kind == "escalated" and payload.get("to_tier"):
        title = _("上报至%(tier)s") % {"tier": TIER_LABELS.get(payload["to_tier"], payload["to_tier"])}
    if event.kind == "appeal_decided" and "upheld" in payload:
        title = _("申诉裁定：成立") if payload["upheld"] else _("申诉裁定：驳回")
    lines = [
        (str(label), _payload_value(key, payload[key])) for key, label in PAYLOAD_LABELS if payload.get(key)
    ]
    change = ""
    if event.from_status and event.from_status != event.to_status:
        change = f"{STATUS_LABELS.get(event.from_status, event.from_status)} → " + str(
            STATUS_LABELS.get(event.to_status, event.to_status)
        )
    tone = {
        "created": "start",
        "resolved": "done",
        "whistle_resolved": "done",
        "closed": "done",
        "rated": "done",
        "whistled": "call",
        "escalated": "up",
        "supervised": "warn",
        "whistle_returned": "warn",
        "reopened": "warn",
        "cancelled": "end",
        "transferred": "end",
        "merged": "end",
        "appealed": "warn",
        "callback": "done",
        "rehandled": "done",
        "window_notice": "warn",
        "materials_received": "done",
    }.get(event.kind, "")
    return TimelineEntry(event=event, title=str(title), lines=lines, status_change=change, tone=tone)
