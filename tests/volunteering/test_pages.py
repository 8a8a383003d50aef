"""The pages: 200 for their roles, 404 out of scope, 403 for a refused step, the QR page, the
proof download and the public check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanyu.volunteering import services
from quanyu.volunteering.models import Signup
from quanyu.volunteering.pdf import pdf_text
from quanyu.volunteering.tokens import make_token
from tests.volunteering.factories import make_setup

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_resident_pages(city, vs):
    me = client_for(vs.volunteers[0].user)
    for url in (
        "/volunteering/",
        f"/volunteering/activities/{vs.activity.pk}/",
        "/volunteering/me/",
        "/volunteering/register/",
        f"/volunteering/checkin/?t={make_token(vs.activity.pk)}",
    ):
        assert me.get(url).status_code == 200, url
    page = me.get(f"/volunteering/activities/{vs.activity.pk}/").content.decode()
    assert 'id="roster"' not in page and "<svg" not in page
    assert me.get("/volunteering/hours/").status_code == 403


def test_organiser_pages(city, vs):
    for user in (vs.leader, city.users["community_x"]):
        c = client_for(user)
        for url in ("/volunteering/hours/", "/volunteering/teams/", "/volunteering/volunteers/"):
            assert c.get(url).status_code == 200, url
        page = c.get(f"/volunteering/activities/{vs.activity.pk}/").content.decode()
        assert 'id="roster"' in page and "<svg" in page
    export = client_for(city.users["community_x"]).get("/volunteering/hours/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_out_of_scope_is_404(city, vs):
    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    other = client_for(city.users["community_y"])
    assert other.post(f"/volunteering/signups/{s.pk}/check_in/").status_code == 404
    assert client_for(vs.volunteers[1].user).post(f"/volunteering/signups/{s.pk}/cancel/").status_code == 404
    assert "点名册" not in other.get(f"/volunteering/activities/{vs.activity.pk}/").content.decode()
    assert client_for(city.users["community_y"]).get("/volunteering/volunteers/").status_code == 200
    assert (
        "志愿者1号"
        not in client_for(city.users["community_x"]).get("/volunteering/volunteers/").content.decode()
    )


def test_signup_waiting_promotion_qr_hours_and_proof_through_the_pages(city):
    setup = make_setup(city, capacity=1, volunteers=2)
    a, b = (client_for(v.user) for v in setup.volunteers)
    url = f"/volunteering/activities/{setup.activity.pk}/signup/"
    assert a.post(url).status_code == 302
    assert b.post(url).status_code == 302
    sa = Signup.objects.get(volunteer=setup.volunteers[0])
    sb = Signup.objects.get(volunteer=setup.volunteers[1])
    assert (sa.status, sb.status) == ("confirmed", "waiting")
    # the volunteer may not take an organiser's step: 403 with the message
    refused = a.post(f"/volunteering/signups/{sa.pk}/check_in/")
    assert refused.status_code == 403
    assert a.post(f"/volunteering/signups/{sa.pk}/cancel/").status_code == 302
    sb.refresh_from_db()
    assert sb.status == "confirmed"
    token = make_token(setup.activity.pk)
    assert b.post("/volunteering/checkin/", {"t": token, "direction": "in"}).status_code == 302
    twice = b.post("/volunteering/checkin/", {"t": token, "direction": "in"})
    assert twice.status_code == 409
    forged = b.post("/volunteering/checkin/", {"t": "x", "direction": "in"})
    assert forged.status_code == 400 and "二维码无效" in forged.content.decode()
    Signup.objects.filter(pk=sb.pk).update(checked_in_at=setup.activity.starts_at)
    assert b.post("/volunteering/checkin/", {"t": token, "direction": "out"}).status_code == 302
    leader = client_for(setup.leader)
    too_long = leader.post(f"/volunteering/signups/{sb.pk}/hours_approve/", {"minutes": 9999})
    assert too_long.status_code == 400
    assert leader.post(f"/volunteering/signups/{sb.pk}/hours_approve/").status_code == 302
    assert b.post("/volunteering/certificates/", {"team": setup.team.pk}).status_code == 302
    cert = setup.volunteers[1].certificates.get()
    pdf = b.get(f"/volunteering/certificates/{cert.pk}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert setup.volunteers[1].name in text and f"{cert.total_hours:g}" in text
    public = Client().get(f"/volunteering/verify/?number={cert.number}")
    assert public.status_code == 200 and cert.number in public.content.decode()
    assert setup.volunteers[1].name not in public.content.decode()
    assert Client().get("/volunteering/verify/?number=NOPE").status_code == 404


def test_roll_call_page_steps(city, vs):
    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    leader = client_for(vs.leader)
    assert leader.post(f"/volunteering/signups/{s.pk}/check_in/").status_code == 302
    assert leader.post(f"/volunteering/signups/{s.pk}/check_in/").status_code == 409
    s.refresh_from_db()
    assert s.status == "checked_in"
    Signup.objects.filter(pk=s.pk).update(checked_in_at=vs.activity.starts_at - dt.timedelta(minutes=5))
    assert leader.post(f"/volunteering/signups/{s.pk}/check_out/").status_code == 302
    assert leader.post(f"/volunteering/signups/{s.pk}/unknown/").status_code == 400


def test_register_names_the_problem(city):
    from quanyu.core.roles import Role
    from tests.factories import make_user

    user = make_user("newvol", Role.RESIDENT, city.communities[0])
    c = client_for(user)
    bad = c.post("/volunteering/register/", {"name": "", "community": city.communities[0].pk})
    assert bad.status_code == 400
    ok = c.post(
        "/volunteering/register/",
        {"name": "新志愿者", "community": city.communities[0].pk, "phone": "13900001111"},
    )
    assert ok.status_code == 302


def test_lists_export_to_xlsx_masked(city, vs):
    import io

    from openpyxl import load_workbook

    c = client_for(city.users["community_x"])
    for url in (
        "/volunteering/teams/export.xlsx",
        "/volunteering/volunteers/export.xlsx",
        "/volunteering/hours/export.xlsx",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        book = load_workbook(io.BytesIO(r.content))
        text = " ".join(str(cell.value) for row in book.active.iter_rows() for cell in row)
        assert vs.volunteers[0].name not in text and vs.volunteers[0].phone not in text
    assert client_for(vs.volunteers[0].user).get("/volunteering/volunteers/export.xlsx").status_code == 403


def test_volunteer_export_reads_in_a_flat_number_of_queries(city, vs, django_assert_max_num_queries):
    from tests.volunteering.factories import add_volunteer

    c = client_for(city.users["community_x"])
    c.get("/volunteering/volunteers/export.xlsx")
    for i in range(20):
        add_volunteer(city, 300 + i, with_user=False)
    with django_assert_max_num_queries(14):
        assert c.get("/volunteering/volunteers/export.xlsx").status_code == 200


def test_organiser_calendar_and_forms(city, vs):
    from quanyu.volunteering.models import Activity, Project

    c = client_for(vs.leader)
    page = c.get("/volunteering/organise/")
    assert page.status_code == 200 and f'data-activity="{vs.activity.pk}"' in page.content.decode()
    made = c.post(
        "/volunteering/organise/", {"form": "project", "team": vs.team.pk, "name": "送政策", "kind": "policy"}
    )
    assert made.status_code == 302 and Project.objects.filter(name="送政策").exists()
    project = Project.objects.get(name="送政策")
    form = {
        "form": "activity",
        "project": project.pk,
        "title": "医保政策宣讲",
        "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-01T11:00",
        "address": "社区广场",
        "capacity": "20",
        "repeat_weeks": "3",
    }
    assert c.post("/volunteering/organise/", form).status_code == 302
    assert Activity.objects.filter(project=project).count() == 4
    bad = c.post("/volunteering/organise/", {**form, "ends_at": "2030-03-01T08:00"})
    assert bad.status_code == 400 and "结束时间须晚于开始时间" in bad.content.decode()
    other = client_for(city.users["community_y"])
    assert other.post("/volunteering/organise/", form).status_code == 400  # not their project
    assert client_for(vs.volunteers[0].user).get("/volunteering/organise/").status_code == 403


def test_a_step_never_redirects_off_site(city, vs):
    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    r = client_for(vs.volunteers[0].user).post(
        f"/volunteering/signups/{s.pk}/cancel/", {"next": "//evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == f"/volunteering/activities/{vs.activity.pk}/"
