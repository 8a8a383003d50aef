"""The ticket page (whole timeline, whistles, photos, deadlines, the user's actions), the action
endpoints (one form, one service call each) and the scoped photo download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanyu.analytics.ticket_replies import may_see_reply_quality, ticket_reply_scores
from quanyu.core.permissions import has_role
from quanyu.core.workflow.http import http_status_for
from quanyu.tickets import selectors
from quanyu.tickets.models import Ticket, Whistle
from quanyu.tickets.services.window import is_window_item
from quanyu.tickets.similar import similar_open_tickets
from quanyu.tickets.states import TicketStatus
from quanyu.web.tickets.forms import add_errors
from quanyu.web.tickets.views.actions import (
    RATING_ACTIONS,
    TICKET_ACTIONS,
    WHISTLE_ACTIONS,
    Action,
    offered_rating_actions,
    offered_ticket_actions,
    offered_whistle_actions,
    rating_link_message,
)
from quanyu.web.tickets.views.common import WINDOW_ROLES, is_htmx, safe_next, timeline_entry


def _whistle_of(ticket: Ticket, whistle_id: int) -> Whistle:
    for whistle in ticket.whistles.all():
        if whistle.pk == whistle_id:
            return whistle
    raise Http404


def detail_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: tuple[str, int | None, Any] | None = None,
    bound_rating: tuple[str, int, Any] | None = None,
    error: str = "",
) -> dict[str, Any]:
    """Everything the ticket page shows; ``bound`` = (action, whistle id or None, bound form) and
    ``bound_rating`` = (action, rating id, bound form) put a failed form back in its place, open,
    with its errors."""
    actor = request.user
    ticket_actions = []
    offered = offered_ticket_actions(actor, ticket)
    if bound and bound[1] is None and all(a.key != bound[0] for a in offered):
        offered.append(TICKET_ACTIONS[bound[0]])  # refused by the service: show why, in its form
    for action in offered:
        form = (
            bound[2]
            if bound and bound[0] == action.key and bound[1] is None
            else action.build(ticket, actor=actor)
        )
        ticket_actions.append({"action": action, "form": form, "open": bool(bound and form is bound[2])})
    whistles = []
    for whistle in ticket.whistles.all():
        items = []
        offered_w = offered_whistle_actions(actor, whistle)
        if bound and bound[1] == whistle.pk and all(a.key != bound[0] for a in offered_w):
            offered_w.append(WHISTLE_ACTIONS[bound[0]])
        for action in offered_w:
            is_bound = bool(bound and bound[0] == action.key and bound[1] == whistle.pk)
            form = bound[2] if is_bound and bound else action.build(whistle, actor=actor)
            items.append({"action": action, "form": form, "open": is_bound})
        whistles.append({"w": whistle, "actions": items})
    ratings = []
    for rating in selectors.ticket_ratings(ticket=ticket):
        rating.ticket = ticket  # the loaded ticket (with its whistles) decides what is offered
        offered_r = offered_rating_actions(actor, rating)
        is_bound_r = bool(bound_rating and bound_rating[1] == rating.pk)
        if bound_rating and is_bound_r and all(a.key != bound_rating[0] for a in offered_r):
            offered_r.append(RATING_ACTIONS[bound_rating[0]])
        r_items = []
        for action in offered_r:
            this = bool(bound_rating and is_bound_r and bound_rating[0] == action.key)
            form = bound_rating[2] if this and bound_rating else action.build(rating, actor=actor)
            url = reverse("web:rating_action", args=[ticket.pk, rating.pk, action.key])
            r_items.append({"action": action, "form": form, "open": this, "url": url})
        ratings.append({"r": rating, "actions": r_items})
    photos = list(ticket.photos.all())
    awaiting = ticket.materials_notice_at is not None
    may_merge = any(a.key == "merge" for a in offered)
    return {
        "similar": similar_open_tickets(actor=actor, ticket=ticket) if may_merge else [],
        "reply_quality": ticket_reply_scores(ticket) if may_see_reply_quality(actor, ticket) else [],
        "awaiting_materials": awaiting,
        "missing_materials": ticket.missing_materials if awaiting else [],
        "desk_links": awaiting
        and is_window_item(ticket)
        and has_role(actor, WINDOW_ROLES, at_path=ticket.area_path),
        "ticket": ticket,
        "timeline": [timeline_entry(e) for e in selectors.ticket_timeline(ticket=ticket)],
        "ratings": ratings,
        "whistles": whistles,
        "has_whistle_actions": any(item["actions"] for item in whistles),
        "report_photos": [p for p in photos if p.kind == "report"],
        "result_photos": [p for p in photos if p.kind == "result"],
        "actions": ticket_actions,
        "action_error": error,
        "is_final": ticket.status in (TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED),
    }


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    return render(request, "web/tickets/detail.html", detail_context(request, ticket))


def _perform(
    request: HttpRequest,
    ticket: Ticket,
    action: Action,
    target: Any,
    whistle_id: int | None,
    rating_id: int | None = None,
) -> HttpResponse:
    """GET: the action's form alone (htmx loads it into a card). POST: bind, call the one service,
    then back to the page; refused or invalid → the page again with the form and its errors."""
    url = reverse("web:rating_action", args=[ticket.pk, rating_id, action.key]) if rating_id else ""
    if request.method == "GET":
        return render(
            request,
            "web/tickets/_action_form.html",
            {
                "ticket": ticket,
                "item": {
                    "action": action,
                    "form": action.build(target, actor=request.user),
                    "open": True,
                    "url": url,
                },
                "whistle_id": whistle_id,
                "next": safe_next(request, ""),
            },
        )
    form = action.build(target, request.POST, request.FILES, actor=request.user)
    status = 400
    error = ""
    if not form.is_valid() and not action.offered(request.user, target):
        # The choices are the user's own (none when they may not act): say "not allowed".
        status, error = 403, _("您没有执行此操作的权限")
    elif form.is_valid():
        try:
            result = action.run(request.user, target, form.cleaned_data)
        except PermissionDenied as exc:
            status, error = 403, str(exc) or _("您没有执行此操作的权限")
        except ValidationError as exc:  # 400, or 409 for a step the ticket's state no longer allows
            status = http_status_for(exc) or 400
            add_errors(form, exc)
        else:
            message = str(action.done)
            if action.key == "rating_link" and isinstance(result, str):
                message = f"{message} {rating_link_message(result)}"
            messages.success(request, message)
            default = reverse("web:ticket_detail", args=[ticket.pk])
            return redirect(safe_next(request, default))
    if is_htmx(request):
        context = {
            "ticket": ticket,
            "item": {"action": action, "form": form, "open": True, "url": url},
            "whistle_id": whistle_id,
            "action_error": error,
            "next": safe_next(request, ""),
        }
        return render(request, "web/tickets/_action_form.html", context, status=status)
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket.pk)
    if rating_id:
        context = detail_context(request, ticket, bound_rating=(action.key, rating_id, form), error=error)
    else:
        context = detail_context(request, ticket, bound=(action.key, whistle_id, form), error=error)
    return render(request, "web/tickets/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    spec = TICKET_ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    return _perform(request, ticket, spec, ticket, None)


@login_required
@require_http_methods(["GET", "POST"])
def whistle_action(request: HttpRequest, ticket_id: int, whistle_id: int, action: str) -> HttpResponse:
    spec = WHISTLE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    whistle = _whistle_of(ticket, whistle_id)
    return _perform(request, ticket, spec, whistle, whistle_id)


@login_required
@require_http_methods(["GET", "POST"])
def rating_action(request: HttpRequest, ticket_id: int, rating_id: int, action: str) -> HttpResponse:
    """Appeal a rating (the department) or decide the appeal (the street)."""
    spec = RATING_ACTIONS.get(action)
    if spec is None:
        raise Http404
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    rating = next((r for r in selectors.ticket_ratings(ticket=ticket) if r.pk == rating_id), None)
    if rating is None:
        raise Http404
    rating.ticket = ticket
    return _perform(request, ticket, spec, rating, None, rating_id)


@login_required
def ticket_photo(request: HttpRequest, ticket_id: int, photo_id: int) -> FileResponse:
    """A ticket's photo, only for those who may see the ticket (photos are not public media)."""
    ticket = selectors.ticket_get_for(actor=request.user, ticket_id=ticket_id)
    photo = next((p for p in ticket.photos.all() if p.pk == photo_id), None)
    if photo is None or not photo.image:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
