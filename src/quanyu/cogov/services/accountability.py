"""Accountability items of a decision (落实事项, after Decidim's accountability): once a deliberation
is decided, the community's staff set out who does what by when; progress is reported on each item
(a parent's progress is the weighted mean of its sub-results', its status follows them); the items
and their dated history are public, and the residents who gave opinions are told of each change.

Each step: plain input first, then the row locks (the deliberation, then the item and its parent),
the actor check, the table check, the write and its events, the notices, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.cogov import access
from quanyu.cogov import events as ev
from quanyu.cogov.models import Deliberation, Opinion, Result
from quanyu.cogov.services import _input
from quanyu.cogov.states import RESULT_ALLOWED, RESULT_OPEN, DeliberationStatus, ResultStatus
from quanyu.core.workflow import check_transition, lock
from quanyu.notify.services import notify_send
from quanyu.orgs.models import Unit

R = ResultStatus
D = DeliberationStatus
# A decision is carried out from the moment it is taken until its result is published.
DECIDED = frozenset({D.DECIDED, D.PUBLISHED, D.RESULT_PUBLISHED})
LINK = "/cogov/deliberations/{id}/"


def status_for(progress: int, current: str = R.PLANNED) -> str:
    """Done at 100 %; under way once started (a parent whose sub-results fall back to 0 % stays
    under way: work was done)."""
    if progress >= 100:
        return R.DONE
    return R.IN_PROGRESS if progress > 0 or current == R.IN_PROGRESS else R.PLANNED


def weighted(children: list[Result]) -> int:
    """The weighted progress of sub-results, cancelled ones left out (0 when none is left)."""
    live = [c for c in children if c.status != R.CANCELLED]
    total = sum(c.weight for c in live)
    if not total:
        return 0
    return sum(c.progress * c.weight for c in live) // total


def _lock_deliberation(d: Deliberation) -> Deliberation:
    return lock(Deliberation.objects).select_related("community").get(pk=d.pk)


def _tell_opinion_givers(d: Deliberation, result: Result, title: str) -> None:
    """The residents who gave opinions on the deliberation, told in the step's transaction."""
    authors = {o.author for o in Opinion.objects.filter(deliberation=d).select_related("author")}
    if not authors:
        return
    notify_send(
        recipients=sorted(authors, key=lambda u: u.pk),
        kind="cogov_result",
        title=title,
        body=f"{result.title}：{R(result.status).label} {result.progress}%",
        link=LINK.format(id=d.pk),
    )


def result_add(
    *,
    actor: Any,
    deliberation: Deliberation,
    title: str,
    owner: str,
    due: dt.date,
    owner_unit: Unit | None = None,
    weight: int = 1,
    parent: Result | None = None,
) -> Result:
    """An item (or a sub-result of ``parent``) of a decided deliberation."""
    title = _input.text(title, "title", _("落实事项"), max_length=200)
    owner = _input.text(owner, "owner", _("责任人/责任单位"), max_length=150)
    due = _input.date(due, "due", _("完成时限"))
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationError({"weight": _("权重须为1到100的整数")})
    if parent is not None and parent.deliberation_id != deliberation.pk:
        raise ValidationError({"parent": _("上级事项不属于本协商")})
    if parent is not None and parent.parent_id is not None:
        raise ValidationError({"parent": _("子事项下不能再设子事项")})
    with transaction.atomic():
        d = _lock_deliberation(deliberation)
        access.require_keeper(actor, d.community.path)
        if d.status not in DECIDED:
            raise ValidationError({"deliberation": _("协商形成决议后才能确定落实事项")})
        if parent is not None:
            parent = lock(Result.objects).get(pk=parent.pk)
            if parent.status not in RESULT_OPEN:
                raise ValidationError({"parent": _("上级事项已完成或已取消")})
        result = Result.objects.create(
            deliberation=d,
            parent=parent,
            title=title,
            owner=owner,
            owner_unit=owner_unit,
            due=due,
            weight=weight,
        )
        ev.result_added_event(result=result, actor=actor, due=due, owner=owner)
        if parent is not None:
            _roll_up(actor, parent)
        _tell_opinion_givers(d, result, _("协商决议新增落实事项"))
    return result


def _set(actor: Any, locked: Result, seen: str, progress: int, note: str, *, derived: bool) -> None:
    target = status_for(progress, locked.status)
    check_transition(
        RESULT_ALLOWED, locked.status, target, labels=R, seen=seen, action=_("报告进度"), what=_("落实事项")
    )
    locked.progress, locked.status = progress, target
    locked.done_on = timezone.localdate() if target == R.DONE else None
    locked.save(update_fields=["progress", "status", "done_on"])
    ev.result_progress_event(
        result=locked, actor=actor, progress=progress, status=target, note=note, derived=derived
    )


def _roll_up(actor: Any, parent: Result) -> None:
    """The parent (locked by the caller) takes the weighted progress of its sub-results."""
    children = list(Result.objects.filter(parent=parent))
    progress = weighted(children)
    if parent.status in RESULT_OPEN and progress != parent.progress:
        _set(actor, parent, parent.status, progress, _("按子事项进度计算"), derived=True)


def result_progress(*, actor: Any, result: Result, progress: Any, note: str) -> Result:
    """Progress on an item without sub-results (100 % is done); its parent follows."""
    value = _input.percent(progress, "progress")
    note = _input.text(note, "note", _("进展说明"), max_length=2000)
    with transaction.atomic():
        d = _lock_deliberation(result.deliberation)
        access.require_keeper(actor, d.community.path)
        locked = lock(Result.objects).get(pk=result.pk)
        if Result.objects.filter(parent=locked).exists():
            raise ValidationError({"progress": _("有子事项的事项按子事项进度计算")})
        if value < locked.progress and locked.status in RESULT_OPEN:
            raise ValidationError({"progress": _("进度不能低于已报告的%(p)d%%") % {"p": locked.progress}})
        _set(actor, locked, result.status, value, note, derived=False)
        if locked.parent_id is not None:
            _roll_up(actor, lock(Result.objects).get(pk=locked.parent_id))
        _tell_opinion_givers(d, locked, _("协商决议落实事项有新进展"))
    return locked


def result_cancel(*, actor: Any, result: Result, reason: str) -> Result:
    reason = _input.text(reason, "reason", _("原因"), max_length=500)
    with transaction.atomic():
        d = _lock_deliberation(result.deliberation)
        access.require_keeper(actor, d.community.path)
        locked = lock(Result.objects).get(pk=result.pk)
        check_transition(
            RESULT_ALLOWED,
            locked.status,
            R.CANCELLED,
            labels=R,
            seen=result.status,
            action=_("取消"),
            what=_("落实事项"),
        )
        locked.status = R.CANCELLED
        locked.save(update_fields=["status"])
        ev.result_cancelled_event(result=locked, actor=actor, reason=reason)
        if locked.parent_id is not None:
            _roll_up(actor, lock(Result.objects).get(pk=locked.parent_id))
        _tell_opinion_givers(d, locked, _("协商决议落实事项已取消"))
    return locked


def overall(results: list[Result]) -> int:
    """The decision's progress: the weighted mean of its top-level items."""
    return weighted([r for r in results if r.parent_id is None])
