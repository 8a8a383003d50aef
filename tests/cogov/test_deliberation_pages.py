"""Deliberation pages: the list and the page render for residents and staff, the page reads without
log-in, out of scope is 404 for the steps, a refused step (a second vote, a vote after the window, a
publication while the supervisory council objects, bad input) answers 4xx naming the problem and
writes nothing; the list keeps a constant query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import Deliberation, Vote
from quanyu.cogov.states import DeliberationStatus
from tests.asserts import nothing_written
from tests.cogov.test_deliberation import opened, residents, voting

pytestmark = pytest.mark.django_db
D = DeliberationStatus


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def url(d: Deliberation, step: str = "") -> str:
    return f"/cogov/deliberations/{d.pk}/" + (f"{step}/" if step else "")


def test_pages_render_and_read_without_log_in(city):
    d = opened(city)
    for who in ("resident", "community_x", "street_staff"):
        c = client_for(city.users[who])
        assert c.get("/cogov/deliberations/").status_code == 200
        assert c.get(url(d)).status_code == 200
    anonymous = client_for()
    page = anonymous.get(url(d))
    assert page.status_code == 200 and "小区违建棚舍清理" in page.content.decode()
    assert anonymous.post(url(d, "opinion"), {"text": "x"}).status_code == 302  # to log-in


def test_staff_open_one_from_the_list_and_bad_input_names_the_field(city):
    c = client_for(city.users["community_x"])
    community = city.communities[0]
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = c.post(
        "/cogov/deliberations/new/", {"community": community.pk, "title": "加装电梯", "opinions_close": when}
    )
    d = Deliberation.objects.get()
    assert response.status_code == 302 and response["Location"] == url(d)
    bad = c.post("/cogov/deliberations/new/", {"community": community.pk, "title": "x", "opinions_close": ""})
    assert bad.status_code == 400 and "意见征集截止" in bad.content.decode()
    assert Deliberation.objects.count() == 1


def test_out_of_scope_steps_are_404_and_write_nothing(city):
    d = opened(city)
    other = client_for(city.users["community_y"])
    with nothing_written(d):
        assert other.post(url(d, "propose"), {"proposal": "x"}).status_code == 404


def test_vote_twice_after_the_window_and_publication_under_objection_are_refused(city):
    d = voting(city, entitled=3)
    resident = client_for(city.users["resident"])
    assert resident.post(url(d, "vote"), {"choice": "for"}).status_code == 302
    with nothing_written(d):
        again = resident.post(url(d, "vote"), {"choice": "against"})
    assert again.status_code == 400 and "重复表决" in again.content.decode()
    [late] = residents(city, 1)
    with nothing_written(d):
        response = client_for(late).post(url(d, "vote"), {"choice": "sideways"})
    assert response.status_code == 400 and "表决选项无效" in response.content.decode()
    Deliberation.objects.filter(pk=d.pk).update(vote_close=timezone.now() - dt.timedelta(minutes=1))
    with nothing_written(d):
        assert client_for(late).post(url(d, "vote"), {"choice": "for"}).status_code == 409
    assert Vote.objects.count() == 1
    staff = city.users["community_x"]
    services.vote_cast(actor=late, deliberation=d, choice="for", now=timezone.now() - dt.timedelta(minutes=2))
    d = services.deliberation_close_vote(actor=staff, deliberation=d, decision="清理")
    assert d.status == D.DECIDED
    services.objection_raise(actor=late, deliberation=d, text="期限太短")
    with nothing_written(d):
        held = client_for(staff).post(url(d, "publish"))
    assert held.status_code == 409 and "监事会异议尚未答复" in held.content.decode()


def test_list_keeps_a_constant_query_count(city, django_assert_max_num_queries):
    c = client_for(city.users["community_x"])
    opened(city)
    c.get("/cogov/deliberations/")
    for _ in range(5):
        opened(city)
    with django_assert_max_num_queries(20) as first:
        c.get("/cogov/deliberations/")
    n = len(first.captured_queries)
    for _ in range(10):
        opened(city)
    with django_assert_max_num_queries(n):
        c.get("/cogov/deliberations/")
