"""Pages of the whole-area registry: the workbench, the area tree with its map, the
party-organisation tree and the unit register. Thin: parse, call a selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanyu.accounts.models import User
from quanyu.areas import selectors as areas
from quanyu.areas.models import AreaKind
from quanyu.core.permissions import has_role
from quanyu.core.roles import STAFF_ROLES, Role
from quanyu.orgs import selectors as orgs
from quanyu.orgs.models import UnitKind
from quanyu.people import selectors as people
from quanyu.web.htmx import is_htmx
from quanyu.web.nav import nav_for
from quanyu.web.registry.resources import grid_resources
from quanyu.web.todo import todos_for

UNITS_PER_PAGE = 20


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and holding an office role; residents and members get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(request.user, STAFF_ROLES):
            raise PermissionDenied(_("此页面仅对工作人员开放"))
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    context: dict[str, Any] = {"grant": getattr(user, "primary_grant", None)}
    todos = todos_for(user)
    context["todos"] = [item for item in todos if not item.figure]
    context["key_figures"] = [item for item in todos if item.figure]
    if user.roles and user.roles <= {Role.DEPARTMENT_HANDLER} and not user.is_superuser:
        context["workbench"] = "department"
        context["units"] = [g.unit for g in user.active_grants if g.unit is not None]
        context["links"] = [e for e in nav_for(user, url_name=None) if e.key != "home"]
    elif has_role(user, STAFF_ROLES):
        context["workbench"] = "staff"
        context["counts"] = {
            **areas.area_scope_counts_for(actor=user),
            **orgs.party_org_and_unit_counts_for(actor=user),
        }
        context["roots"] = areas.area_children_for(actor=user, area=None)
        context["links"] = [e for e in nav_for(user, url_name=None) if e.key != "home"]
    elif user.roles:
        context["workbench"] = "resident"
        context["roots"] = areas.area_children_for(actor=user, area=None)
        context["party_orgs"] = orgs.party_org_roots_for(actor=user)
        context["own_units"] = [g.unit for g in user.active_grants if g.unit is not None]
    else:
        context["workbench"] = "none"
    return render(request, "web/home.html", context)


@staff_required
def area_index(request: HttpRequest) -> HttpResponse:
    roots = areas.area_children_for(actor=request.user, area=None)
    if len(roots) == 1:
        return redirect("web:area_detail", area_id=roots[0].pk)
    return render(request, "web/areas/detail.html", {"area": None, "breadcrumb": [], "children": roots})


@staff_required
def area_detail(request: HttpRequest, area_id: int) -> HttpResponse:
    area = areas.area_get_for(actor=request.user, area_id=area_id)
    context = {
        "area": area,
        "breadcrumb": areas.area_breadcrumb_for(actor=request.user, area=area),
        "children": areas.area_children_for(actor=request.user, area=area),
        "figures": areas.area_figures_for(actor=request.user, area=area),
        "resources": grid_resources(actor=request.user, grid=area) if area.kind == AreaKind.GRID else None,
    }
    return render(request, "web/areas/detail.html", context)


@staff_required
def area_geojson(request: HttpRequest, area_id: int | None = None) -> JsonResponse:
    area = None if area_id is None else areas.area_get_for(actor=request.user, area_id=area_id)
    collection = areas.area_features_for(actor=request.user, area=area)
    return JsonResponse(
        collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )


@staff_required
def org_tree(request: HttpRequest) -> HttpResponse:
    roots = orgs.party_org_roots_for(actor=request.user)
    children = orgs.party_org_children_for(actor=request.user, orgs=roots)
    for root in roots:
        root.loaded_children = children[root.pk]  # type: ignore[attr-defined]
    _count_registered(request.user, [*roots, *(c for kids in children.values() for c in kids)])
    return render(request, "web/orgs/tree.html", {"nodes": roots})


def _count_registered(actor: Any, nodes: list[Any]) -> None:
    """Each node's members in the register (``registered``), beside the figure it declared."""
    counts = people.registered_member_counts(actor=actor, orgs=nodes)
    for node in nodes:
        node.registered = counts.get(node.pk)


@staff_required
def org_children(request: HttpRequest, org_id: int) -> HttpResponse:
    org = orgs.party_org_get_for(actor=request.user, org_id=org_id)
    nodes = orgs.party_org_children_for(actor=request.user, orgs=[org])[org.pk]
    _count_registered(request.user, nodes)
    return render(request, "web/orgs/_nodes.html", {"nodes": nodes})


@staff_required
def unit_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")
    if kind not in UnitKind.values:
        kind = ""
    units = orgs.unit_search_for(actor=request.user, text=text, kind=kind)
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "q": text, "kind": kind, "kinds": UnitKind.choices}
    partial = is_htmx(request)
    response = render(request, "web/units/_results.html" if partial else "web/units/list.html", context)
    response["Vary"] = "HX-Request"
    return response
