"""Indicators from co-governance (app ``cogov``).

Areas:

* ``cogov.contracts_evaluated`` — co-building contracts (共建契约) of the period's year in the area
  that had their year-end evaluation (evaluated, or evaluated and renewed) / contracts of that year
  signed (neither draft nor void);
* ``cogov.resolutions_on_time`` — resolutions (决议事项) of the area due in the period that were
  done by the end of their due day (local time) / resolutions due in the period (not withdrawn);
* ``cogov.projects_on_schedule`` — secretary-led projects (书记领办项目) of the period's year in
  the area that are on schedule / those projects (not cancelled). On schedule is
  ``cogov.services.projects.schedule_status`` other than ``behind``, read on the period's last day
  (today while the period runs): no milestone due before that day that was not done by it. For the
  running period it is exactly the status the cogov pages show.

The parts of each add up from the areas to every level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.indicators.registry import (
    AREA,
    Figure,
    Provider,
    Target,
    common_path,
    register,
    rollup_by_path,
)
from quanyu.assessment.periods import Period, local_midnight
from quanyu.cogov.models import Contract, Milestone, SecretaryProject, Task
from quanyu.cogov.selectors import contract_list_for, project_list_for, task_list_for
from quanyu.cogov.services.projects import schedule_status
from quanyu.cogov.states import ContractStatus, ProjectStatus, TaskStatus
from quanyu.core.clock import local_today

EVALUATED = [ContractStatus.EVALUATED, ContractStatus.RENEWED]
NOT_SIGNED = [ContractStatus.DRAFT, ContractStatus.CANCELLED]


def _contracts(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    rows = (
        Contract.objects.filter(year=period.year, area__path__startswith=common_path(areas))
        .exclude(status__in=NOT_SIGNED)
        .values("area__path")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status__in=EVALUATED)))
        .order_by()
    )
    return rollup_by_path(((r["area__path"], Decimal(r["done"]), Decimal(r["n"])) for r in rows), areas)


def _due_in(period: Period) -> QuerySet[Task]:
    return Task.objects.filter(due__gte=period.start, due__lt=period.end).exclude(status=TaskStatus.CANCELLED)


def _on_time(due: dt.date, done_at: dt.datetime | None) -> bool:
    return done_at is not None and done_at < local_midnight(due + dt.timedelta(days=1))


def _resolutions(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    rows = _due_in(period).filter(area__path__startswith=common_path(areas))
    parts = (
        (path, Decimal(1 if _on_time(due, done_at) else 0), Decimal(1))
        for path, due, done_at in rows.values_list("area__path", "due", "done_at")
    )
    return rollup_by_path(parts, areas)


def schedule_day(period: Period, today: dt.date | None = None) -> dt.date:
    """The day a period's schedule is read on: its last day, or today while it runs."""
    return min(period.end - dt.timedelta(days=1), today or local_today())


def _behind(day: dt.date) -> Exists:
    """A milestone due before ``day`` and not done by it (``schedule_status``'s ``behind`` as it
    stood on that day: a milestone done later was still open then)."""
    late = Milestone.objects.filter(project=OuterRef("pk"), due__lt=day).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=day)
    )
    return Exists(late)


def _projects(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    rows = (
        SecretaryProject.objects.filter(year=period.year, area__path__startswith=common_path(areas))
        .exclude(status=ProjectStatus.CANCELLED)
        .values("area__path")
        .annotate(n=Count("id"), behind=Count("id", filter=_behind(schedule_day(period))))
        .order_by()
    )
    return rollup_by_path(
        ((r["area__path"], Decimal(r["n"] - r["behind"]), Decimal(r["n"])) for r in rows), areas
    )


def _contract_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return (
        contract_list_for(actor=actor, year=period.year)
        .exclude(status__in=NOT_SIGNED)
        .filter(area__path__startswith=target.path)
    )


def _task_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return (
        task_list_for(actor=actor)
        .filter(due__gte=period.start, due__lt=period.end, area__path__startswith=target.path)
        .exclude(status=TaskStatus.CANCELLED)
    )


def _project_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return (
        project_list_for(actor=actor, year=period.year)
        .exclude(status=ProjectStatus.CANCELLED)
        .filter(area__path__startswith=target.path)
    )


SCHEDULE = {"done": _("已完成"), "behind": _("滞后"), "on_track": _("正常")}


def _project(obj: Any) -> tuple[str, str, list[Any]]:
    state = SCHEDULE[schedule_status(obj)]
    text = f"{obj.year} {obj.area.name} {obj.title} {obj.get_status_display()} {state}"
    return text, "web:cogov_project", [obj.pk]


def _contract(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.year} {obj.title} {obj.get_status_display()}", "", []


def _task(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.due} {obj.resolution} {obj.get_status_display()}", "", []


register(
    Provider(
        key="cogov.contracts_evaluated",
        label=_("共建契约年终评估率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_contracts,
        rows=_contract_rows,
        describe=_contract,
        percent=True,
    )
)
register(
    Provider(
        key="cogov.resolutions_on_time",
        label=_("决议事项按期办结率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_resolutions,
        rows=_task_rows,
        describe=_task,
        percent=True,
    )
)
register(
    Provider(
        key="cogov.projects_on_schedule",
        label=_("书记领办项目按期推进率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_projects,
        rows=_project_rows,
        describe=_project,
        percent=True,
    )
)
