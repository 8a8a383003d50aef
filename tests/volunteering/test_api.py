"""The volunteering API: one test per status of the map (400 naming the field, 403, 404, 409),
scoping over communities X, X's sibling and Y, masking, and the public proof check."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from quanyu.volunteering import services
from quanyu.volunteering.models import Team
from quanyu.volunteering.pdf import pdf_text
from quanyu.volunteering.tokens import make_token
from tests.volunteering.factories import add_volunteer

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, url: str, data: dict | None = None):
    return c.post(url, data or {}, content_type="application/json")


def _team_in(city, i: int) -> Team:
    return services.team_create(
        actor=city.users["district_admin"],
        name=f"队伍{i}",
        kind="resident",
        community=city.communities[i],
        organisation=f"{city.communities[i].name}居委会",
    )


SEES = {"community_x": {0}, "street_staff": {0, 1}, "district_admin": {0, 1, 2}, "community_y": {2}}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_team_scoping(city, persona):
    teams = {i: _team_in(city, i) for i in (0, 1, 2)}
    c = client_for(city.users[persona])
    listed = {row["id"] for row in c.get("/api/volunteer-teams/?page_size=100").json()["results"]}
    for i, team in teams.items():
        visible = i in SEES[persona]
        assert (team.pk in listed) is visible
        assert c.get(f"/api/volunteer-teams/{team.pk}/").status_code == (200 if visible else 404)


@pytest.mark.parametrize("persona", ["resident", "outsider", "grid_worker"])
def test_non_organisers_see_no_team_nor_volunteer(city, persona):
    team = _team_in(city, 0)
    vol = add_volunteer(city, 90)
    c = client_for(city.users[persona])
    assert c.get("/api/volunteer-teams/").json()["results"] == []
    assert c.get(f"/api/volunteer-teams/{team.pk}/").status_code == 404
    assert c.get(f"/api/volunteers/{vol.pk}/").status_code == 404


def test_anonymous_is_401(city):
    assert Client().get("/api/volunteer-activities/").status_code == 401


def test_volunteer_list_is_masked_and_its_query_count_flat(city, django_assert_max_num_queries):
    c = client_for(city.users["community_x"])
    for i in range(3):
        add_volunteer(city, 100 + i, with_user=False)
    with django_assert_max_num_queries(8) as few:
        c.get("/api/volunteers/?page_size=50")
    for i in range(30):
        add_volunteer(city, 200 + i, with_user=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = c.get("/api/volunteers/?page_size=50").content.decode()
    assert "志愿者200号" not in body
    assert "志*****号" in body
    # The full number must not appear; "139" alone may be a row id in the body.
    assert not re.search(r"139\d{8}", body)


def test_create_team_names_the_field(city):
    c = client_for(city.users["community_x"])
    r = post(
        c,
        "/api/volunteer-teams/",
        {"name": "", "kind": "member", "community": city.communities[0].pk, "organisation": "x"},
    )
    assert r.status_code == 400 and "name" in r.json()
    r = post(
        c,
        "/api/volunteer-teams/",
        {"name": "a", "kind": "member", "community": city.communities[2].pk, "organisation": "x"},
    )
    assert r.status_code == 403


def test_sign_up_check_in_and_out_over_the_api(city, vs):
    vol = vs.volunteers[0]
    me = client_for(vol.user)
    r = post(me, f"/api/volunteer-activities/{vs.activity.pk}/signup/")
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    signup_id = r.json()["id"]
    again = post(me, f"/api/volunteer-activities/{vs.activity.pk}/signup/")
    assert again.status_code == 409
    forged = post(me, "/api/volunteer-checkin/", {"token": "forged", "direction": "in"})
    assert forged.status_code == 400 and "token" in forged.json()
    early_out = post(me, "/api/volunteer-checkin/", {"token": make_token(vs.activity.pk), "direction": "out"})
    assert early_out.status_code == 409
    organiser = client_for(vs.leader)
    token = organiser.get(f"/api/volunteer-activities/{vs.activity.pk}/qr/").json()["token"]
    assert post(me, "/api/volunteer-checkin/", {"token": token, "direction": "in"}).status_code == 200
    assert post(me, "/api/volunteer-checkin/", {"token": token, "direction": "in"}).status_code == 409
    assert post(me, "/api/volunteer-checkin/", {"token": token, "direction": "out"}).status_code == 200
    # the volunteer may not approve their own hours; beyond the length is a 400 naming minutes
    assert post(me, f"/api/volunteer-signups/{signup_id}/hours/", {"approve": True}).status_code == 403
    too_long = post(
        organiser, f"/api/volunteer-signups/{signup_id}/hours/", {"approve": True, "minutes": 9999}
    )
    assert too_long.status_code == 400 and "minutes" in too_long.json()
    ok = post(organiser, f"/api/volunteer-signups/{signup_id}/hours/", {"approve": True})
    assert ok.status_code == 200 and ok.json()["hours_status"] == "approved"
    assert me.get("/api/volunteer-hours/").status_code == 200


def test_roster_and_qr_are_the_organisers(city, vs):
    outsider = client_for(city.users["community_y"])
    assert outsider.get(f"/api/volunteer-activities/{vs.activity.pk}/roster/").status_code == 404
    assert outsider.get(f"/api/volunteer-activities/{vs.activity.pk}/qr/").status_code == 404
    assert client_for(vs.leader).get(f"/api/volunteer-activities/{vs.activity.pk}/roster/").status_code == 200


def test_someone_elses_sign_up_is_404(city, vs):
    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    other = client_for(vs.volunteers[1].user)
    assert other.get(f"/api/volunteer-signups/{s.pk}/").status_code == 404
    assert post(other, f"/api/volunteer-signups/{s.pk}/cancel/").status_code == 404


def test_waiting_list_and_promotion_over_the_api(city):
    from tests.volunteering.factories import make_setup

    setup = make_setup(city, capacity=1, volunteers=2)
    a, b = (client_for(v.user) for v in setup.volunteers)
    first = post(a, f"/api/volunteer-activities/{setup.activity.pk}/signup/").json()
    second = post(b, f"/api/volunteer-activities/{setup.activity.pk}/signup/").json()
    assert (first["status"], second["status"]) == ("confirmed", "waiting")
    assert post(a, f"/api/volunteer-signups/{first['id']}/cancel/").json()["status"] == "cancelled"
    assert b.get(f"/api/volunteer-signups/{second['id']}/").json()["status"] == "confirmed"


def test_proof_pdf_and_public_check(city, vs):
    vol = vs.volunteers[0]
    s = services.signup_create(actor=vol.user, activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=s, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=s, at=start + dt.timedelta(minutes=90))
    services.hours_decide(actor=vs.leader, signup=out, approve=True)
    me = client_for(vol.user)
    made = post(me, "/api/volunteer-certificates/", {"team": vs.team.pk})
    assert made.status_code == 201
    cert = made.json()
    pdf = me.get(f"/api/volunteer-certificates/{cert['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert vol.name in text and "1.5" in text and cert["number"] in text
    assert vol.id_number not in text
    assert (
        client_for(vs.volunteers[1].user).get(f"/api/volunteer-certificates/{cert['id']}/pdf/").status_code
        == 404
    )
    public = Client().get(f"/api/volunteer-certificates/verify/{cert['number']}/")
    assert public.status_code == 200
    body = public.content.decode()
    assert vol.name not in body and vol.id_number not in body and vol.phone not in body
    assert public.json()["total_hours"] == 1.5
    assert Client().get("/api/volunteer-certificates/verify/ZYZM000/").status_code == 404


def test_no_hours_no_proof(city, vs):
    r = post(client_for(vs.volunteers[0].user), "/api/volunteer-certificates/", {"team": vs.team.pk})
    assert r.status_code == 400 and "team" in r.json()


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_signing_up_for_a_missing_activity_is_404(city, vs, pk):
    assert (
        post(client_for(vs.volunteers[0].user), f"/api/volunteer-activities/{pk}/signup/").status_code == 404
    )


def test_organiser_signs_up_another_volunteer(city, vs):
    r = post(
        client_for(vs.leader),
        f"/api/volunteer-activities/{vs.activity.pk}/signup/",
        {"volunteer": vs.volunteers[2].pk},
    )
    assert r.status_code == 201
    r = post(
        client_for(city.users["resident"]),
        f"/api/volunteer-activities/{vs.activity.pk}/signup/",
        {"volunteer": vs.volunteers[1].pk},
    )
    assert r.status_code == 400 and "volunteer" in r.json()


def test_rankings_by_approved_hours(city, vs):
    from django.utils import timezone

    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=s, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=s, at=start + dt.timedelta(minutes=90))
    services.hours_decide(actor=vs.leader, signup=out, approve=True)
    year = timezone.localtime(start).year
    body = client_for(city.users["community_x"]).get(f"/api/volunteer-rankings/?year={year}").json()
    assert body["volunteers"][0]["hours"] == 1.5 and "*" in body["volunteers"][0]["name"]
    assert body["teams"][0]["name"] == vs.team.name
    assert (
        client_for(city.users["community_y"])
        .get(f"/api/volunteer-rankings/?year={year}")
        .json()["volunteers"]
        == []
    )
    assert client_for(city.users["community_x"]).get("/api/volunteer-rankings/?year=1800").status_code == 400
    page = client_for(city.users["community_x"]).get("/volunteering/hours/").content.decode()
    assert 'id="rankings"' in page
