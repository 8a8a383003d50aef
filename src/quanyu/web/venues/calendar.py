"""A venue's booking calendar (phone first): the week as a list of days, the month as a grid of
days linking to their week; the month's plan (posted or late) and, for the venue's staff, a form
adding an activity to the month's plan."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from quanyu.core.params import parse_int
from quanyu.venues import selectors
from quanyu.venues.access import can_edit
from quanyu.venues.calendar import month_grid, plan_state, venue_calendar, week_of
from quanyu.venues.models import Venue
from quanyu.venues.services import plans
from quanyu.web.venues.views import _error_status, date_formats

WEEKDAYS = [pgettext_lazy("weekday", d) for d in ("一", "二", "三", "四", "五", "六", "日")]


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return timezone.localdate()


def _render(
    request: HttpRequest,
    venue: Venue,
    *,
    status: int = 200,
    error: str = "",
    form: dict[str, str] | None = None,
) -> HttpResponse:
    view = "month" if request.GET.get("view") == "month" else "week"
    day = _date(request.GET.get("date") or (form or {}).get("day"))
    if view == "month":
        start, end = month_grid(day)
        prev_day = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        next_day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    else:
        start, end = week_of(day)
        prev_day, next_day = start - dt.timedelta(days=7), end
    days = venue_calendar(
        actor=request.user, venue=venue, start=start, end=end, month=day.month if view == "month" else None
    )
    return render(
        request,
        "web/venues/calendar.html",
        {
            "venue": venue,
            "rooms": list(venue.rooms.all()),
            "view": view,
            "day": day,
            "start": start,
            "last": end - dt.timedelta(days=1),
            "days": days,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "weekdays": WEEKDAYS,
            "prev_day": prev_day,
            "next_day": next_day,
            "today": timezone.localdate(),
            "plan": plan_state(venue=venue, month=day),
            "editor": can_edit(request.user, venue.area.path),
            "error": error,
            "form": form or {},
            "fmt": date_formats(),
        },
        status=status,
    )


@login_required
def venue_calendar_page(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get_for(actor=request.user, venue_id=venue_id)
    return _render(request, venue)


def _strict_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def plan_activity_add(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = selectors.venue_get_for(actor=request.user, venue_id=venue_id)
    post = request.POST
    try:
        day = _strict_date(post.get("day", ""))
        plans.plan_add_item(
            actor=request.user,
            venue=venue,
            item={
                "day": day,
                "start": _time(post.get("start", "")),
                "end": _time(post.get("end", "")),
                "title": post.get("title", ""),
                "room": parse_int(post.get("room")),
                "organiser": post.get("organiser", ""),
            },
        )
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        return _render(request, venue, status=status, error=error, form=post.dict())
    messages.success(request, _("活动已加入月度计划"))
    return redirect(f"{reverse('web:venue_calendar', args=[venue.pk])}?view=month&date={day}")
