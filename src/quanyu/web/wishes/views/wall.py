"""The public wall (phone first, no log-in to read) and claiming from it in two taps."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.core.downloads import xlsx_attachment
from quanyu.core.permissions import grants_for
from quanyu.orgs.models import Unit
from quanyu.web.wishes.forms import ClaimForm, add_errors
from quanyu.web.wishes.views.common import STATES, choice_arg, int_arg, page_of, status_of
from quanyu.wishes import access, exports, selectors, services
from quanyu.wishes.models import WishKind


def _unit_choices(user) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    ids = [g.unit_id for g in grants_for(user) if g.unit_id]
    return [(u.pk, u.name) for u in Unit.objects.filter(pk__in=ids).order_by("name")]


def claim_form(user, data=None) -> ClaimForm:  # type: ignore[no-untyped-def]
    form = ClaimForm(data)
    cast(forms.ChoiceField, form.fields["unit"]).choices = [("", "—"), *_unit_choices(user)]
    teams = [(t.pk, t.name) for t in selectors.claimable_teams(actor=user)]
    cast(forms.ChoiceField, form.fields["team"]).choices = [("", "—"), *teams]
    return form


def _filters(request: HttpRequest) -> selectors.WallFilters:
    return selectors.WallFilters(
        community=int_arg(request, "community"),
        street=int_arg(request, "street"),
        kind=choice_arg(request, "kind", WishKind.values),
        state=choice_arg(request, "state", STATES),
        q=request.GET.get("q", "")[:50],
    )


def wall_export(request: HttpRequest) -> HttpResponse:
    """The wall (with the page's filters) as xlsx: the public fields only."""
    wishes = selectors.wall_list(filters=_filters(request))
    return xlsx_attachment(lambda t: exports.wall_export(wishes=wishes, target=t), "wish-wall.xlsx")


def wall(request: HttpRequest) -> HttpResponse:
    """心愿墙: published wishes of a community or a street, with search and filters."""
    filters = _filters(request)
    page = page_of(request, selectors.wall_list(filters=filters))
    areas = (
        Area.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY])
        .only("id", "name", "kind")
        .order_by("path")
    )
    context = {
        "page": page,
        "rows": [selectors.wall_row(w) for w in page.object_list],
        "filters": filters,
        "streets": [a for a in areas if a.kind == AreaKind.STREET],
        "communities": [a for a in areas if a.kind == AreaKind.COMMUNITY],
        "kinds": WishKind.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "web/wishes/wall.html", context)


def wall_detail(
    request: HttpRequest, pk: int, form: ClaimForm | None = None, status: int = 200
) -> HttpResponse:
    wish = selectors.wall_get(wish_id=pk)
    can_claim = request.user.is_authenticated and wish.status == "published"
    context = {
        "row": selectors.wall_row(wish),
        "form": form or (claim_form(request.user) if can_claim else None),
        "is_member": access.member_of(request.user) is not None,
    }
    return render(request, "web/wishes/wall_detail.html", context, status=status)


@login_required
@require_POST
def wall_claim(request: HttpRequest, pk: int) -> HttpResponse:
    wish = selectors.wall_get(wish_id=pk)
    form = claim_form(request.user, request.POST)
    if not form.is_valid():
        return wall_detail(request, pk, form=form, status=400)
    d = form.cleaned_data
    unit = Unit.objects.filter(pk=d["unit"]).first() if d.get("unit") else None
    team = (
        selectors.claimable_teams(actor=request.user).filter(pk=d["team"]).first() if d.get("team") else None
    )
    try:
        services.wish_claim(
            actor=request.user,
            wish=wish,
            claimant_kind=d["claimant_kind"],
            unit=unit,
            team=team,
            shares=d["shares"],
        )
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            form.add_error(None, str(exc) or "forbidden")
        else:
            add_errors(form, exc)
        return wall_detail(request, pk, form=form, status=status_of(exc))
    return redirect("web:wish_claims")
