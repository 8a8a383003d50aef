"""An activity's venue room on the pages: the room an organiser picks (only rooms venues lets
them book), and the organiser's reschedule and cancel of an activity (its booking moves or is
cancelled with it; a taken slot answers 409 with the room and slot named, nothing changed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.core.workflow import http_status_for
from quanyu.venues.models import Room
from quanyu.venues.selectors import bookable_rooms_for
from quanyu.volunteering import selectors, services
from quanyu.volunteering.services.rooms import KEEP


def offered_room(actor: Any, value: Any) -> Room | None:
    """The room chosen on a form ("" for none); one the actor may not book is a 400 on ``room``."""
    text = str(value or "").strip()
    if not text:
        return None
    room = bookable_rooms_for(actor).filter(pk=int(text)).first() if text.isdigit() else None
    if room is None:
        raise ValidationError({"room": [_("功能室不存在或您无权预约")]})
    return room


def _moment(value: Any, field: str) -> Any:
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        raise ValidationError({field: [_("请填写正确的时间")]})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
@require_POST
def activity_manage(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The organiser reschedules (time, room) or cancels the activity from its page."""
    activity = selectors.activity_organised_for(actor=request.user, activity_id=activity_id)
    back = reverse("web:volunteering_activity", args=[activity.pk])
    try:
        if request.POST.get("action") == "cancel":
            services.activity_cancel(
                actor=request.user, activity=activity, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("活动已取消，场地预约已一并取消"))
        else:
            choice = request.POST.get("room", "keep")
            room = KEEP if choice == "keep" else offered_room(request.user, choice)
            services.activity_reschedule(
                actor=request.user,
                activity=activity,
                starts_at=_moment(request.POST.get("starts_at"), "starts_at"),
                ends_at=_moment(request.POST.get("ends_at"), "ends_at"),
                room=room,
            )
            messages.success(request, _("活动已改期"))
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return render(
            request,
            "web/volunteering/refused.html",
            {"message": text, "back": back},
            status=http_status_for(exc) or 400,
        )
    return redirect(back)


def organiser_context(request: HttpRequest) -> dict[str, Any]:
    """What the activity page's reschedule form offers."""
    return {"rooms": bookable_rooms_for(request.user)[:300]}
