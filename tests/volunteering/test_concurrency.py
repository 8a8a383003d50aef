"""200 volunteers sign up for 30 places at once (PostgreSQL): exactly 30 confirmed and 170
waiting in arrival order, no duplicates — also when some press the button twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from quanyu.core.roles import Role
from quanyu.core.workflow import TransitionError
from quanyu.volunteering import services
from quanyu.volunteering.models import Signup, SignupEvent, Volunteer
from tests.factories import make_city, make_personas, make_user
from tests.volunteering.factories import make_activity, make_id

PEOPLE = 200
PLACES = 30
TWICE = 20  # the first 20 press "sign up" twice
WORKERS = 40  # connections at once (PostgreSQL's default limit is 100)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_sign_ups_for_thirty_places():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR NO KEY UPDATE) need PostgreSQL")
    city = make_city()
    make_personas(city)
    staff = city.users["community_x"]
    team = services.team_create(
        actor=staff, name="队", kind="member", community=city.communities[0], organisation="幸福社区党委"
    )
    project = services.project_create(actor=staff, team=team, name="四点半课堂")
    activity = make_activity(city, project, capacity=PLACES)
    people = []
    for i in range(PEOPLE):
        user = make_user(f"p{i}", Role.RESIDENT, city.communities[0])
        people.append(
            services.volunteer_register(
                actor=staff,
                person=services.VolunteerInput(name=f"志愿者{i}", id_number=make_id(i)),
                community=city.communities[0],
                user=user,
            )
        )
    attempts = people + people[:TWICE]
    barrier = threading.Barrier(WORKERS)
    started = threading.local()

    def sign_up(volunteer: Volunteer) -> object:
        if not getattr(started, "done", False):
            started.done = True
            barrier.wait()
        try:
            return services.signup_create(actor=volunteer.user, activity=activity).status
        except Exception as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(sign_up, attempts))

    refused = [o for o in outcomes if not isinstance(o, str)]
    assert len(refused) == TWICE
    assert all(isinstance(o, TransitionError) for o in refused), refused
    rows = list(Signup.objects.filter(activity=activity).order_by("position"))
    assert len(rows) == PEOPLE
    assert len({r.volunteer_id for r in rows}) == PEOPLE
    assert [r.position for r in rows] == list(range(1, PEOPLE + 1))
    assert [r.status for r in rows] == ["confirmed"] * PLACES + ["waiting"] * (PEOPLE - PLACES)
    # arrival order: the sign-up events were written in position order
    event_order = list(
        SignupEvent.objects.filter(signup__activity=activity, kind="signed_up")
        .order_by("id")
        .values_list("payload__position", flat=True)
    )
    assert event_order == list(range(1, PEOPLE + 1))
    activity.refresh_from_db()
    assert (activity.taken, activity.arrivals) == (PLACES, PEOPLE)
