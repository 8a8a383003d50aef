"""Sign-ups: places up to the capacity, then a waiting list promoted in arrival order when a
place frees; approval first for volunteers with too many no-shows.

Every step locks the activity row first (then the sign-up): the activity's counters ``taken``
and ``arrivals`` change only under that lock, so 200 people signing up for 30 places at once get
exactly 30 places and 170 waiting positions in the order the lock was granted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.volunteering import access, events
from quanyu.volunteering.conf import no_show_limit
from quanyu.volunteering.models import Activity, Signup, Team, Volunteer
from quanyu.volunteering.notifications import tell_promoted
from quanyu.volunteering.states import ALLOWED, LIVE_STATUSES, SignupStatus

TAKES_PLACE = frozenset({SignupStatus.CONFIRMED, SignupStatus.CHECKED_IN, SignupStatus.CHECKED_OUT})


def own_volunteer(actor: Any) -> Volunteer:
    """The actor's own volunteer record (403 when the account is not a volunteer)."""
    if getattr(actor, "is_authenticated", False):
        # The ciphertexts stay unread (and undecrypted): a sign-up needs neither.
        found = Volunteer.objects.filter(user_id=actor.pk).defer("id_number", "phone").first()
        if found is not None:
            return found
    raise PermissionDenied(_("您还不是注册志愿者，请先登记"))


def _lock_activity(activity: Activity) -> Activity:
    return lock(Activity.objects.select_related("project__team")).get(pk=activity.pk)


def _lock_signup(signup: Signup) -> Signup:
    return lock(Signup.objects.select_related("volunteer", "activity__project__team")).get(pk=signup.pk)


def signup_create(
    *,
    actor: Any,
    activity: Activity | int,
    volunteer: Volunteer | None = None,
    at: dt.datetime | None = None,
) -> Signup:
    """Sign ``volunteer`` (default: the actor's own record) up for ``activity`` (or its id): a
    place while there is one, else the waiting list; pending approval after too many no-shows.
    ``at`` is when the sign-up happened (now; imports and the demo pass the recorded time).

    The hot path of a term-opening burst: one read of the volunteer, the activity row locked and
    re-read once (no joins), the duplicate check, two inserts (the sign-up and its event) and the
    counters' update; the team is read only when someone signs up another person."""
    volunteer = volunteer or own_volunteer(actor)
    activity_id = activity if isinstance(activity, int) else activity.pk
    if not access.is_self(actor, volunteer):
        team = activity.project.team if isinstance(activity, Activity) else _team_of(activity_id)
        access.require_organiser(actor, team)
    return sign_up_checked(actor=actor, activity_id=activity_id, volunteer=volunteer, at=at)


def sign_up_checked(*, actor: Any, activity_id: int, volunteer: Volunteer, at: dt.datetime | None) -> Signup:
    """The sign-up itself, once the caller has established who may sign ``volunteer`` up (the
    volunteer, an organiser, or a phone number proved by an SMS code)."""
    with transaction.atomic():
        try:
            locked = lock(Activity.objects).get(pk=activity_id)
        except Activity.DoesNotExist:
            raise Http404 from None
        now = at or timezone.now()
        if locked.cancelled_at is not None:
            raise ValidationError({"activity": [_("活动已取消")]})
        if now < locked.signup_opens:
            raise ValidationError({"activity": [_("报名尚未开始")]})
        if now > locked.signup_closes:
            raise ValidationError({"activity": [_("报名已截止")]})
        if Signup.objects.filter(
            activity_id=activity_id, volunteer=volunteer, status__in=LIVE_STATUSES
        ).exists():
            raise TransitionError(_("您已报名该活动，请勿重复报名"), code="duplicate")
        if volunteer.no_shows >= no_show_limit():
            status = SignupStatus.PENDING
        elif locked.taken < locked.capacity:
            status = SignupStatus.CONFIRMED
            locked.taken += 1
        else:
            status = SignupStatus.WAITING
        locked.arrivals += 1
        locked.save(update_fields=["taken", "arrivals"])
        signup = Signup.objects.create(
            activity=locked,
            volunteer=volunteer,
            status=status,
            position=locked.arrivals,
            scope_path=locked.scope_path,
        )
        events.signed_up_event(signup=signup, actor=actor, status=status, position=signup.position)
    return signup


def _team_of(activity_id: int) -> Team:
    found = Team.objects.filter(projects__activities=activity_id).first()
    if found is None:
        raise Http404
    return found


def signup_approve(*, actor: Any, signup: Signup) -> Signup:
    """The organiser admits a pending sign-up: a place if one is free, else the waiting list."""
    access.require_organiser(actor, signup.activity.project.team)
    with transaction.atomic():
        activity = _lock_activity(signup.activity)
        locked = _lock_signup(signup)
        target = SignupStatus.CONFIRMED if activity.taken < activity.capacity else SignupStatus.WAITING
        check_transition(
            ALLOWED,
            locked.status,
            target,
            labels=SignupStatus,
            seen=signup.status,
            action=_("审核通过"),
            what=_("报名"),
        )
        if target == SignupStatus.CONFIRMED:
            activity.taken += 1
            activity.save(update_fields=["taken"])
        locked.status = target
        locked.save(update_fields=["status"])
        events.approved_event(signup=locked, actor=actor, status=target)
    return locked


def signup_decline(*, actor: Any, signup: Signup, reason: str = "") -> Signup:
    access.require_organiser(actor, signup.activity.project.team)
    with transaction.atomic():
        locked = _lock_signup(signup)
        check_transition(
            ALLOWED,
            locked.status,
            SignupStatus.DECLINED,
            labels=SignupStatus,
            seen=signup.status,
            action=_("不予通过"),
            what=_("报名"),
        )
        locked.status = SignupStatus.DECLINED
        locked.save(update_fields=["status"])
        events.declined_event(signup=locked, actor=actor, reason=str(reason or "")[:300])
    return locked


def _promote_next(*, actor: Any, activity: Activity, freed_by: Signup) -> Signup | None:
    """The first on the waiting list takes the freed place (the activity is locked)."""
    nxt = (
        lock(Signup.objects.select_related("volunteer", "activity"))
        .filter(activity=activity, status=SignupStatus.WAITING)
        .order_by("position")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = SignupStatus.CONFIRMED
    nxt.save(update_fields=["status"])
    activity.taken += 1
    activity.save(update_fields=["taken"])
    events.promoted_event(signup=nxt, actor=actor, freed_by=freed_by.pk)
    tell_promoted(nxt)
    return nxt


def signup_cancel(*, actor: Any, signup: Signup) -> Signup:
    """The volunteer (or the organiser) cancels; a freed place goes to the first waiting."""
    access.require_self_or_organiser(actor, signup, signup.activity.project.team)
    with transaction.atomic():
        activity = _lock_activity(signup.activity)
        locked = _lock_signup(signup)
        check_transition(
            ALLOWED,
            locked.status,
            SignupStatus.CANCELLED,
            labels=SignupStatus,
            seen=signup.status,
            action=_("取消报名"),
            what=_("报名"),
        )
        was = locked.status
        locked.status = SignupStatus.CANCELLED
        locked.save(update_fields=["status"])
        events.cancelled_event(signup=locked, actor=actor, was=was)
        if was in TAKES_PLACE:
            activity.taken -= 1
            activity.save(update_fields=["taken"])
            _promote_next(actor=actor, activity=activity, freed_by=locked)
    return locked
