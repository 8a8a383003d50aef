"""A resident's own pages: "my requests" with each one's timeline, and the rating page reached by
a link that needs no account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quanyu.notify.selectors import notification_list_for
from quanyu.tickets import selectors, services
from quanyu.tickets.models import TicketEvent
from quanyu.web.tickets.forms import RatingForm, add_errors
from quanyu.web.tickets.views.actions import TICKET_ACTIONS
from quanyu.web.tickets.views.common import timeline_entry

MINE_PER_PAGE = 10


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    """我的诉求: the tickets the user submitted, newest first, each with its timeline."""
    tickets = (
        selectors.ticket_list_for(actor=request.user, filters={"mine": True})
        .filter(requester_id=request.user.pk)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TicketEvent.objects.select_related("whistle__department").order_by("at", "id"),
            )
        )
    )
    page = Paginator(tickets, MINE_PER_PAGE).get_page(request.GET.get("page"))
    rate = TICKET_ACTIONS["rate"]
    items = [
        {
            "ticket": t,
            "timeline": [timeline_entry(e) for e in t.events.all()],
            "can_rate": rate.offered(request.user, t),
        }
        for t in page.object_list
    ]
    requests_to_rate = list(
        notification_list_for(actor=request.user, unread_only=True).filter(kind="ticket_rate_request")[:5]
    )
    context = {
        "page": page,
        "items": items,
        "rate_item": {"action": rate, "form": RatingForm(), "open": True},
        "to_rate": requests_to_rate,
    }
    return render(request, "web/tickets/mine.html", context)


@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """评价: 满意 / 基本满意 / 不满意 and a comment, from the single-use link sent on resolution.
    A used or forged link is told so plainly and nothing is written."""
    form = RatingForm(request.POST or None)
    context = {"form": form, "token": token, "done": None, "link_error": ""}
    if request.method != "POST":
        state, _ticket = selectors.rating_link_state(token=token)
        if state == "used":
            context["link_error"] = _("该评价链接已使用，每次办结只能评价一次")
        elif state == "invalid":
            context["link_error"] = _("评价链接无效或已过期")
        return render(request, "web/tickets/rate.html", context)
    status = 400
    if form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        try:
            rating = services.ticket_rate(
                actor=actor,
                token=token,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied as exc:
            context["link_error"] = str(exc)
            status = 403
        except ValidationError as exc:
            token_errors = exc.message_dict.get("token") if hasattr(exc, "error_dict") else None
            if token_errors:
                context["link_error"] = "；".join(token_errors)
            else:
                add_errors(form, exc)
        else:
            context["done"] = rating
            status = 200
    return render(request, "web/tickets/rate.html", context, status=status)
