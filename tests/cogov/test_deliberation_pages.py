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
from tests.cogov.factories import opened, residents, voting

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


def test_public_list_of_a_community_reads_without_log_in_masked_and_linked(city):
    d = opened(city)
    services.opinion_post(actor=city.users["resident"], deliberation=d, text="棚舍占用绿地")
    gone = opened(city)
    services.deliberation_withdraw(actor=city.users["community_x"], deliberation=gone, reason="重复")
    community = city.communities[0]
    list_url = f"/cogov/communities/{community.pk}/deliberations/"
    assert f'href="{list_url}"' in Client().get(url(d)).content.decode()
    page = Client().get(list_url)
    body = page.content.decode()
    assert page.status_code == 200 and f'data-deliberation="{d.pk}"' in body
    assert f'data-deliberation="{gone.pk}"' not in body  # withdrawn ones are not listed
    resident = city.users["resident"]
    for name in {resident.username, resident.get_full_name(), getattr(resident, "display_name", "")} - {""}:
        assert name not in body
    assert "1 条意见" in body
    assert Client().get(f"/cogov/communities/{city.streets[0].pk}/deliberations/").status_code == 404
    assert Client().get("/cogov/communities/999999/deliberations/").status_code == 404


def test_public_list_keeps_a_constant_query_count(city, django_assert_max_num_queries):
    list_url = f"/cogov/communities/{city.communities[0].pk}/deliberations/"
    opened(city)
    Client().get(list_url)
    with django_assert_max_num_queries(20) as first:
        Client().get(list_url)
    n = len(first.captured_queries)
    for _ in range(8):
        opened(city)
    with django_assert_max_num_queries(n):
        Client().get(list_url)


def test_yiwei_page_records_the_participants_and_shows_names_only_to_staff(city):
    d = opened(city, method="yiwei")
    staff = city.users["community_x"]
    d = services.deliberation_propose(actor=staff, deliberation=d, proposal="清理违建")
    c = client_for(staff)
    form = c.get(url(d)).content.decode()
    assert 'name="participants_supervisory" required' in form and "议事会协商" in form
    with nothing_written(d):
        bad = c.post(url(d, "committees"), {"note": "同意", "participants_party": "王书记"})
    assert bad.status_code == 400 and "参会人员缺少" in bad.content.decode()
    fields = {
        "note": "同意清理",
        "participants_party": "王书记",
        "participants_council": "陈议事、林议事",
        "participants_supervisory": "周监事",
        "participants_police": "赵警官",
    }
    assert c.post(url(d, "committees"), fields).status_code == 302
    assert "林议事" in c.get(url(d)).content.decode()
    public = Client().get(url(d)).content.decode()
    assert "林议事" not in public and "居民议事会 · 2 人" in public
