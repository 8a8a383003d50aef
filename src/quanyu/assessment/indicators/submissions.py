"""The assessed side's submission deadline (材料提交期限) of a set's hand-scored entries, per
period, and who missed it (docs/WORKFLOWS.md: deadlines are timestamps set when they are given,
"overdue" is derived when read, the sweep only tells).

* ``deadline_set``: the assessor (``access.can_edit``) gives the last day to submit for a period;
  it is kept as the timestamp it ends (local midnight after that day) and may be moved, each
  change an event. ``entry_submit`` refuses a submission at or past it (``deadline_check``).
* ``overdue_for``: for each period whose deadline passed, each hand-scored indicator and target
  without a submitted (or scored) entry: missing, or returned and not submitted again.
* ``evidence_remove``: the assessed side (or the assessor) takes back one evidence file of an
  entry not yet scored, before the deadline (a wrong file uploaded); an event names it, and the
  stored file goes when the transaction commits.
* ``deadlines_sweep``: once a deadline passed, the assessors are told once how many are overdue
  (``overdue_told``, set in the transaction that sends it; rows claimed with ``SKIP LOCKED``);
  run with the scoring reminders (``reminders.entries_remind``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.assessment.indicators import access, events
from quanyu.assessment.indicators.compute import targets_for
from quanyu.assessment.indicators.registry import UNIT
from quanyu.assessment.models import (
    EntryEvidence,
    EntryStatus,
    IndicatorSet,
    ManualEntry,
    PeriodStatus,
    ScorePeriod,
    Source,
    SubmissionDeadline,
)
from quanyu.assessment.periods import Period, local_midnight
from quanyu.core.clock import local, local_today
from quanyu.core.workflow import lock

KIND = "assessment_submission_overdue"


def _parse_day(raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise ValidationError({"due_on": _("截止日期须为 YYYY-MM-DD 格式的日期")}) from None


def deadline_set(
    *, actor: Any, indicator_set: IndicatorSet, period: Period, due_on: Any
) -> SubmissionDeadline:
    """Set (or move) the last day the assessed side may submit for ``period``: the day must be
    today or later, within a year of the set's year."""
    day = _parse_day(due_on)
    if period.year != indicator_set.year:
        raise ValidationError({"period": _("考核期间须在 %(y)d 年度内") % {"y": indicator_set.year}})
    if day < local_today():
        raise ValidationError({"due_on": _("截止日期不能早于今天")})
    if day.year > indicator_set.year + 1:
        raise ValidationError({"due_on": _("截止日期须在 %(y)d 年底前") % {"y": indicator_set.year + 1}})
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        access.require_editor(actor, locked)
        due_at = local_midnight(day + dt.timedelta(days=1))
        deadline, created = SubmissionDeadline.objects.select_for_update().get_or_create(
            indicator_set=locked, period=period.key, defaults={"due_at": due_at, "set_by": actor}
        )
        before = None if created else deadline.due_at
        if not created:
            deadline.due_at, deadline.set_by, deadline.overdue_told = due_at, actor, False
            deadline.save()
        events.deadline_set_event(
            indicator_set=locked,
            actor=actor,
            period=period.key,
            due_on=day.isoformat(),
            before=None if before is None else (local(before) - dt.timedelta(days=1)).date().isoformat(),
        )
    return deadline


def deadline_of(indicator_set: IndicatorSet, period_key: str) -> SubmissionDeadline | None:
    return SubmissionDeadline.objects.filter(indicator_set=indicator_set, period=period_key).first()


def last_day(deadline: SubmissionDeadline) -> dt.date:
    """The last day one may submit (the deadline ends at the following midnight)."""
    return (local(deadline.due_at) - dt.timedelta(days=1)).date()


def deadline_check(
    indicator_set: IndicatorSet, period_key: str, now: dt.datetime, *, removing: bool = False
) -> None:
    """Refuse a submission (or, ``removing``, taking an evidence file back) at or past the
    period's deadline (called inside ``entry_submit`` and ``evidence_remove``)."""
    deadline = deadline_of(indicator_set, period_key)
    if deadline is None or now < deadline.due_at:
        return
    when = {"p": period_key, "d": last_day(deadline).isoformat()}
    if removing:
        raise ValidationError(
            {"evidence": _("%(p)s 的自评材料已于 %(d)s 截止提交，佐证文件不能再撤回") % when}
        )
    raise ValidationError(
        {
            "period": _("%(p)s 的自评材料已于 %(d)s 截止提交，不能再提交；如需补交请联系考核单位延长期限")
            % when
        }
    )


def evidence_remove(*, actor: Any, evidence: EntryEvidence) -> ManualEntry:
    """Take one evidence file off a hand-scored entry: by whoever may submit for its target,
    while the entry waits for scoring or was returned (a scored entry keeps what was scored),
    its period is not frozen and the submission deadline has not passed. Locks the set, then the
    entry (``entry_submit``'s order)."""
    with transaction.atomic():
        set_id = evidence.entry.indicator.indicator_set_id  # loaded with the file by evidence_get_for
        indicator_set = lock(IndicatorSet.objects).select_related("area").get(pk=set_id)
        entry = lock(ManualEntry.objects).select_related("indicator", "target_area").get(pk=evidence.entry_id)
        access.require_submitter(
            actor,
            indicator_set,
            area_path=entry.target_area.path if entry.target_area else None,
            unit_id=entry.target_unit_id,
        )
        found = EntryEvidence.objects.filter(pk=evidence.pk, entry=entry).first()
        if found is None:
            raise ValidationError({"evidence": _("该佐证文件已不在此自评材料中")})
        if entry.status == EntryStatus.SCORED:
            raise ValidationError({"evidence": _("自评材料已评分，佐证文件不能再撤回")})
        if ScorePeriod.objects.filter(
            indicator_set=indicator_set, period=entry.period, status=PeriodStatus.FROZEN
        ).exists():
            raise ValidationError(
                {"evidence": _("%(p)s 考核期已冻结，佐证文件不能再撤回") % {"p": entry.period}}
            )
        deadline_check(indicator_set, entry.period, timezone.now(), removing=True)
        name, stored = found.name, found.file.name
        storage = found.file.storage
        found.delete()
        events.evidence_removed_event(entry=entry, actor=actor, name=name)
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
    return entry


@dataclass
class Overdue:
    period: str
    last_day: dt.date
    indicator: str
    indicator_id: int
    target: str
    target_id: int
    returned: bool  # returned by the assessor and not submitted again (else: never submitted)


def overdue_for(indicator_set: IndicatorSet, *, now: dt.datetime | None = None) -> list[Overdue]:
    """Who missed a passed deadline of the set (see the module docstring), by period."""
    now = now or timezone.now()
    passed = list(SubmissionDeadline.objects.filter(indicator_set=indicator_set, due_at__lte=now))
    if not passed:
        return []
    manual = list(indicator_set.indicators.filter(source=Source.MANUAL).order_by("position"))
    if not manual:
        return []
    targets = targets_for(indicator_set)
    unit = indicator_set.level == "unit"
    entries = ManualEntry.objects.filter(
        indicator__in=manual, period__in=[d.period for d in passed]
    ).values_list("indicator_id", "period", "target_area_id", "target_unit_id", "status")
    status = {(i, p, u if unit else a): s for i, p, a, u, s in entries}
    out = []
    for d in sorted(passed, key=lambda d: (d.due_at, d.period)):
        for ind in manual:
            for t in targets:
                if (t.kind == UNIT) != unit:
                    continue
                s = status.get((ind.pk, d.period, t.pk))
                if s in (EntryStatus.SUBMITTED, EntryStatus.SCORED):
                    continue
                out.append(
                    Overdue(d.period, last_day(d), ind.name, ind.pk, t.name, t.pk, s == EntryStatus.RETURNED)
                )
    return out


def deadlines_sweep(*, now: dt.datetime | None = None) -> int:
    """Tell the assessors of each deadline that passed (once) who missed it; the notifications
    sent."""
    from quanyu.assessment.indicators.reminders import notify_scorers

    now = now or timezone.now()
    told = 0
    due = SubmissionDeadline.objects.filter(due_at__lte=now, overdue_told=False).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            d = lock(SubmissionDeadline.objects, skip_locked=True).filter(pk=pk, overdue_told=False).first()
            if d is None:
                continue
            d.overdue_told = True
            d.save(update_fields=["overdue_told"])
            indicator_set = IndicatorSet.objects.select_related("area").get(pk=d.indicator_set_id)
            missed = [o for o in overdue_for(indicator_set, now=now) if o.period == d.period]
            if missed:
                title = _("考核材料逾期提醒：「%(s)s」%(p)s 有 %(n)d 项自评材料逾期未提交（%(d)s 截止）") % {
                    "s": indicator_set.name,
                    "p": d.period,
                    "n": len(missed),
                    "d": last_day(d).isoformat(),
                }
                told += notify_scorers(indicator_set, kind=KIND, title=title)
            events.deadline_passed_event(indicator_set=indicator_set, period=d.period, overdue=len(missed))
    return told
