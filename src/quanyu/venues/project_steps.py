"""A venue project read as its steps (Lianyungang's chart): for each step the owning department,
whether it is done (when, by whom, its note and documents), current (deadline, late, the
supervision order) or still ahead; and whether an actor may act on the current step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.orgs.models import Unit
from quanyu.venues.access import require_coordinator, require_project_step
from quanyu.venues.models import VenueProject
from quanyu.venues.states import PROJECT_ORDER, ProjectStep

OPEN = frozenset(PROJECT_ORDER[:-1])


@dataclass
class StepView:
    step: str
    label: str
    owner: str
    state: str  # "done", "current", "ahead", "skipped" (after a cancellation)
    done_at: dt.datetime | None = None
    done_by: str = ""
    note: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)
    restricted: list[dict[str, Any]] = field(default_factory=list)
    due: dt.date | None = None
    late: bool = False
    supervised_at: dt.datetime | None = None


def _safe(doc: dict[str, str]) -> dict[str, str]:
    """A document's link kept only when it is http(s): no ``javascript:`` links on the page."""
    url = str(doc.get("url") or "")
    return {"name": str(doc.get("name") or ""), "url": url if url.startswith(("http://", "https://")) else ""}


def is_late(project: VenueProject, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return project.step in OPEN and project.step_due is not None and project.step_due < today


def project_steps(project: VenueProject, today: dt.date | None = None) -> list[StepView]:
    owners = {
        u.pk: u.name
        for u in Unit.objects.filter(pk__in=[v for v in project.owners.values() if isinstance(v, int)])
    }
    done: dict[str, Any] = {}
    restricted: dict[str, list[dict[str, Any]]] = {}
    supervised: dict[str, dt.datetime] = {}
    for ev in project.events.order_by("at", "id"):
        if ev.kind == "step" and ev.payload.get("to_step") != ProjectStep.CANCELLED:
            done[ev.payload.get("from_step", "")] = ev
        elif ev.kind == "presale_restricted":
            restricted.setdefault(ProjectStep.PRESALE, []).append(
                {"at": ev.at, "short_m2": ev.payload.get("short_m2"), "note": ev.payload.get("note", "")}
            )
        elif ev.kind == "supervised":
            supervised[ev.payload.get("step", "")] = ev.at
    views = []
    for step in PROJECT_ORDER[:-1]:
        owner = _("街道、社区") if step == ProjectStep.HANDOVER else owners.get(project.owners.get(step), "—")
        view = StepView(
            step=step,
            label=str(step.label),
            owner=owner,
            state="ahead",
            restricted=restricted.get(step, []),
            supervised_at=supervised.get(step),
        )
        if step in done:
            ev = done[step]
            view.state = "done"
            view.done_at, view.done_by = ev.at, ev.actor_name
            view.note = ev.payload.get("note", "")
            view.documents = [_safe(d) for d in ev.payload.get("documents", [])]
        elif step == project.step:
            view.state = "current"
            view.due = project.step_due
            view.late = is_late(project, today)
        elif project.step == ProjectStep.CANCELLED:
            view.state = "skipped"
        views.append(view)
    return views


def may_act(actor: Any, project: VenueProject) -> bool:
    """May the actor complete the project's current step?"""
    if project.step not in OPEN:
        return False
    try:
        require_project_step(
            actor, path=project.area.path, step=project.step, owner_unit=project.owners.get(project.step)
        )
    except PermissionDenied:
        return False
    return True


def may_cancel(actor: Any, project: VenueProject) -> bool:
    if project.step not in OPEN:
        return False
    try:
        require_coordinator(actor, project.area.path)
    except PermissionDenied:
        return False
    return True
