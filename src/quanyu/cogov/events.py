"""Append-only events of co-governance: one small typed function per kind, written in the
transaction of the change they record (docs/WORKFLOWS.md §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanyu.cogov.models import (
    AdmissionEvent,
    AdmissionRequest,
    Contract,
    ContractEvent,
    ContractEventKind,
    Result,
    ResultEvent,
    Session,
    SessionEvent,
    SessionEventKind,
    Task,
    TaskEvent,
    TaskEventKind,
)
from quanyu.core.workflow.events import actor_fields

# --- contracts ------------------------------------------------------------------------------------


def _contract(contract: Contract, kind: str, actor: Any, **payload: Any) -> ContractEvent:
    return ContractEvent.objects.create(contract=contract, kind=kind, payload=payload, **actor_fields(actor))


def contract_created_event(*, contract: Contract, actor: Any, units: list[int]) -> ContractEvent:
    return _contract(contract, ContractEventKind.CREATED, actor, units=units)


def contract_project_added_event(*, contract: Contract, actor: Any, project: str) -> ContractEvent:
    return _contract(contract, ContractEventKind.PROJECT_ADDED, actor, project=project)


def contract_signed_event(*, contract: Contract, actor: Any, side: str, status: str) -> ContractEvent:
    kind = ContractEventKind.SIGNED_UNIT if side == "unit" else ContractEventKind.SIGNED_AREA
    return _contract(contract, kind, actor, status=status)


def contract_supervised_event(
    *, contract: Contract, actor: Any, progress: dict[str, int], note: str
) -> ContractEvent:
    return _contract(contract, ContractEventKind.SUPERVISED, actor, progress=progress, note=note)


def contract_reminded_event(*, contract: Contract, actor: Any, projects: list[str]) -> ContractEvent:
    return _contract(contract, ContractEventKind.REMINDED, actor, projects=projects)


def contract_unit_report_event(*, contract: Contract, actor: Any) -> ContractEvent:
    return _contract(contract, ContractEventKind.UNIT_REPORT, actor)


def contract_evaluated_event(
    *, contract: Contract, actor: Any, scores: dict[str, float], total: str, commended: bool
) -> ContractEvent:
    return _contract(
        contract, ContractEventKind.EVALUATED, actor, scores=scores, total=total, commended=commended
    )


def contract_renewed_event(
    *, contract: Contract, actor: Any, renewal: int, carried: list[str]
) -> ContractEvent:
    return _contract(contract, ContractEventKind.RENEWED, actor, renewal=renewal, carried=carried)


def contract_ended_event(*, contract: Contract, actor: Any, status: str, reason: str) -> ContractEvent:
    kind = ContractEventKind.CANCELLED if status == "cancelled" else ContractEventKind.TERMINATED
    return _contract(contract, kind, actor, reason=reason)


# --- joint-meeting sessions -----------------------------------------------------------------------


def _session(session: Session, kind: str, actor: Any, **payload: Any) -> SessionEvent:
    return SessionEvent.objects.create(session=session, kind=kind, payload=payload, **actor_fields(actor))


def session_planned_event(*, session: Session, actor: Any) -> SessionEvent:
    return _session(session, SessionEventKind.PLANNED, actor, held_on=session.held_on.isoformat())


def session_agenda_added_event(*, session: Session, actor: Any, title: str, source: str) -> SessionEvent:
    return _session(session, SessionEventKind.AGENDA_ADDED, actor, title=title, source=source)


def session_held_event(
    *, session: Session, actor: Any, attendance: list[int], resolutions: int
) -> SessionEvent:
    return _session(session, SessionEventKind.HELD, actor, attendance=attendance, resolutions=resolutions)


def session_room_booked_event(*, session: Session, actor: Any) -> SessionEvent:
    booking = session.booking
    assert booking is not None
    return _session(
        session,
        SessionEventKind.ROOM_BOOKED,
        actor,
        room=session.room_id,
        booking=booking.pk,
        starts_at=booking.starts_at.isoformat(),
        ends_at=booking.ends_at.isoformat(),
    )


def session_ended_event(*, session: Session, actor: Any, status: str, note: str) -> SessionEvent:
    kind = SessionEventKind.CANCELLED if status == "cancelled" else SessionEventKind.CLOSED
    return _session(session, kind, actor, note=note)


# --- tasks from resolutions -----------------------------------------------------------------------


def _task(task: Task, kind: str, actor: Any, **payload: Any) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, payload=payload, **actor_fields(actor))


def task_resolved_event(*, task: Task, actor: Any, session: int, due: dt.date) -> TaskEvent:
    return _task(task, TaskEventKind.RESOLVED, actor, session=session, due=due.isoformat())


def task_progress_event(*, task: Task, actor: Any, progress: int, note: str) -> TaskEvent:
    return _task(task, TaskEventKind.PROGRESS, actor, progress=progress, note=note)


def task_done_event(*, task: Task, actor: Any, note: str) -> TaskEvent:
    return _task(task, TaskEventKind.DONE, actor, note=note)


def task_reviewed_event(*, task: Task, actor: Any, session: int, accepted: bool, note: str) -> TaskEvent:
    kind = TaskEventKind.CLOSED if accepted else TaskEventKind.REOPENED
    return _task(task, kind, actor, session=session, note=note)


def task_overdue_event(*, task: Task, due: dt.date) -> TaskEvent:
    return _task(task, TaskEventKind.OVERDUE, None, due=due.isoformat())


def task_cancelled_event(*, task: Task, actor: Any, reason: str) -> TaskEvent:
    return _task(task, TaskEventKind.CANCELLED, actor, reason=reason)


# --- admission (准入制) ---------------------------------------------------------------------------


def _admission(request: AdmissionRequest, kind: str, actor: Any, **payload: Any) -> AdmissionEvent:
    return AdmissionEvent.objects.create(request=request, kind=kind, payload=payload, **actor_fields(actor))


def admission_pushed_event(
    *, request: AdmissionRequest, actor: Any, status: str, item: int | None, rule: str
) -> AdmissionEvent:
    return _admission(request, "pushed", actor, status=status, item=item, rule=rule)


def admission_decided_event(
    *, request: AdmissionRequest, actor: Any, status: str, note: str
) -> AdmissionEvent:
    return _admission(request, status, actor, note=note)


# --- accountability items of a decision (落实事项) ---------------------------------------------------


def _result(result: Result, kind: str, actor: Any, **payload: Any) -> ResultEvent:
    return ResultEvent.objects.create(result=result, kind=kind, payload=payload, **actor_fields(actor))


def result_added_event(*, result: Result, actor: Any, due: dt.date, owner: str) -> ResultEvent:
    return _result(result, "added", actor, due=due.isoformat(), owner=owner)


def result_progress_event(
    *, result: Result, actor: Any, progress: int, status: str, note: str, derived: bool = False
) -> ResultEvent:
    """A progress report (``derived``: the parent's progress weighted anew from its sub-results)."""
    return _result(result, "progress", actor, progress=progress, status=status, note=note, derived=derived)


def result_cancelled_event(*, result: Result, actor: Any, reason: str) -> ResultEvent:
    return _result(result, "cancelled", actor, reason=reason)
