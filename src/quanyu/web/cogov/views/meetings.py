"""Joint-meeting pages: bodies with their sessions, a session with its agenda, attendance, minutes and
resolutions (→ tasks), the task list with the overdue board, a task with its progress and review."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.cogov import selectors, services
from quanyu.cogov.access import is_keeper, speaks_for
from quanyu.cogov.models import Session, Task
from quanyu.cogov.states import SessionStatus, TaskStatus
from quanyu.orgs.models import Unit
from quanyu.venues.models import Room
from quanyu.venues.selectors import bookable_rooms_for
from quanyu.web.cogov.views.common import PER_PAGE, int_or_none, run_step

RESOLUTION_ROWS = 3


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    bodies = selectors.body_list_for(actor=request.user).order_by("area__path", "name")
    sessions = selectors.session_list_for(actor=request.user).order_by("-held_on", "id")
    context = {
        "bodies": Paginator(bodies, PER_PAGE).get_page(request.GET.get("page")),
        "sessions": sessions[:PER_PAGE],
    }
    return render(request, "web/cogov/bodies.html", context)


def _session_page(request: HttpRequest, session: Session, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "session": session,
        "members": list(session.body.members.all()),
        "agenda": list(session.agenda.all()),
        "tasks": list(session.tasks.select_related("owner_unit")),
        "timeline": selectors.session_timeline(session=session),
        "keeper": is_keeper(request.user, session.body.area.path),
        "units": Unit.objects.order_by("name")[:500] if session.status == SessionStatus.PLANNED else [],
        "resolution_rows": range(RESOLUTION_ROWS),
        "rooms": bookable_rooms_for(request.user)[:300] if session.status == SessionStatus.PLANNED else [],
        "error": error,
    }
    return render(request, "web/cogov/session.html", context, status=status)


def _offered_room(actor: Any, value: Any) -> Room:
    """A room the keeper may book (venues' rule); any other is a 400 naming ``room``."""
    text = str(value or "")
    room = bookable_rooms_for(actor).filter(pk=int(text)).first() if text.isdigit() else None
    if room is None:
        raise ValidationError({"room": [_("功能室不存在或您无权预约")]})
    return room


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, selectors.session_get_for(actor=request.user, session_id=session_id))


def _resolutions(request: HttpRequest) -> list[dict[str, Any]]:
    p = request.POST
    rows = []
    for i in range(RESOLUTION_ROWS):
        text = p.get(f"resolution_{i}", "").strip()
        if not text:
            continue
        unit = Unit.objects.filter(pk=int_or_none(p.get(f"owner_unit_{i}")) or 0).first()
        rows.append({"resolution": text, "owner_unit": unit, "due": p.get(f"due_{i}", "")})
    return rows


@login_required
@require_POST
def session_step(request: HttpRequest, session_id: int, step: str) -> HttpResponse:
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    p = request.POST
    actor = request.user
    steps = {
        "agenda": lambda: services.session_add_agenda(
            actor=actor, session=session, title=p.get("title", ""), note=p.get("note", "")
        ),
        "hold": lambda: services.session_hold(
            actor=actor,
            session=session,
            attendance=[int(x) for x in p.getlist("attendance") if x.isdigit()],
            minutes=p.get("minutes", ""),
            resolutions=_resolutions(request),
        ),
        "close": lambda: services.session_close(actor=actor, session=session, note=p.get("note", "")),
        "cancel": lambda: services.session_cancel(actor=actor, session=session, note=p.get("note", "")),
        "room": lambda: services.session_book_room(
            actor=actor,
            session=session,
            room=_offered_room(actor, p.get("room")),
            starts_at=parse_datetime(p.get("starts_at", "") or ""),
            ends_at=parse_datetime(p.get("ends_at", "") or ""),
        ),
    }
    if step not in steps:
        return _session_page(request, session, _("未知操作"), 400)
    return run_step(
        request,
        steps[step],
        done=_("已保存"),
        success_url=reverse("web:cogov_session", args=[session.pk]),
        again=lambda error, status: _session_page(request, session, error, status),
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    tasks = selectors.task_list_for(
        actor=request.user,
        status=status if status in TaskStatus.values else None,
        overdue=True if overdue else None,
    )
    context = {
        "page": Paginator(tasks, PER_PAGE).get_page(request.GET.get("page")),
        "board": selectors.task_board_for(actor=request.user),
        "statuses": TaskStatus.choices,
        "status": status,
        "overdue": overdue,
        "today": timezone.localdate(),
    }
    return render(request, "web/cogov/tasks.html", context)


def _task_page(request: HttpRequest, task: Task, error: str = "", status: int = 200) -> HttpResponse:
    keeper = is_keeper(request.user, task.area.path)
    reviews = []
    if keeper and task.status == TaskStatus.DONE:
        reviews = list(
            selectors.session_list_for(actor=request.user, body=task.session.body)
            .filter(status=SessionStatus.HELD, held_on__gte=task.session.held_on)
            .exclude(pk=task.session_id)
        )
    context = {
        "task": task,
        "timeline": selectors.task_timeline(task=task),
        "keeper": keeper,
        "owner": keeper or speaks_for(request.user, [task.owner_unit_id]),
        "review_sessions": reviews,
        "error": error,
    }
    return render(request, "web/cogov/task.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_page(request, selectors.task_get_for(actor=request.user, task_id=task_id))


def _review_session(request: HttpRequest, task: Task) -> Session:
    found = (
        selectors.session_list_for(actor=request.user)
        .filter(pk=int_or_none(request.POST.get("session")) or 0)
        .first()
    )
    if found is None:
        raise ValidationError({"session": _("请选择审议会议")})
    return found


@login_required
@require_POST
def task_step(request: HttpRequest, task_id: int, step: str) -> HttpResponse:
    task = selectors.task_get_for(actor=request.user, task_id=task_id)
    p = request.POST
    actor = request.user
    steps = {
        "progress": lambda: services.task_report_progress(
            actor=actor, task=task, progress=p.get("progress", ""), note=p.get("note", "")
        ),
        "complete": lambda: services.task_complete(actor=actor, task=task, note=p.get("note", "")),
        "review": lambda: services.task_review(
            actor=actor,
            task=task,
            session=_review_session(request, task),
            accepted=p.get("accepted") == "1",
            note=p.get("note", ""),
        ),
        "cancel": lambda: services.task_cancel(actor=actor, task=task, reason=p.get("reason", "")),
    }
    if step not in steps:
        return _task_page(request, task, _("未知操作"), 400)
    return run_step(
        request,
        steps[step],
        done=_("已保存"),
        success_url=reverse("web:cogov_task", args=[task.pk]),
        again=lambda error, status: _task_page(request, task, error, status),
    )
