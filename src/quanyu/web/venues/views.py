"""Pages of the venues domain: the register (office), a venue with its rooms, bookings to decide
and its month's plan, the compliance dashboard, booking a room (phone first) with "my bookings",
and the public venue page with the month's activity plan. Thin: parse, selector or one service,
render; a refused step shows the page again with the message and ``http_status_for``'s status."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from quanyu.core.downloads import attachment
from quanyu.core.params import parse_int
from quanyu.core.permissions import has_role
from quanyu.core.spreadsheets import Column, write_rows
from quanyu.core.workflow.http import http_status_for
from quanyu.venues import conf, selectors
from quanyu.venues.access import READERS, can_edit
from quanyu.venues.coverage_report import coverage_for, enlarge_first, siting_for
from quanyu.venues.meetings import meeting_branches_for
from quanyu.venues.models import Booking, StandardProfile, VenueKind
from quanyu.venues.services import bookings, plans
from quanyu.venues.states import BookingStatus, VenueStatus

PER_PAGE = 30


def _require(request: HttpRequest, roles: frozenset[str]) -> None:
    if not has_role(request.user, roles):
        raise PermissionDenied(_("此页面仅对相关工作人员开放"))


def _error_status(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, PermissionDenied):
        return 403, str(exc) or _("您没有执行此操作的权限")
    assert isinstance(exc, ValidationError)
    return http_status_for(exc) or 400, "；".join(exc.messages)


def date_formats() -> dict[str, str]:
    """Date formats in the reader's language (``{{ d|date:fmt.day }}``): 12月5日 / Dec 5."""
    return {
        "day": pgettext("date format", "n月j日"),
        "month": pgettext("date format", "n月"),
        "year_month": pgettext("date format", "Y年n月"),
    }


def _month(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "")[:7] + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def venue_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    kind = request.GET.get("kind") if request.GET.get("kind") in VenueKind.values else ""
    status = request.GET.get("status") if request.GET.get("status") in VenueStatus.values else ""
    qs = selectors.office_venues_for(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("area__path", "name", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/venues/list.html",
        {
            "page": page,
            "kinds": VenueKind.choices,
            "statuses": VenueStatus.choices,
            "kind": kind,
            "status": status,
        },
    )


def _detail_context(request: HttpRequest, venue: Any) -> dict[str, Any]:
    editor = can_edit(request.user, venue.area.path)
    pending = []
    if editor:
        pending = list(
            selectors.booking_list_for(
                actor=request.user,
                filters={"venue": venue.pk, "after": timezone.now() - dt.timedelta(days=1)},
            ).filter(status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED))[:50]
        )
    return {
        "venue": venue,
        "rooms": list(venue.rooms.all()),
        "editor": editor,
        "pending": pending,
        "plan": selectors.plan_for_month(venue=venue, month=timezone.localdate()),
        "today": timezone.localdate(),
        "photos": list(venue.photo_files.all()),
        "fmt": date_formats(),
    }


@login_required
def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get_for(actor=request.user, venue_id=venue_id)
    return render(request, "web/venues/detail.html", _detail_context(request, venue))


@login_required
@require_POST
def plan_attendance(request: HttpRequest, item_id: int) -> HttpResponse:
    """Record how many came to one activity of a venue's plan (its keepers, once it has taken
    place); another venue's item or one out of scope is a 404."""
    item = selectors.plan_item_get_for(actor=request.user, item_id=item_id)
    try:
        came = parse_int(request.POST.get("attendance"), lo=0, hi=10000)
        if came is None:
            raise ValidationError({"attendance": [_("实到人数应为0到10000")]})
        plans.plan_item_attendance(actor=request.user, item=item, attendance=came)
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        context = _detail_context(request, item.plan.venue)
        context["error"] = error
        return render(request, "web/venues/detail.html", context, status=status)
    messages.success(request, _("已登记实到人数"))
    return redirect("web:venue_detail", venue_id=item.plan.venue_id)


STEPS = {
    "approve": lambda actor, b, post: bookings.booking_approve(actor=actor, booking=b),
    "decline": lambda actor, b, post: bookings.booking_decline(
        actor=actor, booking=b, reason=post.get("reason", "")
    ),
    "cancel": lambda actor, b, post: bookings.booking_cancel(
        actor=actor, booking=b, reason=post.get("reason", "")
    ),
    "check_in": lambda actor, b, post: bookings.booking_check_in(
        actor=actor, booking=b, attendance=parse_int(post.get("attendance"), lo=0) or 0
    ),
    "no_show": lambda actor, b, post: bookings.booking_no_show(actor=actor, booking=b),
}


@login_required
@require_POST
def booking_step(request: HttpRequest, booking_id: int, step: str) -> HttpResponse:
    booking = selectors.booking_get_for(actor=request.user, booking_id=booking_id)
    run = STEPS.get(step)
    back = request.POST.get("back") == "mine"
    try:
        if run is None:
            raise ValidationError({"step": [_("未知操作")]})
        run(request.user, booking, request.POST)
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        if back or not can_edit(request.user, booking.venue.area.path):
            return _book_page(request, status=status, error=error)
        context = _detail_context(request, booking.venue)
        context["error"] = error
        return render(request, "web/venues/detail.html", context, status=status)
    messages.success(request, _("已完成"))
    if back:
        return redirect("web:venue_book")
    return redirect("web:venue_detail", venue_id=booking.venue_id)


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    profiles = list(StandardProfile.objects.order_by("code"))
    code = request.GET.get("profile") or None
    profile = next((p for p in profiles if p.code == code), None) or selectors.default_profile()
    if profile is None:
        return render(request, "web/venues/compliance.html", {"profiles": profiles, "profile": None})
    year = parse_int(request.GET.get("year"), lo=1, hi=10) or 1
    rows = selectors.compliance_for(actor=request.user, profile=profile)
    rollup = selectors.compliance_rollup(rows, profile=profile, year_of_plan=year)
    failing = [r for r in rows if not r["compliant"]]
    return render(
        request,
        "web/venues/compliance.html",
        {
            "profiles": profiles,
            "profile": profile,
            "rollup": rollup,
            "failing": failing[:200],
            "year": year,
            "years": sorted(int(k) for k in profile.yearly_targets),
            "usage": [u for u in selectors.usage_for(actor=request.user) if u["cold"]][:100],
            "enlarge": enlarge_first(actor=request.user, rows=failing)[:20],
        },
    )


def _book_page(
    request: HttpRequest, *, status: int = 200, error: str = "", form: dict[str, Any] | None = None
) -> HttpResponse:
    venues = list(
        selectors.venue_list_for(actor=request.user, filters={"status": VenueStatus.IN_USE}).prefetch_related(
            "rooms"
        )[:100]
    )
    mine = list(
        selectors.booking_list_for(
            actor=request.user, filters={"mine": True, "after": timezone.now() - dt.timedelta(days=1)}
        )[:50]
    )
    orgs = meeting_branches_for(request.user, any_kind=True)[:100]
    return render(
        request,
        "web/venues/book.html",
        {
            "venues": venues,
            "mine": mine,
            "orgs": orgs,
            "error": error,
            "form": form or {},
            "kinds": Booking.BookerKind.choices,
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """Book a room (phone first): pick a room, a day and the hours; my bookings below."""
    if request.method != "POST":
        return _book_page(request)
    post = request.POST
    try:
        room = selectors.room_get_for(actor=request.user, room_id=post.get("room"))
        try:
            day = dt.date.fromisoformat(post.get("day", ""))
            start = dt.datetime.combine(day, dt.time.fromisoformat(post.get("start", "")))
            end = dt.datetime.combine(day, dt.time.fromisoformat(post.get("end", "")))
        except ValueError:
            raise ValidationError({"starts_at": [_("请填写日期和时间")]}) from None
        kind = post.get("booker_kind", Booking.BookerKind.RESIDENT)
        org = (
            meeting_branches_for(request.user, any_kind=True).filter(pk=parse_int(post.get("org"))).first()
            if kind == "branch"
            else None
        )
        bookings.booking_request(
            actor=request.user,
            room=room,
            starts_at=timezone.make_aware(start),
            ends_at=timezone.make_aware(end),
            purpose=post.get("purpose", ""),
            booker_kind=kind,
            org=org,
            team=post.get("team", ""),
            expected=parse_int(post.get("expected"), lo=0, hi=10000) or 0,
        )
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        return _book_page(request, status=status, error=error, form=post.dict())
    except Http404:  # no such room in the actor's sight: a form error, not a missing page
        return _book_page(request, status=400, error=_("请选择功能室"), form=post.dict())
    messages.success(request, _("预约已提交"))
    return redirect("web:venue_book")


def venue_public(request: HttpRequest, venue_id: int) -> HttpResponse:
    """A venue's public page (no sign-in): where, when open, rooms, and the month's plan."""
    venue = selectors.venue_public_get(venue_id=venue_id)
    month = _month(request.GET.get("month"))
    plan = selectors.plan_for_month(venue=venue, month=month)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "web/venues/public.html",
        {
            "venue": venue,
            "rooms": list(venue.rooms.all()),
            "photos": list(venue.photo_files.all()),
            "plan": plan,
            "month": month,
            "prev_month": prev_month,
            "next_month": next_month,
            "fmt": date_formats(),
        },
    )


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """The 5/10/15-minute circles: uncovered buildings on the map, shares per street and
    community, and "where should the next k centres go?"."""
    _require(request, READERS)
    circles = list(conf.get("VENUES_CIRCLES_M"))
    asked = request.GET.get("minutes") or ""
    minutes: str = asked if asked in circles else circles[-1]
    report = coverage_for(actor=request.user, minutes=minutes)
    report["share_pct"] = round(report["share"] * 100, 1)
    k = parse_int(request.GET.get("k"), lo=1, hi=200)
    siting = siting_for(actor=request.user, k=k, minutes=minutes) if k else None
    if siting:
        siting["added_int"] = round(siting["added"])
    venues = selectors.office_venues_for(request.user).filter(status=VenueStatus.IN_USE).exclude(lon=None)
    return render(
        request,
        "web/venues/coverage.html",
        {
            "report": report,
            "circles": circles,
            "k": k,
            "siting": siting,
            "uncovered": report["uncovered"][:2000],
            "sites": siting["sites"] if siting else [],
            "venue_points": [
                {"name": n, "lon": x, "lat": y} for n, x, y in venues.values_list("name", "lon", "lat")[:3000]
            ],
        },
    )


def _public_plan(request: HttpRequest, venue_id: int) -> tuple[Any, dt.date, Any]:
    venue = selectors.venue_public_get(venue_id=venue_id)
    month = _month(request.GET.get("month"))
    return venue, month, selectors.plan_for_month(venue=venue, month=month)


def venue_plan_print(request: HttpRequest, venue_id: int) -> HttpResponse:
    """The month's plan as a printable page (to post at the venue's door)."""
    venue, month, plan = _public_plan(request, venue_id)
    return render(
        request,
        "web/venues/plan_print.html",
        {"venue": venue, "month": month, "plan": plan, "fmt": date_formats()},
    )


def venue_plan_xlsx(request: HttpRequest, venue_id: int) -> HttpResponse:
    """The month's plan as a spreadsheet."""
    venue, month, plan = _public_plan(request, venue_id)
    columns = [
        Column("day", _("日期")),
        Column("time", _("时间")),
        Column("title", _("活动"), width=30),
        Column("room", _("功能室")),
        Column("organiser", _("组织方")),
    ]
    items = plan.items.all() if plan else []
    rows = (
        {
            "day": item.day.isoformat(),
            "time": f"{item.start:%H:%M}-{item.end:%H:%M}",
            "title": item.title,
            "room": item.room.name if item.room else "",
            "organiser": item.organiser,
        }
        for item in items
    )
    buffer = io.BytesIO()
    write_rows(buffer, columns, rows, title=f"{month:%Y-%m}")
    return attachment(buffer.getvalue(), f"plan-{venue.pk}-{month:%Y-%m}.xlsx")
