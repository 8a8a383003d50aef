"""三会一课 books a room (phone first): a community worker or branch secretary picks the branch,
the meeting's kind and topic, a room and the time; the booking goes through
``people.meeting_rooms.meeting_book_room`` (venues' booking service underneath). Below: the
branches' bookings the worker may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.params import parse_int
from quanyu.core.permissions import has_role
from quanyu.people.meeting_rooms import meeting_book_room
from quanyu.people.models import Meeting
from quanyu.venues import selectors
from quanyu.venues.access import EDITORS
from quanyu.venues.meetings import branch_bookings_for, meeting_branches_for
from quanyu.venues.states import VenueStatus
from quanyu.web.venues.views import _error_status


def parse_slot(post: Any) -> tuple[dt.datetime, dt.datetime]:
    """The form's day, start and end as aware datetimes; a 400 naming ``starts_at`` if unreadable."""
    try:
        day = dt.date.fromisoformat(post.get("day", ""))
        start = dt.datetime.combine(day, dt.time.fromisoformat(post.get("start", "")))
        end = dt.datetime.combine(day, dt.time.fromisoformat(post.get("end", "")))
    except ValueError:
        raise ValidationError({"starts_at": [_("请填写日期和时间")]}) from None
    return timezone.make_aware(start), timezone.make_aware(end)


def _page(
    request: HttpRequest, *, status: int = 200, error: str = "", form: dict[str, Any] | None = None
) -> HttpResponse:
    if not has_role(request.user, EDITORS):
        raise PermissionDenied(_("此页面仅对可为党支部预约场地的工作人员开放"))
    branches = list(meeting_branches_for(request.user)[:200])
    venues = list(
        selectors.venue_list_for(actor=request.user, filters={"status": VenueStatus.IN_USE}).prefetch_related(
            "rooms"
        )[:100]
    )
    return render(
        request,
        "web/venues/meetings.html",
        {
            "branches": branches,
            "venues": venues,
            "kinds": Meeting.Kind.choices,
            "booked": list(branch_bookings_for(actor=request.user)[:50]),
            "error": error,
            "form": form or {},
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@login_required
def meeting_book(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    post = request.POST
    try:
        branch = meeting_branches_for(request.user).filter(pk=parse_int(post.get("branch"))).first()
        if branch is None:
            raise ValidationError({"branch": [_("请选择党支部")]})
        room = selectors.room_get_for(actor=request.user, room_id=post.get("room"))
        start, end = parse_slot(post)
        meeting_book_room(
            actor=request.user,
            branch=branch,
            kind=post.get("kind", ""),
            topic=post.get("topic", ""),
            room_id=room.pk,
            starts_at=start,
            ends_at=end,
        )
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        return _page(request, status=status, error=error, form=post.dict())
    except Http404:  # no such room in the worker's sight: a form error, not a missing page
        return _page(request, status=400, error=_("请选择功能室"), form=post.dict())
    messages.success(request, _("已为支部会议预约场地"))
    return redirect("web:venue_meetings")
