"""Build-and-handover projects across the departments: the list (current step, owning department,
deadline, late and supervised), and a project's steps with the form for the department that owns
the current step (note, a document, and at pre-sale the built areas) and the coordinators' cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.core.params import parse_int
from quanyu.core.permissions import grants_for, has_role
from quanyu.core.scoping import scope_q
from quanyu.orgs.models import Unit, UnitKind
from quanyu.venues import selectors
from quanyu.venues.access import COORDINATORS, READERS
from quanyu.venues.models import VenueKind, VenueProject
from quanyu.venues.project_steps import OPEN, is_late, may_act, may_cancel, project_steps
from quanyu.venues.services import projects
from quanyu.venues.states import ProjectStep
from quanyu.web.venues.views import PER_PAGE, _error_status

HANDLERS = READERS | {"department_handler"}


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, HANDLERS):
        raise PermissionDenied(_("此页面仅对相关工作人员开放"))
    step = request.GET.get("step") if request.GET.get("step") in ProjectStep.values else ""
    late_only = request.GET.get("late") == "1"
    qs = selectors.project_queryset_for(request.user)
    if step:
        qs = qs.filter(step=step)
    if late_only:
        qs = qs.filter(step__in=list(OPEN), step_due__lt=timezone.localdate())
    page = Paginator(qs.order_by("step_due", "id"), PER_PAGE).get_page(request.GET.get("page"))
    units = {
        u.pk: u.name
        for u in Unit.objects.filter(
            pk__in={p.owners.get(p.step) for p in page.object_list if isinstance(p.owners.get(p.step), int)}
        )
    }
    today = timezone.localdate()
    rows = [
        {
            "project": p,
            "owner": units.get(
                p.owners.get(p.step), _("街道、社区") if p.step == ProjectStep.HANDOVER else "—"
            ),
            "late": is_late(p, today),
            "supervised": p.supervised_step == p.step and p.step in OPEN,
        }
        for p in page.object_list
    ]
    return render(
        request,
        "web/venues/projects.html",
        {
            "page": page,
            "rows": rows,
            "steps": ProjectStep.choices,
            "step": step,
            "late": late_only,
            "coordinator": has_role(request.user, COORDINATORS),
        },
    )


def _detail(
    request: HttpRequest,
    project: VenueProject,
    *,
    status: int = 200,
    error: str = "",
    form: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "web/venues/project.html",
        {
            "project": project,
            "steps": project_steps(project),
            "late": is_late(project),
            "may_act": may_act(request.user, project),
            "may_cancel": may_cancel(request.user, project),
            "presale": project.step == ProjectStep.PRESALE,
            "error": error,
            "form": form or {},
        },
        status=status,
    )


def _coordinator_areas(request: HttpRequest) -> list[Area]:
    """Streets and communities (and districts) where the actor coordinates venue projects."""
    qs = Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY])
    if not request.user.is_superuser:
        paths = tuple(g.area.path for g in grants_for(request.user) if g.role in COORDINATORS)
        where = scope_q(paths, "path") if paths else Q(pk__in=[])
        qs = qs if where is None else qs.filter(where)
    return list(qs.order_by("path")[:500])


def _new_page(
    request: HttpRequest, *, status: int = 200, error: str = "", form: dict[str, Any] | None = None
) -> HttpResponse:
    if not has_role(request.user, COORDINATORS):
        raise PermissionDenied(_("您无权管理阵地建设项目"))
    return render(
        request,
        "web/venues/project_new.html",
        {
            "areas": _coordinator_areas(request),
            "kinds": VenueKind.choices,
            "departments": list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("name")[:200]),
            "steps": [
                (st, ProjectStep(st).label, (form or {}).get(f"owner_{st}", ""))
                for st in projects.DEPARTMENT_STEPS
            ],
            "error": error,
            "form": form or {},
        },
        status=status,
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """A coordinator (organisation department, admin) starts a project: the place, the planned
    areas and the owning department of each department step."""
    if request.method != "POST":
        return _new_page(request)
    post = request.POST
    try:
        area = next((a for a in _coordinator_areas(request) if str(a.pk) == post.get("area")), None)
        if area is None:
            raise ValidationError({"area": [_("请选择所属区域")]})
        made = projects.project_create(
            actor=request.user,
            name=post.get("name", ""),
            area=area,
            kind=post.get("kind", ""),
            owners={st: parse_int(post.get(f"owner_{st}")) or 0 for st in projects.DEPARTMENT_STEPS},
            planned_floor_area=post.get("planned_floor_area") or 0,
            planned_ground_floor_area=post.get("planned_ground_floor_area") or 0,
        )
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        return _new_page(request, status=status, error=error, form=post.dict())
    messages.success(request, _("建设项目已创建"))
    return redirect("web:venue_project", project_id=made.pk)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, project_id=project_id)
    return _detail(request, project)


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, project_id=project_id)
    post = request.POST
    try:
        if action == "complete":
            doc = (post.get("doc_name") or "").strip()
            projects.project_complete_step(
                actor=request.user,
                project=project,
                note=post.get("note", ""),
                documents=[{"name": doc, "url": post.get("doc_url", "")}] if doc else [],
                built_floor_area=post.get("built_floor_area") or None,
                built_ground_floor_area=post.get("built_ground_floor_area") or None,
            )
        elif action == "cancel":
            projects.project_cancel(actor=request.user, project=project, note=post.get("reason", ""))
        else:
            raise ValidationError({"action": [_("未知操作")]})
    except (ValidationError, PermissionDenied) as exc:
        status, error = _error_status(exc)
        project.refresh_from_db()
        return _detail(request, project, status=status, error=error, form=post.dict())
    messages.success(request, _("已完成"))
    return redirect("web:venue_project", project_id=project.pk)
