"""Loading a past year in bulk (``history_load``): the rows and events the step-by-step services
would have written, every row checked before anything is written, and the actor's scope held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from quanyu.volunteering import services
from quanyu.volunteering.models import (
    Activity,
    Signup,
    SignupEvent,
    Team,
    TeamMember,
    Volunteer,
    VolunteerEvent,
)
from quanyu.volunteering.services import PastActivity, PastSignup, TeamHistory
from tests.volunteering.factories import make_id

pytestmark = pytest.mark.django_db


def _team(city, *, community: int = 0, people: int = 4, activities=None) -> TeamHistory:
    return TeamHistory(
        name="幸福社区党员志愿服务队",
        kind="member",
        community=city.communities[community],
        organisation="幸福社区党委",
        project_name="四点半课堂",
        project_kind="after_school",
        volunteers=[
            services.VolunteerInput(
                name=f"历史志愿者{i}", id_number=make_id(900 + i), phone=f"1390000{i:04d}"
            )
            for i in range(people)
        ],
        activities=activities or [],
    )


def _held(days_ago: int, signups: list[PastSignup], capacity: int = 2) -> PastActivity:
    starts = (timezone.now() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    return PastActivity(
        title="四点半课堂·作业辅导",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        address="幸福社区党群服务中心",
        capacity=capacity,
        signups=signups,
    )


def _came(activity_start: dt.datetime, minutes_late: int, stayed: int) -> dict:
    arrived = activity_start + dt.timedelta(minutes=minutes_late)
    return {"arrived": arrived, "left": arrived + dt.timedelta(minutes=stayed)}


def test_a_past_year_loads_as_the_services_would_record_it(city):
    first = _held(30, [])
    start = first.starts_at
    asked = start - dt.timedelta(days=3)
    first.signups = [
        PastSignup(volunteer=0, at=asked, **_came(start, -5, 300)),  # stayed past the end: capped
        PastSignup(volunteer=1, at=asked + dt.timedelta(minutes=1)),  # never came: a no-show
        PastSignup(volunteer=2, at=asked + dt.timedelta(minutes=2)),  # beyond the places: waits
    ]
    start2 = first.starts_at + dt.timedelta(days=7)
    second = PastActivity(
        title="四点半课堂·作业辅导",
        starts_at=start2,
        ends_at=start2 + dt.timedelta(hours=2),
        address="幸福社区党群服务中心",
        capacity=3,
        signups=[
            PastSignup(volunteer=1, at=start2 - dt.timedelta(days=1)),  # a second no-show
            PastSignup(
                volunteer=3, at=start2 - dt.timedelta(hours=5), **_came(start2, 30, 60), hours="declined"
            ),
            PastSignup(volunteer=0, at=start2 - dt.timedelta(hours=4), arrived=start2),  # still checked in
        ],
    )
    upcoming_start = timezone.now() + dt.timedelta(days=5)
    upcoming = PastActivity(
        title="送健康进社区",
        starts_at=upcoming_start,
        ends_at=upcoming_start + dt.timedelta(hours=2),
        address="幸福社区党群服务中心",
        capacity=1,
        signups=[PastSignup(volunteer=2, at=timezone.now()), PastSignup(volunteer=3, at=timezone.now())],
    )
    result = services.history_load(
        actor=city.users["community_x"], teams=[_team(city, activities=[first, second, upcoming])]
    )
    assert (result.teams, result.volunteers, result.activities, result.signups) == (1, 4, 3, 8)

    team = Team.objects.get()
    volunteers = list(Volunteer.objects.order_by("id"))
    assert [v.name for v in volunteers] == [f"历史志愿者{i}" for i in range(4)]
    assert TeamMember.objects.filter(team=team).count() == 4
    assert VolunteerEvent.objects.filter(kind="joined", payload__team=team.pk).count() == 4
    # Personal data is encrypted at rest like any other volunteer's.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM volunteering_volunteer")
        stored = cursor.fetchall()
    assert all(make_id(900) not in (row[0] or "") and "1390000" not in (row[1] or "") for row in stored)
    assert volunteers[0].id_number == make_id(900)

    def row(activity, v):
        return Signup.objects.get(activity__starts_at=activity.starts_at, volunteer=volunteers[v])

    served = row(first, 0)
    assert (served.status, served.minutes, served.hours_status, served.late) == (
        "checked_out",
        120,
        "approved",
        False,
    )
    assert row(first, 1).status == "no_show" and row(first, 2).status == "waiting"
    late = row(second, 3)
    assert (late.status, late.minutes, late.hours_status, late.late) == ("checked_out", 60, "declined", True)
    assert row(second, 0).status == "checked_in" and row(second, 0).checked_out_at is None
    assert [
        s.status for s in Signup.objects.filter(activity__starts_at=upcoming.starts_at).order_by("position")
    ] == [
        "confirmed",
        "waiting",
    ]
    held = Activity.objects.get(starts_at=first.starts_at)
    assert (held.taken, held.arrivals) == (2, 3)
    volunteers[1].refresh_from_db()
    assert volunteers[1].no_shows == 2
    assert list(
        SignupEvent.objects.filter(signup__volunteer=volunteers[1], kind="no_show")
        .order_by("at")
        .values_list("payload__no_shows", flat=True)
    ) == [1, 2]
    kinds = list(
        SignupEvent.objects.filter(signup=served).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["signed_up", "checked_in", "checked_out", "hours_approved"]
    assert set(SignupEvent.objects.values_list("actor_name", flat=True)) == {
        city.users["community_x"].display_name or "community_x"
    }
    # The sweep closes the check-in left open, as for any other sign-up.
    swept = services.sweep_attendance(now=timezone.now())
    assert swept.auto_closed >= 1
    assert Signup.objects.get(pk=row(second, 0).pk).auto_closed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t, now: setattr(t.activities[0].signups[1], "arrived", now),
            "第1支队伍第1次活动：第2条报名不能签到",
        ),
        (
            lambda t, now: setattr(
                t.activities[0].signups[0], "left", t.activities[0].starts_at - dt.timedelta(hours=1)
            ),
            "第1支队伍第1次活动：第1条报名的签退时间早于签到时间",
        ),
        (
            lambda t, now: setattr(t.activities[0].signups[0], "volunteer", 9),
            "第1支队伍第1次活动：第1条报名的志愿者无效或重复",
        ),
        (
            lambda t, now: setattr(t.volunteers[1], "id_number", "370602199001010000"),
            "第1支队伍：第2名志愿者",
        ),
        (
            lambda t, now: setattr(t.volunteers[1], "id_number", t.volunteers[0].id_number),
            "第1支队伍：第2名志愿者的身份证号重复",
        ),
        (lambda t, now: setattr(t, "kind", "club"), "第1支队伍：队伍类型无效"),
        (lambda t, now: setattr(t.activities[0], "capacity", 0), "第1支队伍第1次活动：名额至少为1"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(city, change, message):
    now = timezone.now()
    held = _held(10, [], capacity=1)
    start = held.starts_at
    held.signups = [
        PastSignup(volunteer=0, at=start - dt.timedelta(days=1), **_came(start, 0, 60)),
        PastSignup(volunteer=1, at=start - dt.timedelta(hours=20)),
    ]
    team = _team(city, activities=[held])
    good = _team(city, community=0)
    good.volunteers = []
    change(team, now)
    with pytest.raises(ValidationError) as caught:
        services.history_load(actor=city.users["community_x"], teams=[team, good])
    assert message in " ".join(caught.value.messages)
    assert not Team.objects.exists() and not Volunteer.objects.exists() and not Signup.objects.exists()


def test_a_volunteer_already_registered_is_refused(city, vs):
    taken = vs.volunteers[0].id_number
    team = _team(city)
    team.volunteers[2].id_number = taken
    before = Volunteer.objects.count()
    with pytest.raises(ValidationError, match="已注册为志愿者"):
        services.history_load(actor=city.users["community_x"], teams=[team])
    assert Volunteer.objects.count() == before


def test_staff_of_another_community_cannot_load_it(city):
    with pytest.raises(PermissionDenied):
        services.history_load(actor=city.users["community_y"], teams=[_team(city, community=0)])
    assert not Team.objects.exists() and not Volunteer.objects.exists()


def test_activities_held_in_a_room_are_booked_with_it(city):
    """A past activity in a venue room: the team's booking, used, with who came; an upcoming one:
    approved or waiting for approval as the room decides; the venue gives the address. Two
    activities in one room at one time: the whole load is refused, nothing written."""
    from quanyu.core.workflow.errors import ConflictError
    from quanyu.venues.models import Booking
    from tests.venues.factories import make_place

    place = make_place(city, 0)
    past = _held(10, [PastSignup(volunteer=0, at=timezone.now() - dt.timedelta(days=12))])
    past.signups[0].arrived = past.starts_at
    past.signups[0].left = past.ends_at
    past.room = place.hall
    ahead = _held(-5, [])
    ahead.room = place.meeting
    services.history_load(actor=city.users["community_x"], teams=[_team(city, activities=[past, ahead])])
    held, coming = Activity.objects.filter(room__isnull=False).order_by("starts_at")
    assert (held.booking.status, held.booking.attendance, held.booking.room) == ("used", 1, place.hall)
    assert held.booking.booker_kind == "team" and place.venue.name in held.address
    assert (coming.booking.status, coming.booking.room) == ("requested", place.meeting)
    clash = _held(-5, [])
    clash.room = place.meeting
    before = (Activity.objects.count(), Booking.objects.count())
    with pytest.raises(ConflictError):
        services.history_load(
            actor=city.users["community_x"], teams=[_team(city, people=0, activities=[clash])]
        )
    assert (Activity.objects.count(), Booking.objects.count()) == before
