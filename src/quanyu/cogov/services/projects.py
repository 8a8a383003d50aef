"""Secretary-led projects (书记领办): the level above opens a project for a street or community
secretary with a goal, indicators and dated milestones; the secretary marks milestones done; the
level above comments each quarter (季度点评) and analyses at half-year (半年研判) with a rating, may
order rectification by a deadline (限期整改), which the secretary answers, and gives the final
evaluation.

Each step: plain input first, then the row lock, the actor check, the table check, the write and its
event, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import access
from quanyu.cogov.models import Milestone, ProjectEvent, ProjectReview, Rating, ReviewKind, SecretaryProject
from quanyu.cogov.services import _input
from quanyu.cogov.states import PROJECT_ALLOWED, ProjectStatus
from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.core.workflow.events import actor_fields

P = ProjectStatus
PROJECT_AREA_KINDS = frozenset({AreaKind.STREET, AreaKind.COMMUNITY})


def above(path: str) -> str:
    """The path of the level above ``path`` (4 characters a level)."""
    return path[:-4] if len(path) > 4 else path


def is_reviewer(actor: Any, project: SecretaryProject) -> bool:
    return access.is_keeper(actor, above(project.area.path))


def is_secretary(actor: Any, project: SecretaryProject) -> bool:
    return getattr(actor, "pk", None) == project.secretary_id or access.is_keeper(actor, project.area.path)


def _event(p: SecretaryProject, kind: str, actor: Any, **payload: Any) -> ProjectEvent:
    return ProjectEvent.objects.create(project=p, kind=kind, payload=payload, **actor_fields(actor))


def _lock(p: SecretaryProject) -> SecretaryProject:
    return lock(SecretaryProject.objects).select_related("area").get(pk=p.pk)


def _check(locked: SecretaryProject, seen: str, target: str, action: str) -> None:
    check_transition(
        PROJECT_ALLOWED, locked.status, target, labels=P, seen=seen, action=action, what=_("书记领办项目")
    )


def project_create(
    *,
    actor: Any,
    area: Area,
    secretary: Any,
    year: int,
    title: str,
    goal: str,
    indicators: str = "",
    milestones: list[dict[str, Any]] | None = None,
) -> SecretaryProject:
    if area.kind not in PROJECT_AREA_KINDS:
        raise ValidationError({"area": _("书记领办项目须属于街道或社区")})
    if secretary is None or not getattr(secretary, "pk", None):
        raise ValidationError({"secretary": _("请选择领办书记")})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度无效")})
    title = _input.text(title, "title", _("项目名称"), max_length=150)
    goal = _input.text(goal, "goal", _("目标"), max_length=5000)
    indicators = _input.text(indicators, "indicators", _("指标"), max_length=5000, required=False)
    rows = []
    for row in milestones or []:
        rows.append(
            {
                "name": _input.text(row.get("name"), "milestones", _("节点"), max_length=150),
                "due": _input.date(row.get("due"), "milestones", _("计划日期")),
            }
        )
    if not access.is_keeper(actor, above(area.path)):
        raise PermissionDenied(_("只有上级党组织可以确定书记领办项目"))
    with transaction.atomic():
        project = SecretaryProject.objects.create(
            area=area, secretary=secretary, year=year, title=title, goal=goal, indicators=indicators
        )
        Milestone.objects.bulk_create([Milestone(project=project, **r) for r in rows])
        _event(project, "created", actor, milestones=len(rows))
    return project


def milestone_done(*, actor: Any, milestone: Milestone, done_on: dt.date | None = None) -> Milestone:
    done_on = done_on or timezone.localdate()
    with transaction.atomic():
        locked = _lock(milestone.project)
        if not is_secretary(actor, locked):
            raise PermissionDenied(_("只有领办书记可以报告节点完成"))
        if locked.status not in (P.RUNNING, P.RECTIFYING):
            raise TransitionError(_("项目已结束"))
        row = lock(Milestone.objects).get(pk=milestone.pk)
        if row.done_on is not None:
            raise TransitionError(_("该节点已完成"))
        row.done_on = done_on
        row.save(update_fields=["done_on"])
        _event(locked, "milestone_done", actor, milestone=row.name)
    return row


def project_review(
    *,
    actor: Any,
    project: SecretaryProject,
    kind: str,
    comment: str,
    rating: str = "",
    deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> ProjectReview:
    """A quarterly comment, a half-year analysis (both with a rating), a rectification order with a
    deadline, or the final evaluation, by the level above."""
    today = today or timezone.localdate()
    if kind not in (ReviewKind.QUARTERLY, ReviewKind.HALF_YEAR, ReviewKind.RECTIFICATION, ReviewKind.FINAL):
        raise ValidationError({"kind": _("评议类型无效")})
    comment = _input.text(comment, "comment", _("意见"), max_length=5000)
    if kind != ReviewKind.RECTIFICATION and rating not in Rating.values:
        raise ValidationError({"rating": _("请选择等次")})
    if kind == ReviewKind.RECTIFICATION:
        rating = ""
        if not isinstance(deadline, dt.date) or deadline <= today:
            raise ValidationError({"deadline": _("整改期限须晚于今天")})
    else:
        deadline = None
    targets: dict[str, str] = {ReviewKind.RECTIFICATION: P.RECTIFYING, ReviewKind.FINAL: P.EVALUATED}
    target = targets.get(kind, P.RUNNING)
    with transaction.atomic():
        locked = _lock(project)
        if not is_reviewer(actor, locked):
            raise PermissionDenied(_("只有上级党组织可以评议"))
        if kind in (ReviewKind.QUARTERLY, ReviewKind.HALF_YEAR):
            target = locked.status if locked.status in (P.RUNNING, P.RECTIFYING) else P.RUNNING
        _check(locked, project.status, target, str(ReviewKind(kind).label))
        review = ProjectReview.objects.create(
            project=locked,
            kind=kind,
            rating=rating,
            comment=comment,
            deadline=deadline,
            reviewer_name=actor_fields(actor)["actor_name"],
        )
        locked.status = target
        fields = ["status"]
        if kind == ReviewKind.RECTIFICATION:
            locked.rectify_by = deadline
            fields.append("rectify_by")
        if kind == ReviewKind.FINAL:
            locked.final_rating = rating
            fields.append("final_rating")
        locked.save(update_fields=fields)
        _event(locked, kind, actor, rating=rating, deadline=deadline.isoformat() if deadline else "")
    return review


def project_rectified(*, actor: Any, project: SecretaryProject, note: str) -> ProjectReview:
    """The secretary reports the rectification done: back to running."""
    note = _input.text(note, "note", _("整改情况"), max_length=5000)
    with transaction.atomic():
        locked = _lock(project)
        if not is_secretary(actor, locked):
            raise PermissionDenied(_("只有领办书记可以报告整改"))
        # Only from rectifying (running → running is a review's self-loop): a stale copy that still
        # showed rectifying is a conflict, as in every other step.
        check_transition(
            PROJECT_ALLOWED,
            locked.status,
            P.RUNNING,
            labels=P,
            seen=project.status,
            action=_("整改完成"),
            what=_("书记领办项目"),
            only_from={P.RECTIFYING},
        )
        review = ProjectReview.objects.create(
            project=locked,
            kind=ReviewKind.RECTIFIED,
            comment=note,
            reviewer_name=actor_fields(actor)["actor_name"],
        )
        locked.status, locked.rectify_by = P.RUNNING, None
        locked.save(update_fields=["status", "rectify_by"])
        _event(locked, ReviewKind.RECTIFIED, actor)
    return review


def project_cancel(*, actor: Any, project: SecretaryProject, reason: str) -> SecretaryProject:
    reason = _input.text(reason, "reason", _("原因"), max_length=500)
    with transaction.atomic():
        locked = _lock(project)
        if not is_reviewer(actor, locked):
            raise PermissionDenied(_("只有上级党组织可以撤销"))
        _check(locked, project.status, P.CANCELLED, _("撤销"))
        locked.status = P.CANCELLED
        locked.save(update_fields=["status"])
        _event(locked, "cancelled", actor, note=reason)
    return locked


def schedule_status(project: SecretaryProject, today: dt.date | None = None) -> str:
    """``done`` (every milestone done), ``behind`` (one past its date not done), else ``on_track``;
    reads the prefetched milestones."""
    today = today or timezone.localdate()
    stones = list(project.milestones.all())
    if stones and all(m.done_on for m in stones):
        return "done"
    if any(m.is_late(today) for m in stones):
        return "behind"
    return "on_track"
