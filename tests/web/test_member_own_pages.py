"""我的党员服务 (issue 13 point 3): a party member reports to the residence community and sees the
confirmation, claims a post and logs duty, reads the points ledger and yearly statement, the
branch's 三会一课 with their attendance and the yearly service record; nobody else's record is
reachable; bad input is a message naming the field, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from quanyu.core.roles import Role
from quanyu.people import selectors, services
from quanyu.people.models import DutyLog, PostClaim, Report
from quanyu.people.states import ReportStatus
from tests.factories import make_user
from tests.people.helpers import add_member, make_branches

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def me(city):
    branches = make_branches(city)
    user = make_user("member_me", Role.PARTY_MEMBER, city.communities[0])
    member = add_member(city, branches, 1)
    member = services.member_update(actor=city.users["district_admin"], member=member, user=user)
    other = add_member(city, branches, 2)
    return user, member, other


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_then_confirmation_is_shown(city, me):
    user, member, _other = me
    client = client_of(user)
    page = client.get("/people/me/")
    assert page.status_code == 200
    assert 'value="report"' in page.content.decode()
    assert client.post("/people/me/", {"action": "report"}).status_code == 302
    report = Report.objects.get(member=member)
    assert report.community == city.communities[0] and report.status == ReportStatus.SUBMITTED
    body = client.get("/people/me/").content.decode()
    assert 'data-report-status="submitted"' in body
    assert 'value="report"' not in body  # one report a year
    services.report_confirm(actor=city.users["community_x"], report=report)
    assert 'data-report-status="confirmed"' in client.get("/people/me/").content.decode()


def test_claim_a_post_and_log_duty_earns_points(city, me):
    user, member, _other = me
    post = services.post_create(
        actor=city.users["community_x"], community=city.communities[0], name="环境监督岗"
    )
    client = client_of(user)
    assert f'data-post="{post.pk}"' in client.get("/people/me/").content.decode()
    client.post("/people/me/", {"action": "claim", "post": post.pk})
    claim = PostClaim.objects.get(member=member, post=post)
    today = timezone.localdate().isoformat()
    response = client.post(
        "/people/me/", {"action": "duty", "claim": claim.pk, "on_date": today, "hours": "2", "note": "巡查"}
    )
    assert response.status_code == 302
    assert DutyLog.objects.filter(claim=claim).count() == 1
    body = client.get("/people/me/").content.decode()
    balance = selectors.balance(member=member, year=timezone.localdate().year)
    assert balance > 0
    assert f"data-balance>{balance}<" in body
    assert f"data-total>{balance}<" in body
    assert "环境监督岗履职" in body  # the ledger line


def test_bad_duty_input_names_the_field(city, me):
    user, member, _other = me
    post = services.post_create(actor=city.users["community_x"], community=city.communities[0], name="宣传岗")
    claim = services.post_claim(actor=user, post=post, member=member)
    client = client_of(user)
    response = client.post(
        "/people/me/",
        {"action": "duty", "claim": claim.pk, "on_date": "x", "hours": "2", "note": "a"},
        follow=True,
    )
    assert response.status_code == 200
    assert "履职日期" in response.content.decode()
    response = client.post(
        "/people/me/",
        {
            "action": "duty",
            "claim": claim.pk,
            "on_date": dt.date.today().isoformat(),
            "hours": "abc",
            "note": "a",
        },
        follow=True,
    )
    assert "时长" in response.content.decode()
    assert not DutyLog.objects.exists()


def test_another_members_claim_or_a_foreign_post_is_404(city, me):
    user, _member, other = me
    post = services.post_create(actor=city.users["community_y"], community=city.communities[2], name="远处岗")
    client = client_of(user)
    assert client.post("/people/me/", {"action": "claim", "post": post.pk}).status_code == 404
    near = services.post_create(actor=city.users["community_x"], community=city.communities[0], name="近岗")
    theirs = services.post_claim(actor=city.users["community_x"], post=near, member=other)
    data = {
        "action": "duty",
        "claim": theirs.pk,
        "on_date": dt.date.today().isoformat(),
        "hours": "1",
        "note": "x",
    }
    assert client.post("/people/me/", data).status_code == 404


def test_meetings_show_my_attendance(city, me):
    user, member, other = me
    services.meeting_record(
        actor=city.users["community_x"],
        branch=member.branch,
        kind="lecture",
        held_on=timezone.localdate(),
        topic="书记讲党课",
        attendance={member.pk: "present", other.pk: "absent"},
    )
    body = client_of(user).get("/people/me/").content.decode()
    assert "书记讲党课" in body and "qy-badge-present" in body


def test_member_entry_in_the_menu_and_a_user_without_record(city, me):
    user, _member, _other = me
    assert 'data-nav="people_me"' in client_of(user).get("/").content.decode()
    page = client_of(city.users["resident"]).get("/people/me/")
    assert page.status_code == 200 and "没有关联党员档案" in page.content.decode()


def test_one_account_is_one_member(city, me):
    user, _member, other = me
    with pytest.raises(Exception, match="已关联"):
        services.member_update(actor=city.users["district_admin"], member=other, user=user)
