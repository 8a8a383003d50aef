"""Many self sign-ups in one transaction: the term-opening burst through the API's lane
(``quanyu.api.volunteering.lane``).

Each request is decided exactly as ``signups.sign_up_checked`` decides one (the same checks, in
the same order, with the same errors), in the order the requests came: the activities are locked
once for the batch, in pk order, and each takes its place, waiting position or approval from the
counters as the requests before it in the batch left them. The batch's sign-ups, their events and
the counters are then written in three statements instead of three per request.

A request that fails a check gets its exception in its place of the answer and writes nothing;
the others are written all the same (a refusal is never half-written: it writes nothing at all).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError, lock
from quanyu.core.workflow.events import actor_fields
from quanyu.volunteering.conf import no_show_limit
from quanyu.volunteering.models import Activity, Signup, SignupEvent, SignupEventKind, Volunteer
from quanyu.volunteering.states import LIVE_STATUSES, SignupStatus

Outcome = Signup | Exception


def self_signup_batch(requests: list[tuple[Any, int]], *, at: dt.datetime | None = None) -> list[Outcome]:
    """Sign each ``(actor, activity id)`` of ``requests`` up with the actor's own volunteer record:
    the sign-up (with ``activity`` and ``volunteer`` set) or the exception ``signup_create`` would
    have raised for it (403 not a volunteer, 404 no such activity, 400 closed or not yet open,
    duplicate), in the order of ``requests``."""
    outcomes: list[Outcome | None] = [None] * len(requests)
    users = {actor.pk for actor, _a in requests if getattr(actor, "is_authenticated", False)}
    # The ciphertexts stay unread (and undecrypted), as in ``own_volunteer``.
    found = Volunteer.objects.filter(user_id__in=users).defer("id_number", "phone")
    volunteers = {v.user_id: v for v in found}
    for i, (actor, _activity) in enumerate(requests):
        if volunteers.get(actor.pk) is None:
            outcomes[i] = PermissionDenied(_("您还不是注册志愿者，请先登记"))
    wanted = sorted({a for i, (_u, a) in enumerate(requests) if outcomes[i] is None})
    if not wanted:
        return [o for o in outcomes if o is not None]
    with transaction.atomic():
        activities = {a.pk: a for a in lock(Activity.objects).filter(pk__in=wanted).order_by("pk")}
        now = at or timezone.now()
        live = set(
            Signup.objects.filter(
                activity_id__in=wanted,
                volunteer_id__in=[v.pk for v in volunteers.values()],
                status__in=LIVE_STATUSES,
            ).values_list("activity_id", "volunteer_id")
        )
        limit = no_show_limit()
        made: list[tuple[int, Signup, Any]] = []
        for i, (actor, activity_id) in enumerate(requests):
            if outcomes[i] is not None:
                continue
            volunteer = volunteers[actor.pk]
            activity = activities.get(activity_id)
            refusal = _refusal(activity, volunteer, now, live)
            if refusal is not None:
                outcomes[i] = refusal
                continue
            assert activity is not None
            live.add((activity.pk, volunteer.pk))
            if volunteer.no_shows >= limit:
                status = SignupStatus.PENDING
            elif activity.taken < activity.capacity:
                status = SignupStatus.CONFIRMED
                activity.taken += 1
            else:
                status = SignupStatus.WAITING
            activity.arrivals += 1
            signup = Signup(
                activity=activity,
                volunteer=volunteer,
                status=status,
                position=activity.arrivals,
                scope_path=activity.scope_path,
            )
            made.append((i, signup, actor))
        if made:
            _write(made, activities, now)
    for i, signup, _actor in made:
        outcomes[i] = signup
    return [o for o in outcomes if o is not None]


def _refusal(
    activity: Activity | None, volunteer: Volunteer, now: dt.datetime, live: set[tuple[int, int]]
) -> Exception | None:
    """What ``sign_up_checked`` would raise for this request, in its order of checks."""
    if activity is None:
        return Http404()
    if now < activity.signup_opens:
        return ValidationError({"activity": [_("报名尚未开始")]})
    if now > activity.signup_closes:
        return ValidationError({"activity": [_("报名已截止")]})
    if (activity.pk, volunteer.pk) in live:
        return TransitionError(_("您已报名该活动，请勿重复报名"), code="duplicate")
    return None


def _write(made: list[tuple[int, Signup, Any]], activities: dict[int, Activity], now: dt.datetime) -> None:
    signups = Signup.objects.bulk_create([signup for _i, signup, _a in made])
    SignupEvent.objects.bulk_create(
        [
            SignupEvent(
                signup=signup,
                kind=SignupEventKind.SIGNED_UP,
                at=now,
                payload={"status": signup.status, "position": signup.position},
                **actor_fields(actor),
            )
            for signup, (_i, _s, actor) in zip(signups, made, strict=True)
        ]
    )
    touched = [activities[pk] for pk in sorted({signup.activity_id for _i, signup, _a in made})]
    if connection.vendor != "postgresql":
        Activity.objects.bulk_update(touched, ["taken", "arrivals"])
        return
    # One UPDATE from a list of values: bulk_update's CASE per row cost more to build than the
    # rest of the batch's statements together.
    table = connection.ops.quote_name(Activity._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * len(touched))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET taken = v.taken, arrivals = v.arrivals "  # noqa: S608 (the model's table)
            f"FROM (VALUES {rows}) AS v(id, taken, arrivals) WHERE a.id = v.id",
            [value for a in touched for value in (a.pk, a.taken, a.arrivals)],
        )
