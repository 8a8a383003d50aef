"""组织关系转接 pages: the requests asked into one's area (their status, never where the member
is) and, for the organisation department over both sides, the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.core.permissions import has_role
from quanyu.people import selectors
from quanyu.people.access import READERS
from quanyu.people.services.transfers import transfer_decide
from quanyu.people.states import TransferStatus

PER_PAGE = 50


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, READERS):
        raise PermissionDenied(_("此页面仅对相关工作人员开放"))
    status = request.GET.get("status", TransferStatus.REQUESTED)
    if status not in TransferStatus.values:
        status = ""
    page = Paginator(selectors.transfer_list_for(actor=request.user, status=status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "transfer": t,
            "origin": selectors.transfer_sees_origin(request.user, t),
            "may_decide": t.status == TransferStatus.REQUESTED
            and selectors.transfer_may_decide(request.user, t),
        }
        for t in page.object_list
    ]
    context = {"page": page, "rows": rows, "status": status, "statuses": TransferStatus.choices}
    return render(request, "web/people/transfers.html", context)


@login_required
@require_POST
def transfer_decide_view(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.transfer_get_for(actor=request.user, transfer_id=transfer_id)
    approve = request.POST.get("action") == "approve"
    try:
        transfer_decide(
            actor=request.user, transfer=transfer, approve=approve, note=request.POST.get("note", "")
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已同意转入") if approve else _("已退回转接申请"))
    return redirect("web:people_transfers")
