"""Community staff's pages: the wishes of their subtree (the review queue first), posting on behalf
of a vulnerable resident, and a wish's page with the steps open to the viewer (staff or wisher)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quanyu.core.downloads import xlsx_attachment
from quanyu.core.permissions import has_role
from quanyu.people import selectors as people_selectors
from quanyu.people.selectors import ResidentFilters
from quanyu.volunteering.selectors import team_list_for
from quanyu.web.wishes.forms import (
    ApproveForm,
    BehalfForm,
    ConfirmForm,
    ReasonForm,
    ReassignForm,
    ResolveForm,
    ThankForm,
    add_errors,
)
from quanyu.web.wishes.views.common import choice_arg, int_arg, offers_for, page_of, status_of
from quanyu.wishes import access, exports, figures, selectors, services
from quanyu.wishes.models import Wish
from quanyu.wishes.states import WishStatus

STEP_FORMS: dict[str, Any] = {
    "approve": ApproveForm,
    "reject": ReasonForm,
    "cancel": ReasonForm,
    "confirm": ConfirmForm,
    "dispute": ReasonForm,
    "resolve": ResolveForm,
    "thank": ThankForm,
}


def _require_staff(user: Any) -> None:
    if not has_role(user, access.STAFF):
        raise PermissionDenied


def _managed(request: HttpRequest) -> tuple[str, selectors.WishFilters, QuerySet[Wish]]:
    status = request.GET.get("status", WishStatus.SUBMITTED)
    status = (
        "" if status == "all" else choice_arg(request, "status", WishStatus.values) or WishStatus.SUBMITTED
    )
    filters = selectors.WishFilters(
        status=status, community=int_arg(request, "community"), q=request.GET.get("q", "")[:50]
    )
    qs = selectors.wish_list_for(actor=request.user, filters=filters)
    qs = qs.filter(pk__in=selectors.staff_wish_ids(actor=request.user))
    return status, filters, qs


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """心愿管理: the wishes of the staff member's subtree, the review queue by default."""
    _require_staff(request.user)
    status, filters, qs = _managed(request)
    page = page_of(request, qs)
    context = {"page": page, "status": status or "all", "statuses": WishStatus.choices, "q": filters.q}
    return render(request, "web/wishes/manage.html", context)


def _behalf_form(request: HttpRequest) -> BehalfForm:
    form = BehalfForm(request.POST or None, request.FILES or None)
    residents = people_selectors.resident_list_for(actor=request.user, filters=ResidentFilters())
    tagged = residents.exclude(tags="").filter(anonymised=False).select_related("community")[:500]
    cast(forms.ChoiceField, form.fields["resident"]).choices = [
        (r.pk, f"{r.name}（{r.community.name}）") for r in tagged
    ]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def behalf(request: HttpRequest) -> HttpResponse:
    """代为登记: staff post a wish for a resident with a protected tag (空巢老人, 留守儿童 …)."""
    _require_staff(request.user)
    form = _behalf_form(request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            resident = people_selectors.resident_list_for(actor=request.user).filter(pk=d["resident"]).first()
            try:
                if resident is None:
                    raise ValidationError({"resident": _("不存在或不在您的管辖范围内")})
                wish = services.wish_submit_on_behalf(
                    actor=request.user,
                    resident=resident,
                    kind=d["kind"],
                    text=d["text"],
                    estimated_value=d["estimated_value"],
                    wanted_by=d["wanted_by"],
                    shares=d["shares"],
                    photos=d["photos"],
                )
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    add_errors(form, exc)
                else:
                    form.add_error(None, str(exc))
                status = status_of(exc)
            else:
                return redirect("web:wish_detail", pk=wish.pk)
    return render(request, "web/wishes/behalf.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest, wish: Wish, *, failed: str = "", form: Any = None, status: int = 200
) -> HttpResponse:
    offers = offers_for(request.user, wish)
    forms = {o.step: (form if o.step == failed else STEP_FORMS[o.step]()) for o in offers}
    staff = access.is_staff_at(request.user, wish)
    context = {
        "wish": wish,
        "identity": selectors.wisher_identity(actor=request.user, wish=wish),
        "claims": list(selectors.claims_of(wish=wish)),
        "photos": list(wish.photos.all()),
        "timeline": list(selectors.wish_timeline(wish=wish)),
        "offers": [(o, forms[o.step]) for o in offers],
        "failed": failed,
        "staff": staff,
        "reassign_form": reassign_form(request.user) if staff else None,
    }
    return render(request, "web/wishes/detail.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.wish_get_for(actor=request.user, wish_id=pk))


@login_required
@require_POST
def wish_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        raise Http404
    wish = selectors.wish_get_for(actor=request.user, wish_id=pk)
    form = STEP_FORMS[step](request.POST)
    if not form.is_valid():
        return _detail(request, wish, failed=step, form=form, status=400)
    d = form.cleaned_data
    actor = request.user
    try:
        if step == "approve":
            services.wish_approve(actor=actor, wish=wish, public_text=d["public_text"], shares=d["shares"])
        elif step == "reject":
            services.wish_reject(actor=actor, wish=wish, reason=d["reason"])
        elif step == "cancel":
            services.wish_cancel(actor=actor, wish=wish, reason=d["reason"])
        elif step == "confirm":
            services.wish_confirm(actor=actor, wish=wish, by_phone=d["by_phone"], note=d["note"])
        elif step == "dispute":
            services.wish_dispute(actor=actor, wish=wish, reason=d["reason"])
        elif step == "resolve":
            services.wish_resolve(actor=actor, wish=wish, upheld=d["upheld"], note=d["note"])
        else:
            services.wish_thank(actor=actor, wish=wish, text=d["text"])
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, ValidationError):
            add_errors(form, exc)
        else:
            form.add_error(None, str(exc))
        wish.refresh_from_db()
        return _detail(request, wish, failed=step, form=form, status=status_of(exc))
    return redirect("web:wish_detail", pk=wish.pk)


def reassign_form(user: Any, data: Any = None) -> ReassignForm:
    """The reassign form, offering the volunteer teams of the staff member's area."""
    form = ReassignForm(data)
    choices = [(t.pk, t.name) for t in team_list_for(actor=user)]
    cast(forms.ChoiceField, form.fields["team"]).choices = choices
    return form


@login_required
@require_POST
def claim_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff hand a claim to a volunteer team of their area (members and units: through the API)."""
    claim = selectors.claim_get_for(actor=request.user, claim_id=pk)
    wish = selectors.wish_get_for(actor=request.user, wish_id=claim.wish_id)
    form = reassign_form(request.user, request.POST)
    if not form.is_valid():
        return _detail(request, wish, status=400)
    try:
        services.wish_claim_reassign(
            actor=request.user,
            claim=claim,
            reason=form.cleaned_data["reason"],
            team=team_list_for(actor=request.user).filter(pk=form.cleaned_data["team"]).first(),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, wish, status=status_of(exc))
    return redirect("web:wish_detail", pk=wish.pk)


@login_required
def manage_export(request: HttpRequest) -> HttpResponse:
    """The desk's list (its filters) as xlsx, the wisher's name masked."""
    _require_staff(request.user)
    _status, _filters, qs = _managed(request)
    return xlsx_attachment(
        lambda t: exports.wishes_export(actor=request.user, wishes=qs, target=t), "wishes.xlsx"
    )


def _date_arg(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    """心愿排行: members, units and communities by wishes realised in a period (the staff scope)."""
    _require_staff(request.user)
    today = timezone.localdate()
    start = _date_arg(request, "start", today.replace(month=1, day=1))
    end = max(start, _date_arg(request, "end", today))
    by = choice_arg(request, "by", list(figures.RANK_BY)) or "member"
    rows = figures.ranking(actor=request.user, by=by, start=start, end=end)
    context = {"rows": rows, "by": by, "start": start, "end": end, "choices": figures.RANK_BY}
    return render(request, "web/wishes/rankings.html", context)
