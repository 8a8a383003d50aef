"""Check-in and check-out (by the activity's QR token or the organiser's roll call), no-shows and
the sweep that closes check-ins nobody closed.

Hours = checked time capped by the activity's length; a checked-out sign-up's hours wait for the
organiser's decision (``hours.hours_decide``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.volunteering import access, events
from quanyu.volunteering.conf import auto_close_after, early_checkin, late_grace, reminder_before
from quanyu.volunteering.models import Activity, Signup, Volunteer
from quanyu.volunteering.notifications import remind
from quanyu.volunteering.services.signups import own_volunteer
from quanyu.volunteering.states import ALLOWED, HoursStatus, SignupStatus
from quanyu.volunteering.tokens import read_token


def capped_minutes(activity: Activity, start: dt.datetime, end: dt.datetime) -> int:
    worked = int(max(0.0, (end - start).total_seconds()) // 60)
    return min(worked, activity.length_minutes)


def _lock_signup(signup: Signup) -> Signup:
    return lock(Signup.objects.select_related("volunteer", "activity__project__team")).get(pk=signup.pk)


def _own_signup_for_token(actor: Any, token: str) -> Signup:
    activity_id = read_token(token)
    volunteer = own_volunteer(actor)
    signup = (
        Signup.objects.select_related("activity__project__team", "volunteer")
        .filter(activity_id=activity_id, volunteer=volunteer)
        .exclude(status__in=[SignupStatus.CANCELLED, SignupStatus.DECLINED])
        .order_by("-position")
        .first()
    )
    if signup is None:
        raise TransitionError(_("您没有该活动的有效报名，不能签到"), code="not_signed_up")
    return signup


def _check_in(*, actor: Any, signup: Signup, by: str, at: dt.datetime | None) -> Signup:
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_signup(signup)
        check_transition(
            ALLOWED,
            locked.status,
            SignupStatus.CHECKED_IN,
            labels=SignupStatus,
            seen=signup.status,
            action=_("签到"),
            what=_("报名"),
        )
        activity = locked.activity
        if at < activity.starts_at - early_checkin() or at > activity.ends_at:
            raise ValidationError({"at": [_("不在活动签到时间内")]})
        locked.status = SignupStatus.CHECKED_IN
        locked.checked_in_at = at
        locked.late = at > activity.starts_at + late_grace()
        locked.save(update_fields=["status", "checked_in_at", "late"])
        events.checked_in_event(signup=locked, actor=actor, at=at, by=by, late=locked.late)
    return locked


def _check_out(*, actor: Any, signup: Signup, by: str, at: dt.datetime | None) -> Signup:
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_signup(signup)
        check_transition(
            ALLOWED,
            locked.status,
            SignupStatus.CHECKED_OUT,
            labels=SignupStatus,
            seen=signup.status,
            action=_("签退"),
            what=_("报名"),
        )
        assert locked.checked_in_at is not None
        if at < locked.checked_in_at:
            raise ValidationError({"at": [_("签退时间不能早于签到时间")]})
        locked.status = SignupStatus.CHECKED_OUT
        locked.checked_out_at = at
        locked.minutes = capped_minutes(locked.activity, locked.checked_in_at, at)
        locked.hours_status = HoursStatus.PENDING
        locked.save(update_fields=["status", "checked_out_at", "minutes", "hours_status"])
        events.checked_out_event(signup=locked, actor=actor, at=at, by=by, minutes=locked.minutes)
    return locked


def check_in_by_qr(*, actor: Any, token: str) -> Signup:
    """The volunteer scanned the activity's QR code: check in their own sign-up."""
    return _check_in(actor=actor, signup=_own_signup_for_token(actor, token), by="qr", at=None)


def check_out_by_qr(*, actor: Any, token: str) -> Signup:
    return _check_out(actor=actor, signup=_own_signup_for_token(actor, token), by="qr", at=None)


def rollcall_check_in(*, actor: Any, signup: Signup, at: dt.datetime | None = None) -> Signup:
    """The organiser's roll call: the volunteer is here."""
    access.require_organiser(actor, signup.activity.project.team)
    return _check_in(actor=actor, signup=signup, by="rollcall", at=at)


def rollcall_check_out(*, actor: Any, signup: Signup, at: dt.datetime | None = None) -> Signup:
    access.require_organiser(actor, signup.activity.project.team)
    return _check_out(actor=actor, signup=signup, by="rollcall", at=at)


def _record_no_show(*, actor: Any, signup: Signup) -> Signup:
    locked = _lock_signup(signup)
    check_transition(
        ALLOWED,
        locked.status,
        SignupStatus.NO_SHOW,
        labels=SignupStatus,
        seen=signup.status,
        action=_("记为缺席"),
        what=_("报名"),
    )
    volunteer = lock(Volunteer.objects).get(pk=locked.volunteer_id)
    locked.status = SignupStatus.NO_SHOW
    locked.save(update_fields=["status"])
    volunteer.no_shows += 1
    volunteer.save(update_fields=["no_shows"])
    events.no_show_event(signup=locked, actor=actor, no_shows=volunteer.no_shows)
    return locked


def signup_no_show(*, actor: Any, signup: Signup) -> Signup:
    """The organiser records that a confirmed volunteer did not come (after the start)."""
    access.require_organiser(actor, signup.activity.project.team)
    if timezone.now() < signup.activity.starts_at:
        raise ValidationError({"signup": [_("活动开始后才能记为缺席")]})
    with transaction.atomic():
        return _record_no_show(actor=actor, signup=signup)


@dataclass
class SweepResult:
    auto_closed: int = 0
    no_shows: int = 0
    reminded: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"auto_closed": self.auto_closed, "no_shows": self.no_shows, "reminded": self.reminded}


def _remind(now: dt.datetime, result: SweepResult) -> None:
    """Confirmed volunteers of activities starting within ``reminder_before()``: told once."""
    due = Signup.objects.filter(
        status=SignupStatus.CONFIRMED,
        reminded_at__isnull=True,
        activity__starts_at__gt=now,
        activity__starts_at__lte=now + reminder_before(),
    ).values_list("pk", flat=True)[:2000]
    for pk in list(due):
        with transaction.atomic():
            row = (
                lock(Signup.objects.select_related("volunteer", "activity"), skip_locked=True)
                .filter(pk=pk, reminded_at__isnull=True, status=SignupStatus.CONFIRMED)
                .first()
            )
            if row is None:
                continue
            row.reminded_at = now
            row.save(update_fields=["reminded_at"])
            remind(row)
            result.reminded += 1


def sweep_attendance(*, now: dt.datetime | None = None) -> SweepResult:
    """Remind confirmed volunteers the day before; close check-ins left open past the activity's
    end + the grace (flagged ``auto_closed``, the hours counted up to the end and left for the
    organiser to approve), and record confirmed volunteers who never came as no-shows.
    Idempotent; rows another sweep holds are skipped."""
    now = now or timezone.now()
    cutoff = now - auto_close_after()
    result = SweepResult()
    _remind(now, result)
    open_ids = list(
        Signup.objects.filter(status=SignupStatus.CHECKED_IN, activity__ends_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in open_ids:
        with transaction.atomic():
            row = (
                lock(Signup.objects.select_related("activity"), skip_locked=True)
                .filter(pk=pk, status=SignupStatus.CHECKED_IN)
                .first()
            )
            if row is None or row.checked_in_at is None:
                continue
            end = row.activity.ends_at
            row.status = SignupStatus.CHECKED_OUT
            row.checked_out_at = end
            row.auto_closed = True
            row.minutes = capped_minutes(row.activity, row.checked_in_at, end)
            row.hours_status = HoursStatus.PENDING
            row.save(update_fields=["status", "checked_out_at", "auto_closed", "minutes", "hours_status"])
            events.auto_closed_event(signup=row, at=now, minutes=row.minutes)
            result.auto_closed += 1
    absent_ids = list(
        Signup.objects.filter(status=SignupStatus.CONFIRMED, activity__ends_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in absent_ids:
        with transaction.atomic():
            row = lock(Signup.objects, skip_locked=True).filter(pk=pk, status=SignupStatus.CONFIRMED).first()
            if row is None:
                continue
            _record_no_show(actor=None, signup=row)
            result.no_shows += 1
    return result
