"""Venue projects (build and handover, Lianyungang's process chart; the table is
``states.PROJECT_ALLOWED``): create, complete the current step (with documents), the pre-sale
check that restricts pre-sale while the area falls short, cancel, and the supervision sweep that
raises one supervision order per late step. The handover puts the venue into the register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import Unit, UnitKind
from quanyu.venues import conf, events
from quanyu.venues.access import require_coordinator, require_project_step
from quanyu.venues.models import Venue, VenueKind, VenueProject
from quanyu.venues.services.register import OWNER_KINDS, _area_m2
from quanyu.venues.states import PROJECT_ALLOWED, PROJECT_ORDER, ProjectStep, VenueStatus

DEPARTMENT_STEPS = [s.value for s in PROJECT_ORDER[:-2]]  # planning … registration
STEP_DAYS = {
    "planning": 60,
    "land": 60,
    "presale": 30,
    "quality": 180,
    "acceptance": 30,
    "registration": 60,
    "handover": 30,
}


def _due(step: str, today: dt.date) -> dt.date | None:
    days = {**STEP_DAYS, **conf.get("VENUES_PROJECT_STEP_DAYS")}.get(step)
    return today + dt.timedelta(days=days) if days else None


def _clean_documents(documents: Any) -> list[dict[str, str]]:
    if not isinstance(documents, list) or len(documents) > 50:
        raise ValidationError({"documents": [_("材料应为列表，最多50项")]})
    out = []
    for n, doc in enumerate(documents, start=1):
        name = str((doc or {}).get("name") or "").strip() if isinstance(doc, dict) else ""
        if not name:
            raise ValidationError({"documents": [_("第%(n)d项材料缺少名称") % {"n": n}]})
        out.append({"name": name[:200], "url": str(doc.get("url") or "")[:500]})
    return out


def project_create(
    *,
    actor: Any,
    name: str,
    area: Area,
    owners: dict[str, int],
    kind: str = VenueKind.COMMUNITY_CENTRE,
    planned_floor_area: Any = 0,
    planned_ground_floor_area: Any = 0,
) -> VenueProject:
    """``owners``: the department (unit id) of each department step (planning … registration)."""
    name = (name or "").strip()
    if not name or len(name) > 150:
        raise ValidationError({"name": [_("名称应为1到150字")]})
    if kind not in VenueKind.values:
        raise ValidationError({"kind": [_("阵地类型不正确")]})
    if area.kind not in OWNER_KINDS:
        raise ValidationError({"area": [_("所属区域应为区、街道、社区或网格")]})
    if not isinstance(owners, dict) or set(owners) != set(DEPARTMENT_STEPS):
        raise ValidationError(
            {"owners": [_("请为每个环节指定责任部门：%(s)s") % {"s": "、".join(DEPARTMENT_STEPS)}]}
        )
    departments = set(
        Unit.objects.filter(pk__in=list(owners.values()), kind=UnitKind.DEPARTMENT).values_list(
            "pk", flat=True
        )
    )
    missing = [s for s, u in owners.items() if u not in departments]
    if missing:
        named = "、".join(str(ProjectStep(m).label) for m in missing)
        raise ValidationError({"owners": [_("请为以下环节选择职能部门：%(s)s") % {"s": named}]})
    floor = _area_m2(planned_floor_area, "planned_floor_area")
    ground = _area_m2(planned_ground_floor_area, "planned_ground_floor_area")
    require_coordinator(actor, area.path)
    with transaction.atomic():
        project = VenueProject.objects.create(
            name=name,
            area=area,
            kind=kind,
            planned_floor_area=floor,
            planned_ground_floor_area=ground,
            owners={s: int(u) for s, u in owners.items()},
            step_due=_due(ProjectStep.PLANNING, timezone.localdate()),
        )
        events.project_created_event(project=project, actor=actor)
        return project


def _lock(project: VenueProject, actor: Any) -> VenueProject:
    locked = lock(VenueProject.objects).select_related("area").get(pk=project.pk)
    require_project_step(
        actor, path=locked.area.path, step=locked.step, owner_unit=locked.owners.get(locked.step)
    )
    return locked


def project_complete_step(
    *,
    actor: Any,
    project: VenueProject,
    note: str = "",
    documents: list[dict[str, str]] | None = None,
    built_floor_area: Any = None,
    built_ground_floor_area: Any = None,
) -> VenueProject:
    """The owning department completes the current step; the project moves to the next one.
    At pre-sale the built areas are checked against the design: short, pre-sale stays restricted
    (the step stays, a ``presale_restricted`` event); at handover the venue enters the register."""
    docs = _clean_documents(documents or [])
    with transaction.atomic():
        locked = _lock(project, actor)
        current = locked.step
        if current == ProjectStep.PRESALE:
            floor = _area_m2(built_floor_area if built_floor_area is not None else "", "built_floor_area")
            ground = _area_m2(
                built_ground_floor_area if built_ground_floor_area is not None else 0,
                "built_ground_floor_area",
            )
            short = max(
                locked.planned_floor_area - floor, locked.planned_ground_floor_area - ground, Decimal(0)
            )
            if short > 0:
                check_transition(PROJECT_ALLOWED, current, current, labels=ProjectStep, seen=project.step)
                locked.documents = [*locked.documents, *({"step": current, **d} for d in docs)]
                locked.save(update_fields=["documents"])
                events.project_presale_restricted_event(
                    project=locked, actor=actor, short_m2=str(short), note=note
                )
                return locked
        target = (
            PROJECT_ORDER[PROJECT_ORDER.index(ProjectStep(current)) + 1]
            if current in PROJECT_ORDER[:-1]
            else ProjectStep.DONE
        )
        check_transition(
            PROJECT_ALLOWED,
            current,
            target,
            labels=ProjectStep,
            seen=project.step,
            action=_("完成本环节"),
            what=_("项目"),
        )
        locked.step = target
        locked.step_due = _due(target, timezone.localdate())
        locked.documents = [*locked.documents, *({"step": current, **d} for d in docs)]
        update = ["step", "step_due", "documents"]
        if target == ProjectStep.DONE:
            venue = Venue.objects.create(
                kind=locked.kind,
                area=locked.area,
                name=locked.name,
                status=VenueStatus.IN_USE,
                floor_area=locked.planned_floor_area,
                ground_floor_area=locked.planned_ground_floor_area,
                lon=locked.area.lon,
                lat=locked.area.lat,
            )
            events.venue_created_event(venue=venue, actor=actor)
            locked.venue = venue
            update.append("venue")
        locked.save(update_fields=update)
        events.project_step_event(
            project=locked, actor=actor, from_step=current, to_step=target, note=note, documents=docs
        )
        return locked


def project_cancel(*, actor: Any, project: VenueProject, note: str) -> VenueProject:
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写撤销原因")]})
    with transaction.atomic():
        locked = lock(VenueProject.objects).select_related("area").get(pk=project.pk)
        require_coordinator(actor, locked.area.path)
        check_transition(
            PROJECT_ALLOWED,
            locked.step,
            ProjectStep.CANCELLED,
            labels=ProjectStep,
            seen=project.step,
            what=_("项目"),
        )
        current = locked.step
        locked.step = ProjectStep.CANCELLED
        locked.step_due = None
        locked.save(update_fields=["step", "step_due"])
        events.project_step_event(
            project=locked,
            actor=actor,
            from_step=current,
            to_step=ProjectStep.CANCELLED,
            note=note,
            documents=[],
        )
        return locked


def projects_supervise(today: dt.date | None = None) -> int:
    """One supervision order (督办) per late step: idempotent, rows claimed under lock."""
    today = today or timezone.localdate()
    raised = 0
    with transaction.atomic():
        late = lock(
            VenueProject.objects.exclude(step__in=[ProjectStep.DONE, ProjectStep.CANCELLED]).filter(
                step_due__lt=today
            ),
            skip_locked=True,
        ).order_by("pk")
        for project in late:
            if project.supervised_step == project.step:
                continue
            project.supervised_step = project.step
            project.save(update_fields=["supervised_step"])
            events.project_supervised_event(project=project, step=project.step, due=str(project.step_due))
            raised += 1
    return raised
