"""Reminders to score hand-scored entries (人工评分提醒): whoever must score a set's entries (its
editors: administrators and the organisation department at the set's area or above, and the
street's staff for a street's set of communities — ``access.can_edit``) is told through
``notify`` when submitted entries near their scoring deadline (``ManualEntry.due_on``, within
``REMIND_BEFORE_DAYS``) and again once it has passed.

The same sweep tells them once when a submission deadline passed with entries missing
(``submissions.deadlines_sweep``). ``entries_remind`` is the periodic sweep (Celery beat
``quanyu.assessment.remind_scoring``; the in-process scheduler in the embedded default).
Idempotent: each entry keeps how far it was reminded (``reminded``: 1 before the deadline, 2
after; a new submission starts again from 0), set
in the transaction that sends the notification, and the rows are claimed with ``SKIP LOCKED`` so
two sweeps at once tell each set once. One notification per set and stage, naming how many
entries wait; the set's history records it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.assessment.indicators import access, events
from quanyu.assessment.models import EntryStatus, IndicatorSet, Level, ManualEntry
from quanyu.core.clock import local
from quanyu.core.roles import Role
from quanyu.core.workflow import lock
from quanyu.notify.services import notify_send
from quanyu.tickets.notifications import staff_at

REMIND_BEFORE_DAYS = 2
DUE_SOON, OVERDUE = 1, 2
KIND = "assessment_scoring_due"


@dataclass
class ReminderResult:
    entries: int = 0
    notified: int = 0
    overdue_notified: int = 0  # told that a submission deadline passed (``submissions``)

    def as_dict(self) -> dict[str, int]:
        return {"entries": self.entries, "notified": self.notified, "overdue_notified": self.overdue_notified}


def _waiting(today: dt.date) -> Q:
    """Submitted entries due within the reminder window not yet told for it, or overdue and not
    yet told so."""
    soon = today + dt.timedelta(days=REMIND_BEFORE_DAYS)
    return Q(status=EntryStatus.SUBMITTED, due_on__isnull=False) & (
        Q(reminded__lt=DUE_SOON, due_on__lte=soon) | Q(reminded__lt=OVERDUE, due_on__lt=today)
    )


def scorers_of(indicator_set: IndicatorSet) -> list[Any]:
    """Those who score the set's entries (``access.can_edit``), active accounts only."""
    roles = set(access.EDITORS)
    if indicator_set.level == Level.COMMUNITY:
        roles.add(Role.STREET_STAFF)
    return [u for u in staff_at(indicator_set.area.path, roles) if access.can_edit(u, indicator_set)]


def notify_scorers(indicator_set: IndicatorSet, *, kind: str, title: str) -> int:
    """Tell the set's scorers ``title`` (linking to its entries); how many were told."""
    recipients = scorers_of(indicator_set)
    notify_send(recipients=recipients, kind=kind, title=title, link=_link(indicator_set.pk))
    return len(recipients)


def _link(set_id: int) -> str:
    try:
        return reverse("web:assessment_set", args=[set_id]) + "#entries"
    except NoReverseMatch:
        return ""


def _remind_set(set_id: int, today: dt.date, result: ReminderResult) -> None:
    with transaction.atomic():
        rows = list(
            lock(ManualEntry.objects, skip_locked=True)
            .filter(_waiting(today), indicator__indicator_set_id=set_id)
            .order_by("pk")
        )
        if not rows:
            return
        indicator_set = IndicatorSet.objects.select_related("area").get(pk=set_id)
        late = [e for e in rows if e.due_on is not None and e.due_on < today]
        for e in rows:
            e.reminded = OVERDUE if e in late else DUE_SOON
        ManualEntry.objects.bulk_update(rows, ["reminded"])
        first = min(e.due_on for e in rows if e.due_on is not None)
        if late:
            title = _("考核评分提醒：「%(s)s」有 %(n)d 份自评材料已超过评分期限（最早 %(d)s）") % {
                "s": indicator_set.name,
                "n": len(late),
                "d": first.isoformat(),
            }
        else:
            title = _("考核评分提醒：「%(s)s」有 %(n)d 份自评材料待评分，最早 %(d)s 到期") % {
                "s": indicator_set.name,
                "n": len(rows),
                "d": first.isoformat(),
            }
        recipients = scorers_of(indicator_set)
        notify_send(recipients=recipients, kind=KIND, title=title, link=_link(set_id))
        events.entries_reminded_event(
            indicator_set=indicator_set, entries=[e.pk for e in rows], overdue=len(late), told=len(recipients)
        )
        result.entries += len(rows)
        result.notified += len(recipients)


def entries_remind(*, now: dt.datetime | None = None) -> ReminderResult:
    """One sweep: tell the scorers of each set with entries waiting (see the module docstring)."""
    today = local(now or timezone.now()).date()
    result = ReminderResult()
    sets = (
        ManualEntry.objects.filter(_waiting(today))
        .order_by()
        .values_list("indicator__indicator_set_id", flat=True)
        .distinct()
    )
    for set_id in sorted(set(sets)):
        _remind_set(set_id, today, result)
    from quanyu.assessment.indicators.submissions import deadlines_sweep

    result.overdue_notified = deadlines_sweep(now=now)
    return result
