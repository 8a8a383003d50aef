"""What the wishes pages share: the paging size, filters read from the query string, the steps a
wish page offers to whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from quanyu.core.workflow import http_status_for
from quanyu.wishes import access
from quanyu.wishes.models import Wish, WishKind
from quanyu.wishes.selectors import WALL_STATES
from quanyu.wishes.states import WishStatus

PER_PAGE = 20


def status_of(exc: Exception) -> int:
    """The HTTP status of a refused step (core.workflow's one map; 400 for anything it leaves)."""
    return http_status_for(exc) or 400


def page_of(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def int_arg(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def choice_arg(request: HttpRequest, name: str, allowed: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


KINDS = WishKind.choices
STATES = list(WALL_STATES)


@dataclass(frozen=True)
class Offer:
    step: str
    label: str
    tone: str = "primary"


def offers_for(actor: Any, wish: Wish) -> list[Offer]:
    """The steps the wish's page offers this actor now (the service still checks)."""
    staff = access.is_staff_at(actor, wish)
    wisher = access.is_wisher(actor, wish)
    s = wish.status
    out: list[Offer] = []
    if staff and s == WishStatus.SUBMITTED:
        out += [Offer("approve", _("审核通过并发布")), Offer("reject", _("退回"), "secondary")]
    if (staff or wisher) and s == WishStatus.FULFILLED:
        out += [Offer("confirm", _("确认已实现")), Offer("dispute", _("提出异议"), "secondary")]
    if staff and s == WishStatus.DISPUTED:
        out.append(Offer("resolve", _("处理异议")))
    if (staff or wisher) and s == WishStatus.CONFIRMED and not wish.thanks:
        out.append(Offer("thank", _("发表感谢")))
    cancellable = {WishStatus.SUBMITTED, WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.DISPUTED}
    if s in cancellable and (
        staff or (wisher and s in {WishStatus.SUBMITTED, WishStatus.PUBLISHED} and not wish.claimed_shares)
    ):
        out.append(Offer("cancel", _("取消心愿"), "secondary"))
    return out
