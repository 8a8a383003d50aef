"""State tables of volunteering: a sign-up to an activity, the hours it earned, a correction
request. Only services assign ``status``; each change is checked against these tables.

A sign-up::

    pending ──approve──▶ confirmed / waiting          (after too many no-shows)
       │  └──decline──▶ declined
    waiting ──a place frees──▶ confirmed
    confirmed ──check in──▶ checked_in ──check out (or the sweep)──▶ checked_out
        └──────────── no-show ──▶ no_show
    pending / waiting / confirmed ──cancel──▶ cancelled

Hours (on a checked-out sign-up): pending → approved | declined (declined, never deleted).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    WAITING = "waiting", _("候补")
    CONFIRMED = "confirmed", _("已报名")
    CHECKED_IN = "checked_in", _("已签到")
    CHECKED_OUT = "checked_out", _("已签退")
    NO_SHOW = "no_show", _("缺席")
    CANCELLED = "cancelled", _("已取消")
    DECLINED = "declined", _("未通过")


ALLOWED: dict[str, frozenset[str]] = {
    SignupStatus.PENDING: frozenset(
        {SignupStatus.CONFIRMED, SignupStatus.WAITING, SignupStatus.DECLINED, SignupStatus.CANCELLED}
    ),
    SignupStatus.WAITING: frozenset({SignupStatus.CONFIRMED, SignupStatus.CANCELLED}),
    SignupStatus.CONFIRMED: frozenset(
        {SignupStatus.CHECKED_IN, SignupStatus.NO_SHOW, SignupStatus.CANCELLED}
    ),
    SignupStatus.CHECKED_IN: frozenset({SignupStatus.CHECKED_OUT}),
    SignupStatus.CHECKED_OUT: frozenset(),
    SignupStatus.NO_SHOW: frozenset(),
    SignupStatus.CANCELLED: frozenset(),
    SignupStatus.DECLINED: frozenset(),
}
INITIAL_STATUSES = frozenset({SignupStatus.PENDING, SignupStatus.WAITING, SignupStatus.CONFIRMED})
# A volunteer holds at most one sign-up in these states per activity.
LIVE_STATUSES = frozenset(
    {SignupStatus.PENDING, SignupStatus.WAITING, SignupStatus.CONFIRMED, SignupStatus.CHECKED_IN}
)
FINAL_STATUSES = frozenset(s for s, targets in ALLOWED.items() if not targets)


class HoursStatus(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已认定")
    DECLINED = "declined", _("不予认定")


HOURS_ALLOWED: dict[str, frozenset[str]] = {
    HoursStatus.NONE: frozenset({HoursStatus.PENDING}),
    HoursStatus.PENDING: frozenset({HoursStatus.APPROVED, HoursStatus.DECLINED}),
    HoursStatus.APPROVED: frozenset(),
    HoursStatus.DECLINED: frozenset(),
}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已更正")
    REJECTED = "rejected", _("已驳回")


CORRECTION_ALLOWED: dict[str, frozenset[str]] = {
    CorrectionStatus.PENDING: frozenset({CorrectionStatus.APPROVED, CorrectionStatus.REJECTED}),
    CorrectionStatus.APPROVED: frozenset(),
    CorrectionStatus.REJECTED: frozenset(),
}
