"""Reads for pages and the API: actor first, only what the actor may see, 404 out of scope
(docs/WORKFLOWS.md §6). Office readers see their subtree; a unit's contact sees the contracts its
unit is party to and the tasks its unit owns."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov.access import READERS, actor_unit_ids
from quanyu.cogov.models import (
    AdmissionEvent,
    AdmissionItem,
    AdmissionRequest,
    Body,
    Contract,
    ContractEvent,
    Deliberation,
    DeliberationEvent,
    ProjectEvent,
    Result,
    SecretaryProject,
    Session,
    SessionEvent,
    Task,
    TaskEvent,
)
from quanyu.cogov.states import (
    AdmissionStatus,
    ContractStatus,
    DeliberationStatus,
    ResultStatus,
    TaskStatus,
)
from quanyu.core.permissions import grants_for
from quanyu.core.scoping import EVERYTHING, scope_q
from quanyu.orgs.models import Unit

M = TypeVar("M", bound=models.Model)


def _reader_paths(actor: Any) -> tuple[str, ...]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ()
    if getattr(actor, "is_superuser", False):
        return (EVERYTHING,)
    return tuple(g.area.path for g in grants_for(actor) if g.role in READERS)


def _visible(qs: models.QuerySet[M], actor: Any, field: str, unit_q: str | None) -> models.QuerySet[M]:
    by_area = scope_q(_reader_paths(actor), field)
    if by_area is None:
        return qs
    condition = by_area
    units = actor_unit_ids(actor) if unit_q else set()
    if units and unit_q:
        condition = condition | Q(**{f"{unit_q}__in": units})
    return qs.filter(condition).distinct() if units and unit_q == "units" else qs.filter(condition)


def _get(qs: models.QuerySet[M], pk: Any) -> M:
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- contracts ------------------------------------------------------------------------------------


def contract_queryset_for(*, actor: Any) -> models.QuerySet[Contract]:
    return _visible(Contract.objects.select_related("area"), actor, "area__path", "units")


def contract_list_for(
    *, actor: Any, status: str | None = None, year: int | None = None, commended: bool | None = None
) -> models.QuerySet[Contract]:
    qs = contract_queryset_for(actor=actor).annotate(n_projects=Count("projects", distinct=True))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if commended is not None:
        qs = qs.filter(commended=commended)
    return qs.prefetch_related("units").order_by("-year", "area__path", "id")


def contract_get_for(*, actor: Any, contract_id: Any) -> Contract:
    return _get(contract_queryset_for(actor=actor), contract_id)


def commendation_list_for(*, actor: Any, year: int) -> models.QuerySet[Contract]:
    """The contracts recommended for commendation (推荐表彰) in ``year``."""
    return contract_list_for(actor=actor, year=year, commended=True).filter(
        status__in=[ContractStatus.EVALUATED, ContractStatus.RENEWED]
    )


def contract_timeline(*, contract: Contract) -> list[ContractEvent]:
    return list(contract.events.all())


# --- joint meetings -------------------------------------------------------------------------------


def body_list_for(*, actor: Any) -> models.QuerySet[Body]:
    qs = _visible(Body.objects.select_related("area"), actor, "area__path", None)
    return qs.annotate(
        n_members=Count("members", distinct=True), n_sessions=Count("sessions", distinct=True)
    ).order_by("area__path", "name", "id")


def body_get_for(*, actor: Any, body_id: Any) -> Body:
    return _get(_visible(Body.objects.select_related("area"), actor, "area__path", None), body_id)


def session_list_for(*, actor: Any, body: Body | None = None) -> models.QuerySet[Session]:
    qs = _visible(
        Session.objects.select_related("body__area", "room__venue", "booking__room__venue"),
        actor,
        "body__area__path",
        None,
    )
    if body is not None:
        qs = qs.filter(body=body)
    return qs.annotate(
        n_agenda=Count("agenda", distinct=True), n_tasks=Count("tasks", distinct=True)
    ).order_by("-held_on", "id")


def session_get_for(*, actor: Any, session_id: Any) -> Session:
    qs = _visible(
        Session.objects.select_related("body__area", "room__venue", "booking__room__venue"),
        actor,
        "body__area__path",
        None,
    )
    return _get(qs, session_id)


def session_timeline(*, session: Session) -> list[SessionEvent]:
    return list(session.events.all())


# --- tasks ----------------------------------------------------------------------------------------


def task_queryset_for(*, actor: Any) -> models.QuerySet[Task]:
    qs = Task.objects.select_related("area", "owner_unit", "session__body")
    return _visible(qs, actor, "area__path", "owner_unit_id")


def task_list_for(
    *, actor: Any, status: str | None = None, overdue: bool | None = None, session: Session | None = None
) -> models.QuerySet[Task]:
    qs = task_queryset_for(actor=actor)
    if status:
        qs = qs.filter(status=status)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue, status=TaskStatus.OPEN) if overdue else qs.filter(is_overdue=False)
    if session is not None:
        qs = qs.filter(session=session)
    return qs.order_by("due", "id")


def task_get_for(*, actor: Any, task_id: Any) -> Task:
    return _get(task_queryset_for(actor=actor), task_id)


def task_timeline(*, task: Task) -> list[TaskEvent]:
    return list(task.events.all())


def task_board_for(*, actor: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open resolution tasks per owning unit for the supervision board (督办看板): one grouped query."""
    today = today or timezone.localdate()
    rows = (
        task_queryset_for(actor=actor)
        .filter(status=TaskStatus.OPEN)
        .order_by()
        .values("owner_unit_id", "owner_unit__name")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(is_overdue=True) | Q(due__lt=today)),
        )
        .order_by("-overdue", "owner_unit__name")
    )
    return [
        {
            "unit_id": r["owner_unit_id"],
            "unit": r["owner_unit__name"],
            "open": r["n"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def overdue_work_for(
    *,
    actor: Any,
    today: dt.date | None = None,
    under: str = "",
    owner_unit: int | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """The co-governance work past its deadline for the supervision board (督办看板), beside the
    tickets: open joint-meeting tasks (决议任务) and live accountability items of deliberations
    (落实事项), each within the viewer's reading scope (office readers by subtree, a unit's own
    items), under ``under`` (a street's path) and owned by ``owner_unit`` (a department) when
    given; the ``limit`` most overdue of each and the true totals."""
    today = today or timezone.localdate()
    tasks = (
        task_queryset_for(actor=actor)
        .filter(status=TaskStatus.OPEN)
        .filter(Q(is_overdue=True) | Q(due__lt=today))
    )
    results = _visible(
        Result.objects.select_related("deliberation__community", "owner_unit"),
        actor,
        "deliberation__community__path",
        "owner_unit_id",
    ).filter(status__in=[ResultStatus.PLANNED, ResultStatus.IN_PROGRESS], due__lt=today)
    if under:
        tasks = tasks.filter(area__path__startswith=under)
        results = results.filter(deliberation__community__path__startswith=under)
    if owner_unit:
        tasks, results = tasks.filter(owner_unit_id=owner_unit), results.filter(owner_unit_id=owner_unit)
    task_rows, tasks_total = _capped(tasks.order_by("due", "id"), limit)
    result_rows, results_total = _capped(results.order_by("due", "id"), limit)
    return {
        "tasks": task_rows,
        "tasks_total": tasks_total,
        "results": result_rows,
        "results_total": results_total,
        "today": today,
    }


def _capped(qs: models.QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first ``limit`` rows and the true total (counted only when the list is cut)."""
    rows = list(qs[: limit + 1])
    return (rows, len(rows)) if len(rows) <= limit else (rows[:limit], qs.count())


# --- residents' deliberation ----------------------------------------------------------------------


def deliberation_list_for(*, actor: Any) -> models.QuerySet[Deliberation]:
    """Office readers by their subtree; anyone with a grant at the community (its residents) too."""
    qs = Deliberation.objects.select_related("community")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return qs.none()
    if getattr(actor, "is_superuser", False):
        return qs.order_by("-created_at", "id")
    paths = tuple(g.area.path for g in grants_for(actor))
    condition = scope_q(paths, "community__path")
    reaching_up = Q(pk__in=[])
    for path in paths:  # a resident's grant may sit on a grid or building below the community
        reaching_up |= Q(community__path__in=[path[:n] for n in range(4, len(path) + 1, 4)])
    if condition is None:
        return qs.order_by("-created_at", "id")
    return qs.filter(condition | reaching_up).order_by("-created_at", "id")


def deliberation_get_for(*, actor: Any, deliberation_id: Any) -> Deliberation:
    return _get(deliberation_list_for(actor=actor), deliberation_id)


def deliberation_public_list(*, community: Any) -> models.QuerySet[Deliberation]:
    """What anyone may read without logging in: a community's deliberations, but withdrawn ones,
    with how many opinions each drew (no names: the public list shows none)."""
    return (
        Deliberation.objects.filter(community=community)
        .exclude(status=DeliberationStatus.WITHDRAWN)
        .select_related("community")
        .annotate(n_opinions=Count("opinions", distinct=True), n_results=Count("results", distinct=True))
        .order_by("-created_at", "id")
    )


def public_community_get(*, community_id: Any) -> Area:
    """A community whose deliberations anyone may list (404 for anything else)."""
    return _get(Area.objects.filter(kind=AreaKind.COMMUNITY), community_id)


def deliberation_results(*, deliberation: Deliberation) -> list[Result]:
    """The decision's accountability items, each top-level item followed by its sub-results, with
    their events prefetched (two queries)."""
    rows = list(
        Result.objects.filter(deliberation=deliberation)
        .select_related("owner_unit")
        .prefetch_related("events")
        .order_by("due", "id")
    )
    ordered: list[Result] = []
    for top in (r for r in rows if r.parent_id is None):
        ordered.append(top)
        ordered.extend(r for r in rows if r.parent_id == top.pk)
    return ordered


def deliberation_public_get(*, deliberation_id: Any) -> Deliberation:
    qs = Deliberation.objects.exclude(status=DeliberationStatus.WITHDRAWN).select_related("community")
    return _get(qs, deliberation_id)


def deliberation_timeline(*, deliberation: Deliberation) -> list[DeliberationEvent]:
    return list(deliberation.events.all())


# --- secretary-led projects and the admission list ------------------------------------------------


def project_list_for(
    *, actor: Any, year: int | None = None, status: str | None = None
) -> models.QuerySet[SecretaryProject]:
    """Office readers by their subtree; a secretary sees the projects they lead."""
    qs = SecretaryProject.objects.select_related("area", "secretary").prefetch_related("milestones")
    by_area = scope_q(_reader_paths(actor), "area__path")
    if by_area is not None:
        own = Q(secretary_id=getattr(actor, "pk", None) or 0)
        qs = qs.filter(by_area | own)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "area__path", "id")


def project_get_for(*, actor: Any, project_id: Any) -> SecretaryProject:
    return _get(project_list_for(actor=actor), project_id)


def project_timeline(*, project: SecretaryProject) -> list[ProjectEvent]:
    """The project's dated history: set up, milestones done, quarterly comments, half-year
    analyses, rectification orders and their answers, the final evaluation, a cancellation."""
    return list(project.events.select_related("actor").order_by("at", "id"))


def admission_item_list_for(*, actor: Any) -> models.QuerySet[AdmissionItem]:
    """The list is public to every office reader and department contact (it is the rule)."""
    qs = AdmissionItem.objects.select_related("department", "district").filter(active=True)
    if not _reader_paths(actor) and not actor_unit_ids(actor):
        return qs.none()
    return qs.order_by("department__name", "title", "id")


def admission_request_list_for(*, actor: Any, status: str | None = None) -> models.QuerySet[AdmissionRequest]:
    """Communities (and the offices above) see every task pushed to them; a department its own."""
    qs = AdmissionRequest.objects.select_related("department", "community", "item")
    qs = _visible(qs, actor, "community__path", "department")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "id")


def admission_request_get_for(*, actor: Any, request_id: Any) -> AdmissionRequest:
    return _get(admission_request_list_for(actor=actor), request_id)


def admission_timeline(*, request: AdmissionRequest) -> list[AdmissionEvent]:
    return list(request.events.all())


def refused_by_department(*, actor: Any) -> list[dict[str, Any]]:
    """The report of refused pushes per department (refused at once or rejected on approval)."""
    refused = [AdmissionStatus.REFUSED, AdmissionStatus.REJECTED]
    rows = (
        admission_request_list_for(actor=actor)
        .order_by()
        .values("department_id", "department__name")
        .annotate(total=Count("id"), refused=Count("id", filter=Q(status__in=refused)))
        .order_by("-refused", "department__name")
    )
    return [{"department": r["department__name"], "total": r["total"], "refused": r["refused"]} for r in rows]


def admission_communities_for(*, actor: Any) -> models.QuerySet[Area]:
    """Communities a department may push to: those of the districts its units are in."""
    paths = {
        u.area.path[:8] for u in Unit.objects.filter(pk__in=actor_unit_ids(actor)).select_related("area")
    }
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return Area.objects.filter(condition, kind=AreaKind.COMMUNITY).order_by("path")
