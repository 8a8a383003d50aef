"""The lane's sign-up route (``quanyu.api.volunteering.lane``): a volunteer's own sign-up answered
by the lane is the one the API view gives (status, headers, body, rows written); a burst arriving
together fills the places in arrival order with no over-booking; every request the batch refuses
is answered by Django as it always is, with nothing written."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from quanyu.api.lane import IntakeLane
from quanyu.volunteering.models import Activity, Signup, SignupEvent
from tests.api.test_intake_lane import DJANGO, _call, _connections_closed_after_each_request, call
from tests.factories import make_city, make_personas
from tests.volunteering.factories import add_volunteer, make_activity, make_setup

__all__ = ["_connections_closed_after_each_request"]  # autouse: each request closes its connection


@pytest.fixture
def club(transactional_db):
    """The test city with a team, its project and an activity of 30 places, committed (the lane
    writes from its own threads), and 40 volunteers with accounts and tokens."""
    city = make_city()
    make_personas(city)
    setup = make_setup(city, capacity=30, volunteers=0)
    setup.volunteers = [add_volunteer(city, 100 + i) for i in range(40)]
    setup.tokens = [Token.objects.create(user=v.user).key for v in setup.volunteers]  # type: ignore[attr-defined]
    setup.city = city  # type: ignore[attr-defined]
    return setup


class Counting:
    """Django's ASGI application, counting the requests the lane sends on to it."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await DJANGO(scope, receive, send)


@pytest.fixture
def lane():
    found = IntakeLane(Counting())
    yield found
    found.close()


def _sent_on(lane: IntakeLane) -> int:
    return lane.app.calls  # type: ignore[attr-defined]


def _path(activity_id: int) -> str:
    return f"/api/volunteer-activities/{activity_id}/signup/"


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "Content-Type": "application/json", **extra}


def _written(signup_id: int) -> tuple[Any, ...]:
    signup = Signup.objects.get(pk=signup_id)
    event = SignupEvent.objects.get(signup=signup)
    return (signup.status, signup.position, signup.scope_path, event.kind, event.actor_name, event.payload)


@pytest.mark.parametrize("body", [{}, {"volunteer": None}])
@pytest.mark.parametrize("cookie", [None, "django_language=en"])
def test_the_lane_answers_and_writes_what_django_does(club, lane, body, cookie):
    extra = {"Cookie": cookie} if cookie else {}
    by_lane = call(lane, body, _headers(club.tokens[0], **extra), path=_path(club.activity.pk))
    by_django = call(DJANGO, body, _headers(club.tokens[1], **extra), path=_path(club.activity.pk))
    assert by_lane[0] == by_django[0] == 201, (by_lane, by_django)
    assert _sent_on(lane) == 0  # the lane answered it
    lane_headers, django_headers = dict(by_lane[1]), dict(by_django[1])
    lane_headers.pop("content-length"), django_headers.pop("content-length")
    assert len(lane_headers.pop("x-request-id")) == len(django_headers.pop("x-request-id")) == 32
    # The lane always varies on Cookie (the language cookie changes the answer); Django does when
    # something read the session.
    vary = lane_headers.pop("vary"), django_headers.pop("vary")
    assert vary[0].removesuffix(", Cookie") == vary[1].removesuffix(", Cookie")
    assert lane_headers == django_headers
    a, b = json.loads(by_lane[2]), json.loads(by_django[2])
    assert a["id"] != b["id"] and a["volunteer"] != b["volunteer"]
    same = {"activity", "activity_title", "status", "checked_in_at", "minutes", "hours_status", "late"}
    assert {k: a[k] for k in same} == {k: b[k] for k in same}
    assert (a["position"], b["position"]) == (1, 2)
    assert a["volunteer_name"].startswith("志") and "*" in a["volunteer_name"]
    first, second = _written(a["id"]), _written(b["id"])
    assert first[0] == second[0] == "confirmed" and first[2:4] == second[2:4]
    assert first[5] == {"status": "confirmed", "position": 1}
    assert second[5] == {"status": "confirmed", "position": 2}
    activity = Activity.objects.get(pk=club.activity.pk)
    assert (activity.taken, activity.arrivals) == (2, 2)


def test_a_burst_fills_the_places_in_arrival_order_and_never_over(club, lane):
    async def burst() -> list[Any]:
        return await asyncio.gather(
            *(_call(lane, {}, _headers(token), path=_path(club.activity.pk)) for token in club.tokens)
        )

    answers = asyncio.run(burst())
    assert [status for status, _h, _b in answers] == [201] * 40
    assert _sent_on(lane) == 0
    bodies = [json.loads(body) for _s, _h, body in answers]
    assert sorted(b["position"] for b in bodies) == list(range(1, 41))
    statuses = {b["position"]: b["status"] for b in bodies}
    assert all(statuses[p] == ("confirmed" if p <= 30 else "waiting") for p in statuses)
    rows = Signup.objects.filter(activity=club.activity)
    assert rows.count() == 40 == SignupEvent.objects.filter(signup__activity=club.activity).count()
    assert rows.filter(status="confirmed").count() == 30
    activity = Activity.objects.get(pk=club.activity.pk)
    assert (activity.taken, activity.arrivals) == (30, 40)


def test_the_same_person_twice_at_once_is_signed_up_once(club, lane):
    async def twice() -> list[Any]:
        path, headers = _path(club.activity.pk), _headers(club.tokens[0])
        return await asyncio.gather(*(_call(lane, {}, headers, path=path) for _i in range(2)))

    answers = asyncio.run(twice())
    assert sorted(status for status, _h, _b in answers) == [201, 409]
    assert _sent_on(lane) == 1  # the second, refused in the batch, answered by Django
    refused = next(body for status, _h, body in answers if status == 409)
    assert "请勿重复报名" in refused.decode()
    assert Signup.objects.filter(activity=club.activity).count() == 1 == SignupEvent.objects.count()


def _refused_alike(lane: Any, body: Any, headers: dict[str, str], path: str) -> tuple[int, Any]:
    """The lane's answer to a request it sends on equals Django's own; nothing is written."""
    before = (Signup.objects.count(), SignupEvent.objects.count())
    sent_on = _sent_on(lane)
    by_lane = call(lane, body, headers, path=path)
    assert _sent_on(lane) == sent_on + 1
    by_django = call(DJANGO, body, headers, path=path)
    assert by_lane[0] == by_django[0] and by_lane[2] == by_django[2], (by_lane, by_django)
    assert (Signup.objects.count(), SignupEvent.objects.count()) == before
    return by_lane[0], json.loads(by_lane[2])


def test_what_the_batch_refuses_django_answers_and_nothing_is_written(club, lane):
    city = club.city
    path = _path(club.activity.pk)
    assert call(lane, {}, _headers(club.tokens[0]), path=path)[0] == 201
    # Twice: the duplicate.
    status, body = _refused_alike(lane, {}, _headers(club.tokens[0]), path)
    assert status == 409 and "请勿重复报名" in json.dumps(body, ensure_ascii=False)
    # Not a volunteer.
    outsider = Token.objects.create(user=city.users["resident"]).key
    assert _refused_alike(lane, {}, _headers(outsider), path)[0] == 403
    # No such activity; a forged token.
    assert _refused_alike(lane, {}, _headers(club.tokens[1]), _path(987_654))[0] == 404
    assert _refused_alike(lane, {}, _headers("f" * 40), path)[0] == 401
    # Sign-up closed.
    closed = make_activity(city, club.project, starts_in=dt.timedelta(days=-3))
    Activity.objects.filter(pk=closed.pk).update(signup_closes=timezone.now() - dt.timedelta(hours=1))
    status, body = _refused_alike(lane, {}, _headers(club.tokens[1]), _path(closed.pk))
    assert status == 400 and body == {"activity": ["报名已截止"]}
    # Someone else's sign-up, and bodies the route does not read: Django's answers.
    assert _refused_alike(lane, {"volunteer": "x"}, _headers(club.tokens[1]), path)[0] == 400
    assert _refused_alike(lane, b"{", _headers(club.tokens[1]), path)[0] == 400
    assert Signup.objects.count() == 1
