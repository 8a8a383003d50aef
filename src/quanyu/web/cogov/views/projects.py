"""Secretary-led projects (书记领办) and the community-affairs admission list (社区事务准入制): lists
with xlsx export, a project's page with its milestones, reviews and steps, the admission page with
the list, the pushes and the refusals per department."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from quanyu.areas.models import Area
from quanyu.cogov import selectors, services
from quanyu.cogov.access import actor_unit_ids, is_keeper
from quanyu.cogov.models import Milestone, Rating, ReviewKind, SecretaryProject
from quanyu.cogov.services import _input
from quanyu.cogov.states import AdmissionStatus, ProjectStatus
from quanyu.core.downloads import xlsx_attachment
from quanyu.core.spreadsheets import append_row
from quanyu.orgs.models import Unit
from quanyu.web.cogov.views.common import PER_PAGE, int_or_none, run_step

SCHEDULE = {"done": _l("已完成"), "behind": _l("滞后"), "on_track": _l("正常")}


def _xlsx(title: str, header: list[str], rows: Iterable[list[Any]], filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        append_row(sheet, row)
    return xlsx_attachment(book.save, filename)


def _project_filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", "")
    year = int_or_none(request.GET.get("year"))
    return {
        "status": status if status in ProjectStatus.values else None,
        "year": year if year and 2000 <= year <= 2100 else None,
    }


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filters = _project_filters(request)
    page = Paginator(selectors.project_list_for(actor=request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(p, SCHEDULE[services.projects.schedule_status(p, today)]) for p in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "statuses": ProjectStatus.choices,
        "status": filters["status"] or "",
        "year": filters["year"] or "",
    }
    return render(request, "web/cogov/projects.html", context)


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        [
            p.year,
            p.area.name,
            p.title,
            p.secretary.get_full_name() or p.secretary.get_username(),
            p.get_status_display(),
            str(SCHEDULE[services.projects.schedule_status(p, today)]),
            p.get_final_rating_display(),
        ]
        for p in selectors.project_list_for(actor=request.user, **_project_filters(request))
    )
    header = [_("年度"), _("街道/社区"), _("项目名称"), _("领办书记"), _("状态"), _("进度"), _("终评等次")]
    return _xlsx(_("书记领办项目"), header, rows, "secretary-projects.xlsx")


def _project_page(
    request: HttpRequest, project: SecretaryProject, error: str = "", status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "p": project,
        "milestones": [(m, m.is_late(today)) for m in project.milestones.all()],
        "reviews": list(project.reviews.all()),
        "schedule": SCHEDULE[services.projects.schedule_status(project, today)],
        "reviewer": services.projects.is_reviewer(request.user, project),
        "secretary": services.projects.is_secretary(request.user, project),
        "kinds": [
            (k, ReviewKind(k).label)
            for k in (ReviewKind.QUARTERLY, ReviewKind.HALF_YEAR, ReviewKind.RECTIFICATION, ReviewKind.FINAL)
        ],
        "ratings": Rating.choices,
        "history": _history(project),
        "error": error,
    }
    return render(request, "web/cogov/project.html", context, status=status)


EVENT_LABELS = {"created": _l("立项"), "milestone_done": _l("节点完成"), "cancelled": _l("撤销")}


def _history(project: SecretaryProject) -> list[dict[str, Any]]:
    """The project's events as the page shows them: what happened, by whom, and its detail (the
    milestone, the grade, the rectification deadline, the reason)."""
    ratings, reviews = dict(Rating.choices), dict(ReviewKind.choices)
    rows = []
    for e in selectors.project_timeline(project=project):
        p = e.payload or {}
        known = EVENT_LABELS.get(e.kind) or reviews.get(e.kind)
        label = str(known) if known else e.kind
        detail = [str(p["milestone"])] if p.get("milestone") else []
        if p.get("rating"):
            detail.append(str(ratings.get(p["rating"], p["rating"])))
        if p.get("deadline"):
            detail.append(_("整改期限 %(d)s") % {"d": p["deadline"]})
        if p.get("note"):
            detail.append(str(p["note"]))
        rows.append(
            {"at": e.at, "kind": e.kind, "label": label, "actor": e.actor_name, "detail": " · ".join(detail)}
        )
    return rows


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_page(request, selectors.project_get_for(actor=request.user, project_id=project_id))


def _milestone(project: SecretaryProject, value: Any) -> Milestone:
    found = project.milestones.filter(pk=int_or_none(value) or 0).first()
    if found is None:
        raise ValidationError({"milestone": _("请选择节点")})
    return found


@login_required
@require_POST
def project_step(request: HttpRequest, project_id: int, step: str) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, project_id=project_id)
    p = request.POST
    actor = request.user
    svc = services.projects
    steps = {
        "milestone": lambda: svc.milestone_done(
            actor=actor, milestone=_milestone(project, p.get("milestone"))
        ),
        "review": lambda: svc.project_review(
            actor=actor,
            project=project,
            kind=p.get("kind", ""),
            comment=p.get("comment", ""),
            rating=p.get("rating", ""),
            deadline=_input.date(p.get("deadline"), "deadline", _("整改期限"))
            if p.get("kind") == ReviewKind.RECTIFICATION
            else None,
        ),
        "rectified": lambda: svc.project_rectified(actor=actor, project=project, note=p.get("note", "")),
        "cancel": lambda: svc.project_cancel(actor=actor, project=project, reason=p.get("reason", "")),
    }
    if step not in steps:
        return _project_page(request, project, _("未知操作"), 400)
    return run_step(
        request,
        steps[step],
        done=_("已保存"),
        success_url=reverse("web:cogov_project", args=[project.pk]),
        again=lambda error, status: _project_page(request, project, error, status),
    )


# --- admission ------------------------------------------------------------------------------------


def _departments(request: HttpRequest) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=actor_unit_ids(request.user)).order_by("name"))


def _admission_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    state = request.GET.get("status", "")
    pushes = selectors.admission_request_list_for(
        actor=request.user, status=state if state in AdmissionStatus.values else None
    )
    departments = _departments(request)
    page = Paginator(pushes, PER_PAGE).get_page(request.GET.get("page"))
    deciders = {
        r.pk
        for r in page.object_list
        if r.status == AdmissionStatus.PENDING
        and is_keeper(request.user, services.admission.district_of(r.community))
    }
    context = {
        "items": list(selectors.admission_item_list_for(actor=request.user)[:500]),
        "page": page,
        "deciders": deciders,
        "report": selectors.refused_by_department(actor=request.user),
        "statuses": AdmissionStatus.choices,
        "status": state,
        "departments": departments,
        "communities": list(
            selectors.admission_communities_for(actor=request.user)[:300] if departments else []
        ),
        "error": error,
    }
    return render(request, "web/cogov/admission.html", context, status=status)


@login_required
def admission(request: HttpRequest) -> HttpResponse:
    return _admission_page(request)


@login_required
def admission_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [
            r.created_at.date().isoformat(),
            r.department.name,
            r.community.name,
            r.title,
            r.item.title if r.item else "",
            r.get_status_display(),
            r.rule,
        ]
        for r in selectors.admission_request_list_for(actor=request.user)
    )
    header = [_("提交时间"), _("职能部门"), _("社区"), _("工作事项"), _("准入事项"), _("结果"), _("依据")]
    return _xlsx(_("下沉社区事项"), header, rows, "admission.xlsx")


@login_required
def admission_items_export(request: HttpRequest) -> HttpResponse:
    rows = (
        [i.department.name, i.title, i.legal_basis, _("是") if i.funding_follows else _("否")]
        for i in selectors.admission_item_list_for(actor=request.user)
    )
    header = [_("职能部门"), _("准入事项"), _("法律依据"), _("费随事转")]
    return _xlsx(_("社区事务准入清单"), header, rows, "admission-list.xlsx")


@login_required
@require_POST
def admission_push(request: HttpRequest) -> HttpResponse:
    p = request.POST
    departments = {u.pk: u for u in _departments(request)}

    def step() -> None:
        department = departments.get(int_or_none(p.get("department")) or 0)
        if department is None:
            raise ValidationError({"department": _("请选择职能部门")})
        community = Area.objects.filter(pk=int_or_none(p.get("community")) or 0).first()
        if community is None:
            raise ValidationError({"community": _("请选择社区")})
        items = selectors.admission_item_list_for(actor=request.user)
        services.admission.push(
            actor=request.user,
            department=department,
            community=community,
            title=p.get("title", ""),
            item=items.filter(pk=int_or_none(p.get("item")) or 0).first(),
            ask_approval=p.get("ask_approval") == "1",
        )

    return run_step(
        request,
        step,
        done=_("已提交"),
        success_url=reverse("web:cogov_admission"),
        again=lambda error, status: _admission_page(request, error, status),
    )


def _request_page(request: HttpRequest, row: Any, error: str = "", status: int = 200) -> HttpResponse:
    labels = {"pushed": _("部门下派"), **{k: str(v) for k, v in AdmissionStatus.choices}}
    context = {
        "r": row,
        "history": [(e, labels.get(e.kind, e.kind)) for e in selectors.admission_timeline(request=row)],
        "decider": row.status == AdmissionStatus.PENDING
        and is_keeper(request.user, services.admission.district_of(row.community)),
        "error": error,
    }
    return render(request, "web/cogov/admission_request.html", context, status=status)


@login_required
def admission_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """A push with its history: who pushed it, what the list made of it, the district's decision."""
    return _request_page(
        request, selectors.admission_request_get_for(actor=request.user, request_id=request_id)
    )


@login_required
@require_POST
def admission_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    row = selectors.admission_request_get_for(actor=request.user, request_id=request_id)
    return run_step(
        request,
        lambda: services.admission.decide(
            actor=request.user,
            request=row,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
        ),
        done=_("已审批"),
        success_url=reverse("web:cogov_admission_request", args=[row.pk]),
        again=lambda error, status: _request_page(request, row, error, status),
    )
