"""Joint meetings (联席会议): bodies and their members, sessions with agenda items, and the tasks
their resolutions become — progress reports, completion, review at a later session, and the
periodic sweep that flags overdue tasks for the supervision board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.cogov import access
from quanyu.cogov import events as ev
from quanyu.cogov.models import (
    AgendaItem,
    AgendaSource,
    Body,
    BodyKind,
    BodyMember,
    ContractProject,
    Session,
    SessionKind,
    Task,
)
from quanyu.cogov.services import _input
from quanyu.cogov.services.contracts import CONTRACT_AREA_KINDS
from quanyu.cogov.services.rooms import release_room
from quanyu.cogov.states import SESSION_ALLOWED, TASK_ALLOWED, TASK_OPEN, SessionStatus, TaskStatus
from quanyu.core.workflow import TransitionError, check_transition, lock, lock_all
from quanyu.orgs.models import PartTimeMember, Unit
from quanyu.tickets.models import Ticket
from quanyu.tickets.states import OPEN_STATUSES


def body_create(*, actor: Any, area: Area, kind: str, name: str, parent: Body | None = None) -> Body:
    if area.kind not in CONTRACT_AREA_KINDS:
        raise ValidationError({"area": _("议事机构须设在街道或社区")})
    if kind not in BodyKind.values:
        raise ValidationError({"kind": _("类型无效")})
    name = _input.text(name, "name", _("名称"), max_length=150)
    if parent is not None and parent.area_id != area.pk:
        raise ValidationError({"parent": _("专门委员会须与上级机构在同一街道或社区")})
    access.require_keeper(actor, area.path)
    return Body.objects.create(area=area, kind=kind, name=name, parent=parent)


def body_add_member(
    *,
    actor: Any,
    body: Body,
    name: str = "",
    post: str = "",
    unit: Unit | None = None,
    part_time_member: PartTimeMember | None = None,
) -> BodyMember:
    """A seat for a part-time committee member of the orgs registry, or a named representative."""
    if part_time_member is not None:
        name = name or part_time_member.name
        unit = unit or part_time_member.unit
        post = post or part_time_member.post
    name = _input.text(name, "name", _("姓名"), max_length=50)
    post = _input.text(post, "post", _("职务"), max_length=50, required=False)
    area = Area.objects.get(pk=body.area_id)
    access.require_keeper(actor, area.path)
    return BodyMember.objects.create(
        body=body, name=name, post=post, unit=unit, part_time_member=part_time_member
    )


def session_plan(
    *, actor: Any, body: Body, title: str, held_on: Any, kind: str = SessionKind.QUARTERLY
) -> Session:
    title = _input.text(title, "title", _("会议名称"), max_length=150)
    day = _input.date(held_on, "held_on", _("会议日期"))
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("类型无效")})
    area = Area.objects.get(pk=body.area_id)
    access.require_keeper(actor, area.path)
    with transaction.atomic():
        session = Session.objects.create(body=body, title=title, held_on=day, kind=kind)
        ev.session_planned_event(session=session, actor=actor)
    return session


def _lock_session(session: Session) -> Session:
    return lock(Session.objects).select_related("body__area").get(pk=session.pk)


def session_add_agenda(
    *,
    actor: Any,
    session: Session,
    title: str = "",
    source: str = AgendaSource.OTHER,
    ticket: Ticket | None = None,
    contract_project: ContractProject | None = None,
    note: str = "",
) -> AgendaItem:
    """An agenda item, drawn from an unresolved ticket or a contract project of the body's area, or
    any other matter (a need, a deliberation) described in words."""
    if source not in AgendaSource.values:
        raise ValidationError({"source": _("来源无效")})
    note = _input.text(note, "note", _("说明"), max_length=2000, required=False)
    if ticket is not None:
        source = AgendaSource.TICKET
        title = title or ticket.text[:200]
    if contract_project is not None:
        source = AgendaSource.CONTRACT_PROJECT
        title = title or contract_project.name
    title = _input.text(title, "title", _("议题"), max_length=200)
    with transaction.atomic():
        locked = _lock_session(session)
        path = locked.body.area.path
        access.require_keeper(actor, path)
        if locked.status != SessionStatus.PLANNED:
            raise TransitionError(
                _("会议当前状态为“%(s)s”，不能添加议题") % {"s": SessionStatus(locked.status).label}
            )
        if ticket is not None:
            fresh = Ticket.objects.get(pk=ticket.pk)
            if not fresh.area_path.startswith(path):
                raise ValidationError({"ticket": _("该诉求不在本议事机构的辖区内")})
            if fresh.status not in OPEN_STATUSES:
                raise ValidationError({"ticket": _("只能提交尚未解决的诉求")})
        if contract_project is not None:
            area_path = contract_project.contract.area.path
            if not (area_path.startswith(path) or path.startswith(area_path)):
                raise ValidationError({"contract_project": _("该共建项目不在本议事机构的辖区内")})
        item = AgendaItem.objects.create(
            session=locked,
            title=title,
            source=source,
            ticket=ticket,
            contract_project=contract_project,
            note=note,
        )
        ev.session_agenda_added_event(session=locked, actor=actor, title=title, source=source)
    return item


def _resolution(raw: dict[str, Any], agenda_ids: set[int], held_on: dt.date) -> dict[str, Any]:
    text = _input.text(raw.get("resolution"), "resolutions", _("决议事项"), max_length=300)
    unit = raw.get("owner_unit")
    if not isinstance(unit, Unit):
        raise ValidationError({"resolutions": _("决议“%(t)s”须指定责任单位") % {"t": text}})
    due = _input.date(raw.get("due"), "resolutions", _("办结期限"))
    if due < held_on:
        raise ValidationError({"resolutions": _("决议“%(t)s”的办结期限早于会议日期") % {"t": text}})
    item = raw.get("agenda_item")
    item_id = item.pk if isinstance(item, AgendaItem) else item
    if item_id is not None and item_id not in agenda_ids:
        raise ValidationError({"resolutions": _("决议“%(t)s”的议题不属于本次会议") % {"t": text}})
    return {"resolution": text, "owner_unit": unit, "due": due, "agenda_item_id": item_id}


def session_hold(
    *,
    actor: Any,
    session: Session,
    attendance: list[int],
    minutes: str,
    resolutions: list[dict[str, Any]] | None = None,
) -> list[Task]:
    """Record a held session: who attended, the minutes, and each resolution as a task with its
    owning unit or department and deadline."""
    minutes = _input.text(minutes, "minutes", _("会议纪要"), max_length=20000)
    with transaction.atomic():
        locked = _lock_session(session)
        access.require_keeper(actor, locked.body.area.path)
        check_transition(
            SESSION_ALLOWED,
            locked.status,
            SessionStatus.HELD,
            labels=SessionStatus,
            seen=session.status,
            action=_("召开"),
            what=_("会议"),
        )
        members = set(BodyMember.objects.filter(body_id=locked.body_id).values_list("pk", flat=True))
        present = sorted({int(pk) for pk in attendance or []})
        if not present:
            raise ValidationError({"attendance": _("请登记出席成员")})
        if set(present) - members:
            raise ValidationError({"attendance": _("出席人员须是本议事机构的成员")})
        agenda_ids = set(locked.agenda.values_list("pk", flat=True))
        cleaned = [_resolution(r, agenda_ids, locked.held_on) for r in resolutions or []]
        locked.status = SessionStatus.HELD
        locked.attendance = present
        locked.minutes = minutes
        locked.save(update_fields=["status", "attendance", "minutes"])
        tasks = []
        for fields in cleaned:
            task = Task.objects.create(area=locked.body.area, session=locked, **fields)
            ev.task_resolved_event(task=task, actor=actor, session=locked.pk, due=task.due)
            tasks.append(task)
        ev.session_held_event(session=locked, actor=actor, attendance=present, resolutions=len(tasks))
    return tasks


def _session_end(actor: Any, session: Session, status: str, note: str) -> Session:
    with transaction.atomic():
        locked = _lock_session(session)
        access.require_keeper(actor, locked.body.area.path)
        check_transition(
            SESSION_ALLOWED, locked.status, status, labels=SessionStatus, seen=session.status, what=_("会议")
        )
        locked.status = status
        locked.save(update_fields=["status"])
        ev.session_ended_event(session=locked, actor=actor, status=status, note=note)
        if status == SessionStatus.CANCELLED:
            release_room(actor=actor, session=locked, reason=note[:500])
    return locked


def session_close(*, actor: Any, session: Session, note: str = "") -> Session:
    return _session_end(actor, session, SessionStatus.CLOSED, note)


def session_cancel(*, actor: Any, session: Session, note: str = "") -> Session:
    return _session_end(actor, session, SessionStatus.CANCELLED, note)


def _lock_task(task: Task) -> Task:
    return lock(Task.objects).select_related("area").get(pk=task.pk)


def _check_task(
    locked: Task, seen: Task, target: str, action: str, only_from: frozenset[str] | None = None
) -> None:
    check_transition(
        TASK_ALLOWED,
        locked.status,
        target,
        labels=TaskStatus,
        seen=seen.status,
        action=action,
        what=_("任务"),
        only_from=only_from,
    )


def task_report_progress(*, actor: Any, task: Task, progress: Any, note: str) -> Task:
    value = _input.percent(progress, "progress")
    note = _input.text(note, "note", _("进展说明"), max_length=2000)
    with transaction.atomic():
        locked = _lock_task(task)
        access.require_task_owner(actor, locked.area.path, locked.owner_unit_id)
        _check_task(locked, task, TaskStatus.OPEN, _("报告进展"), only_from=TASK_OPEN)
        locked.progress = value
        locked.save(update_fields=["progress"])
        ev.task_progress_event(task=locked, actor=actor, progress=value, note=note)
    return locked


def task_complete(*, actor: Any, task: Task, note: str) -> Task:
    note = _input.text(note, "note", _("办结说明"), max_length=2000)
    with transaction.atomic():
        locked = _lock_task(task)
        access.require_task_owner(actor, locked.area.path, locked.owner_unit_id)
        _check_task(locked, task, TaskStatus.DONE, _("办结"))
        locked.status = TaskStatus.DONE
        locked.progress = 100
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "progress", "done_at"])
        ev.task_done_event(task=locked, actor=actor, note=note)
    return locked


def task_review(*, actor: Any, task: Task, session: Session, accepted: bool, note: str = "") -> Task:
    """The review at a later session of the same body: accepted → closed (销号), else reopened."""
    note = _input.text(note, "note", _("审议意见"), max_length=2000, required=not accepted)
    target = TaskStatus.CLOSED if accepted else TaskStatus.OPEN
    with transaction.atomic():
        locked = _lock_task(task)
        access.require_keeper(actor, locked.area.path)
        _check_task(locked, task, target, _("审议"))
        if locked.status != TaskStatus.DONE:
            raise TransitionError(_("任务尚未办结，不能审议"))
        origin = Session.objects.get(pk=locked.session_id)
        session = Session.objects.get(pk=session.pk)  # its status now, not the caller's copy
        if session.body_id != origin.body_id or session.pk == origin.pk or session.held_on < origin.held_on:
            raise ValidationError({"session": _("须在本议事机构此后的会议上审议")})
        if session.status != SessionStatus.HELD:
            raise ValidationError({"session": _("审议会议须已召开且未归档")})
        locked.status = target
        locked.reviewed_at_session = session if accepted else None
        if not accepted:
            locked.done_at = None
        locked.save(update_fields=["status", "reviewed_at_session", "done_at"])
        ev.task_reviewed_event(task=locked, actor=actor, session=session.pk, accepted=accepted, note=note)
    return locked


def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    reason = _input.text(reason, "reason", _("原因"), max_length=500)
    with transaction.atomic():
        locked = _lock_task(task)
        access.require_keeper(actor, locked.area.path)
        _check_task(locked, task, TaskStatus.CANCELLED, _("撤销"))
        locked.status = TaskStatus.CANCELLED
        locked.save(update_fields=["status"])
        ev.task_cancelled_event(task=locked, reason=reason, actor=actor)
    return locked


def tasks_sweep_overdue(*, today: dt.date | None = None) -> int:
    """Flag open tasks past their deadline (once each, with an event); idempotent, safe beside a
    concurrent run (rows taken under lock, re-checked). Returns how many were flagged."""
    today = today or timezone.localdate()
    due = Task.objects.filter(status=TaskStatus.OPEN, is_overdue=False, due__lt=today)
    flagged = 0
    with transaction.atomic():
        for task in lock_all(due):
            task.is_overdue = True
            task.save(update_fields=["is_overdue"])
            ev.task_overdue_event(task=task, due=task.due)
            flagged += 1
    return flagged
