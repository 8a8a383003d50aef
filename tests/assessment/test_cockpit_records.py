"""The cockpit's 在职党员报到率 card opens the records behind it — the people provider's rows(), the
in-service members living in the area, each marked reported or not for the period's year — scoped
to the viewer: the street's staff see their street's members only, another street's area is a 404,
and those without the cockpit get 403."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanyu.people.services import report_confirm, report_submit_member
from tests.people.helpers import add_member, make_branches

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def members(city, people):
    """社区1-1: 党员0 (reported), 党员1 (submitted, not confirmed), 党员2 (retired: not counted);
    社区2-1 (street 2): 党员3 (reported)."""
    admin = people["district_admin"]
    branches = make_branches(city)
    m = [
        add_member(city, branches, 0, community=0),
        add_member(city, branches, 1, community=0),
        add_member(city, branches, 2, community=0, category="离退休党员"),
        add_member(city, branches, 3, community=2),
    ]
    for member in (m[0], m[3]):
        report_confirm(
            actor=admin,
            report=report_submit_member(actor=admin, member=member, community=member.community, year=2025),
        )
    report_submit_member(actor=admin, member=m[1], community=m[1].community, year=2025)
    return m


def rows(html: str) -> dict[int, str]:
    return {
        int(pk): flag for pk, flag in re.findall(r'data-record="(\d+)".*?data-reported="([01])"', html, re.S)
    }


def test_the_card_links_to_the_members_behind_it(city, people, members):
    c = logged_in(people["leader"])
    district = city.district
    page = c.get(f"/cockpit/?area={district.pk}&period=2025-03").content.decode()
    link = f"/cockpit/records/?area={district.pk}&amp;period=2025-03&amp;figure=reported"
    card = page.split('data-figure="reported"', 1)[1].split("</li>", 1)[0]
    assert link in card and "66.7%" in card  # 2 of the 3 in-service members reported
    # The children's ranking links each street's figure to its own records.
    assert f"/cockpit/records/?area={city.streets[0].pk}&amp;period=2025-03&amp;figure=reported" in page
    answer = c.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200
    got = rows(answer.content.decode())
    m = members
    assert got == {m[0].pk: "1", m[1].pk: "0", m[3].pk: "1"}  # the retired member is not behind it
    assert f"/people/members/{m[0].pk}/" in answer.content.decode()


def test_the_records_are_scoped_to_the_viewer(city, people, members):
    m = members
    c = logged_in(people["street_staff"])  # street 1
    answer = c.get(f"/cockpit/records/?area={city.streets[0].pk}&period=2025&figure=reported")
    assert answer.status_code == 200 and rows(answer.content.decode()) == {m[0].pk: "1", m[1].pk: "0"}
    # Another street's area is not there; without an area, their own.
    assert (
        c.get(f"/cockpit/records/?area={city.streets[1].pk}&period=2025&figure=reported").status_code == 404
    )
    own = c.get("/cockpit/records/?period=2025&figure=reported")
    assert own.status_code == 200 and set(rows(own.content.decode())) == {m[0].pk, m[1].pk}
    # The year counts: no report confirmed for 2024.
    before = c.get(f"/cockpit/records/?area={city.streets[0].pk}&period=2024&figure=reported")
    assert rows(before.content.decode()) == {m[0].pk: "0", m[1].pk: "0"}
    # Bad input names the field; no cockpit, no records.
    bad = c.get(f"/cockpit/records/?area={city.streets[0].pk}&figure=open")
    assert bad.status_code == 400 and "figure" in bad.content.decode()
    assert c.get(f"/cockpit/records/?area={city.streets[0].pk}&period=2025-13").status_code == 400
    no = logged_in(people["community_x"])
    assert no.get(f"/cockpit/records/?area={city.communities[0].pk}&figure=reported").status_code == 403


def test_the_records_in_the_api(city, people, members, api_client):
    m = members
    c = api_client("street_staff")
    url = "/api/assessment/cockpit/records/"
    data = c.get(f"{url}?area={city.streets[0].pk}&period=2025-03&figure=reported").json()
    assert data["count"] == 2
    assert [(r["id"], r["reported"]) for r in data["results"]] == [(m[0].pk, True), (m[1].pk, False)]
    assert c.get(f"{url}?area={city.streets[1].pk}&figure=reported").status_code == 404
    bad = c.get(f"{url}?area={city.streets[0].pk}&figure=open")
    assert bad.status_code == 400 and "figure" in bad.json()
    assert api_client("community_x").get(f"{url}?figure=reported").status_code == 403
