"""The deliberation API: a resident posts and votes, staff take the steps; a vote twice (400), after
the window or a publication under objection (409), out of scope (404), a resident taking a staff
step (403); nothing written on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import Deliberation
from quanyu.cogov.states import DeliberationStatus
from quanyu.core.roles import Role
from tests.asserts import nothing_written
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def test_deliberation_through_the_api(city):
    staff = client_for(city.users["community_x"])
    close = (timezone.now() + dt.timedelta(days=5)).isoformat()
    r = post(
        staff,
        "/api/cogov/deliberations/",
        {"community": city.communities[0].pk, "title": "加装电梯", "opinions_close": close},
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    url = f"/api/cogov/deliberations/{pk}/"
    resident = client_for(city.users["resident"])
    r = post(resident, url + "opinions/", {"text": "支持加装"})
    assert r.status_code == 201
    assert post(resident, url + "propose/", {"text": "x"}).status_code == 403
    assert post(staff, url + "propose/", {"text": "党组织提议加装"}).status_code == 200
    missing = post(staff, url + "committees/", {"text": "同意"})
    assert missing.status_code == 400 and "participants" in missing.json()
    present = [{"kind": "party", "name": "王书记"}, {"kind": "residents_committee", "name": "李主任"}]
    assert post(staff, url + "committees/", {"text": "同意", "participants": present}).status_code == 200
    vote_close = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert post(staff, url + "open-vote/", {"entitled": 3, "vote_close": vote_close}).status_code == 200
    voters = [city.users["resident"], make_user("r1", Role.RESIDENT, city.communities[0])]
    for who in voters:
        assert post(client_for(who), url + "vote/", {"choice": "for"}).status_code == 201
    d = Deliberation.objects.get(pk=pk)
    with nothing_written(d):
        r = post(resident, url + "vote/", {"choice": "against"})
    assert r.status_code == 400 and "choice" in r.json()
    r = post(staff, url + "close-vote/", {"text": "加装电梯"})
    assert r.json()["status"] == DeliberationStatus.DECIDED
    r = post(resident, url + "objections/", {"text": "费用分摊不清"})
    assert r.status_code == 201
    objection = r.json()["id"]
    d = Deliberation.objects.get(pk=pk)
    with nothing_written(d):
        assert post(staff, url + "publish/").status_code == 409
    assert post(staff, url + "answer/", {"objection": objection, "answer": "按楼层分摊"}).status_code == 200
    assert post(staff, url + "publish/").json()["status"] == DeliberationStatus.PUBLISHED
    r = resident.get(url + "events/")
    assert [e["kind"] for e in r.json()][-1] == "published"


def test_out_of_scope_and_after_window(city):
    d = services.deliberation_open(
        actor=city.users["community_x"],
        community=city.communities[0],
        title="议题",
        opinions_close=timezone.now() + dt.timedelta(days=1),
    )
    url = f"/api/cogov/deliberations/{d.pk}/"
    other = client_for(city.users["community_y"])
    assert other.get(url).status_code == 404
    with nothing_written(d):
        assert post(other, url + "opinions/", {"text": "x"}).status_code == 404
    assert client_for(city.users["resident"]).get(url).status_code == 200
    assert d.pk in {
        row["id"]
        for row in client_for(city.users["resident"]).get("/api/cogov/deliberations/").json()["results"]
    }
    with nothing_written(d):
        assert post(client_for(city.users["resident"]), url + "vote/", {"choice": "for"}).status_code == 409


def test_yiwei_through_the_api_needs_its_participants(city):
    staff = client_for(city.users["community_x"])
    close = (timezone.now() + dt.timedelta(days=5)).isoformat()
    r = post(
        staff,
        "/api/cogov/deliberations/",
        {
            "community": city.communities[0].pk,
            "title": "小区停车",
            "opinions_close": close,
            "method": "yiwei",
        },
    )
    assert r.status_code == 201 and r.json()["method"] == "yiwei"
    url = f"/api/cogov/deliberations/{r.json()['id']}/"
    assert post(staff, url + "propose/", {"text": "党组织审定议题"}).status_code == 200
    d = Deliberation.objects.get(pk=r.json()["id"])
    with nothing_written(d):
        missing = post(staff, url + "committees/", {"text": "议事会协商"})
        partial = post(
            staff,
            url + "committees/",
            {"text": "议事会协商", "participants": [{"kind": "party", "name": "王书记"}]},
        )
        wrong = post(
            staff, url + "committees/", {"text": "议事会协商", "participants": [{"kind": "x", "name": "某"}]}
        )
    assert missing.status_code == partial.status_code == 400 and "participants" in partial.json()
    assert wrong.status_code == 400 and "participants" in wrong.json()
    people = [
        {"kind": "party", "name": "王书记"},
        {"kind": "council", "name": "李议事"},
        {"kind": "supervisory", "name": "赵监事"},
    ]
    done = post(staff, url + "committees/", {"text": "议事会协商", "participants": people})
    assert done.status_code == 200 and done.json()["status"] == DeliberationStatus.DELIBERATED
    bad = post(
        staff,
        "/api/cogov/deliberations/",
        {"community": city.communities[0].pk, "title": "x", "opinions_close": close, "method": "nope"},
    )
    assert bad.status_code == 400 and "method" in bad.json()
