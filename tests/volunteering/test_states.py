from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanyu.volunteering import services
from quanyu.volunteering.models import Activity, Signup, SignupEvent, Volunteer
from quanyu.volunteering.states import (
    ALLOWED,
    CORRECTION_ALLOWED,
    FINAL_STATUSES,
    HOURS_ALLOWED,
    LIVE_STATUSES,
    CorrectionStatus,
    HoursStatus,
    SignupStatus,
)
from tests.volunteering.factories import make_activity


def test_tables_are_closed_over_their_statuses():
    for table, labels in (
        (ALLOWED, SignupStatus),
        (HOURS_ALLOWED, HoursStatus),
        (CORRECTION_ALLOWED, CorrectionStatus),
    ):
        assert set(table) == set(labels.values)
        for targets in table.values():
            assert targets <= set(labels.values)


def test_final_statuses_have_no_way_out_and_live_ones_do():
    assert {
        SignupStatus.CHECKED_OUT,
        SignupStatus.NO_SHOW,
        SignupStatus.CANCELLED,
        SignupStatus.DECLINED,
    } == FINAL_STATUSES
    assert not LIVE_STATUSES & FINAL_STATUSES


def test_declined_hours_stay_declined():
    assert HOURS_ALLOWED[HoursStatus.DECLINED] == frozenset()


# --- random sequences of sign-up steps keep the counters and the queue sound -----------------


PEOPLE = 4
steps = st.lists(
    st.tuples(
        st.sampled_from(["sign_up", "cancel", "approve", "decline", "strike"]), st.integers(0, PEOPLE - 1)
    ),
    min_size=1,
    max_size=12,
)


def _check(activity: Activity) -> None:
    fresh = Activity.objects.get(pk=activity.pk)
    rows = list(Signup.objects.filter(activity=fresh).order_by("position"))
    confirmed = [r for r in rows if r.status == SignupStatus.CONFIRMED]
    waiting = [r for r in rows if r.status == SignupStatus.WAITING]
    assert fresh.taken == len(confirmed) <= fresh.capacity
    assert fresh.arrivals == len(rows) and [r.position for r in rows] == list(range(1, len(rows) + 1))
    if waiting:  # nobody waits while a place is free
        assert fresh.taken == fresh.capacity
    live = [r.volunteer_id for r in rows if r.status in LIVE_STATUSES]
    assert len(live) == len(set(live))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, capacity=st.integers(1, 3))
def test_random_sign_up_sequences_keep_the_queue_sound(vs, city, steps, capacity):
    from quanyu.core.workflow import TransitionError

    activity = make_activity(city, vs.project, capacity=capacity)
    people = list(Volunteer.objects.filter(user__isnull=False).order_by("id")[:PEOPLE])
    while len(people) < PEOPLE:
        from tests.volunteering.factories import add_volunteer

        people.append(add_volunteer(city, 700 + len(people)))
    for action, who in steps:
        volunteer = people[who]
        current = Signup.objects.filter(activity=activity, volunteer=volunteer).order_by("-position").first()
        events_before = SignupEvent.objects.count()
        try:
            if action == "sign_up":
                services.signup_create(actor=volunteer.user, activity=activity)
            elif action == "strike":  # a no-show elsewhere: the next sign-up needs approval
                Volunteer.objects.filter(pk=volunteer.pk).update(no_shows=99)
                people[who] = Volunteer.objects.get(pk=volunteer.pk)
            elif current is None:
                continue
            elif action == "cancel":
                services.signup_cancel(actor=volunteer.user, signup=current)
            elif action == "approve":
                services.signup_approve(actor=vs.leader, signup=current)
            else:
                services.signup_decline(actor=vs.leader, signup=current)
        except (TransitionError, ValidationError, PermissionDenied):
            assert SignupEvent.objects.count() == events_before, f"{action} was refused but wrote an event"
        _check(activity)
