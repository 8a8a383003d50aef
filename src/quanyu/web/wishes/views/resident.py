"""A resident's and a claimant's own pages: post a wish, my wishes, my claims (progress, fulfil with
photos, release), my record (points and 双报到), and the photos of a wish one may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.core.downloads import xlsx_attachment
from quanyu.core.permissions import grants_for
from quanyu.core.roles import Role
from quanyu.orgs.models import Unit
from quanyu.people import selectors as people_selectors
from quanyu.web.wishes.forms import FulfilForm, NoteForm, WishForm, add_errors
from quanyu.web.wishes.views.common import page_of, status_of
from quanyu.wishes import access, exports, selectors, services
from quanyu.wishes.models import WishPhoto
from quanyu.wishes.states import ClaimStatus


def _fail(form: Any, exc: Exception) -> int:
    if isinstance(exc, ValidationError):
        add_errors(form, exc)
    else:
        form.add_error(None, str(exc))
    return status_of(exc)


def _home_community(user: Any) -> Area | None:
    """The community of the user's resident (or member) grant: the grant's own area, or the
    community above a grid or building."""
    for g in grants_for(user):
        if g.role not in access.POSTERS:
            continue
        path = g.area.path
        prefixes = [path[:i] for i in range(Area.steplen, len(path) + 1, Area.steplen)]
        found = Area.objects.filter(kind=AreaKind.COMMUNITY, path__in=prefixes).first()
        if found is not None:
            return found
    return None


@login_required
@require_http_methods(["GET", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    """我要许愿: a resident's wish for the home community, from a phone."""
    community = _home_community(request.user)
    form = WishForm(request.POST or None, request.FILES or None)
    status = 200
    if community is None:
        raise PermissionDenied(_("只有本社区居民可以发布心愿"))
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.wish_submit(
                    actor=request.user,
                    community=community,
                    kind=d["kind"],
                    text=d["text"],
                    estimated_value=d["estimated_value"],
                    wanted_by=d["wanted_by"],
                    contact_phone=d["contact_phone"],
                    address_detail=d["address_detail"],
                    photos=d["photos"],
                )
            except (ValidationError, PermissionDenied) as exc:
                status = _fail(form, exc)
            else:
                return redirect("web:wish_mine")
    return render(request, "web/wishes/new.html", {"form": form, "community": community}, status=status)


@login_required
def wish_mine(request: HttpRequest) -> HttpResponse:
    """我的心愿: the wishes the user posted, each with its state and the steps open to the wisher."""
    page = page_of(request, selectors.my_wishes(actor=request.user))
    return render(request, "web/wishes/mine.html", {"page": page})


CLAIM_STEPS = {"progress": NoteForm, "release": NoteForm, "fulfil": FulfilForm}


def _claims_page(
    request: HttpRequest, *, failed: int | None = None, form: Any = None, status: int = 200
) -> HttpResponse:
    claims = selectors.claim_list_for(actor=request.user)
    page = page_of(request, claims)
    items = []
    for c in page.object_list:
        active = c.status == ClaimStatus.ACTIVE
        forms = {
            step: (form if failed == c.pk and isinstance(form, cls) else cls())
            for step, cls in CLAIM_STEPS.items()
        }
        items.append({"claim": c, "active": active, "forms": forms, "failed": failed == c.pk})
    return render(
        request, "web/wishes/claims.html", {"page": page, "items": items, "form": form}, status=status
    )


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """我认领的心愿: the claims the user holds (as a member, a unit's contact or for a team)."""
    return _claims_page(request)


@login_required
@require_POST
def claim_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in CLAIM_STEPS:
        raise Http404
    claim = selectors.claim_get_for(actor=request.user, claim_id=pk)
    form = CLAIM_STEPS[step](request.POST, request.FILES or None)
    if not form.is_valid():
        return _claims_page(request, failed=claim.pk, form=form, status=400)
    d = form.cleaned_data
    try:
        if step == "progress":
            services.wish_claim_progress(actor=request.user, claim=claim, note=d["note"])
        elif step == "release":
            services.wish_claim_release(actor=request.user, claim=claim, note=d["note"])
        else:
            services.wish_fulfil(actor=request.user, claim=claim, note=d["note"], photos=d["photos"])
    except (ValidationError, PermissionDenied) as exc:
        status = _fail(form, exc)
        return _claims_page(request, failed=claim.pk, form=form, status=status)
    return redirect("web:wish_claims")


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """我的记录: wishes fulfilled this year, the points they earned and the 双报到 reports."""
    year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    member = access.member_of(request.user)
    context: dict[str, Any] = {"year": year, "member": member, "units": []}
    if member is not None:
        context["record"] = selectors.member_wish_record(member=member, year=year)
        context["points"] = people_selectors.balance(member=member, year=year)
        context["entries"] = list(
            people_selectors.ledger_for(actor=request.user, member=member, year=year).filter(
                rule__code="wish_fulfilled"
            )[:50]
        )
    unit_ids = {
        g.unit_id for g in grants_for(request.user) if g.unit_id and g.role != Role.DEPARTMENT_HANDLER
    }
    for unit in Unit.objects.filter(pk__in=unit_ids):
        context["units"].append((unit, selectors.unit_wish_record(unit=unit, year=year)))
    return render(request, "web/wishes/record.html", context)


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of a wish, for those who may see the wish (staff in scope, the wisher) or hold a claim
    on it; never public (faces and doors)."""
    found = WishPhoto.objects.filter(pk=pk).select_related("wish").first()
    if found is None:
        raise Http404
    holder = selectors.claim_list_for(actor=request.user).filter(wish_id=found.wish_id).exists()
    if not holder:
        selectors.wish_get_for(actor=request.user, wish_id=found.wish_id)
    return FileResponse(found.image.open("rb"), content_type="image/jpeg")


@login_required
def claims_export(request: HttpRequest) -> HttpResponse:
    """My claims as xlsx."""
    claims = selectors.claim_list_for(actor=request.user)
    return xlsx_attachment(lambda t: exports.claims_export(claims=claims, target=t), "wish-claims.xlsx")
