from __future__ import annotations

import pytest
from django.test import Client

from quanyu.accounts.models import User
from quanyu.volunteering import services

pytestmark = pytest.mark.django_db


def admin_client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(is_staff=True)
    c = Client()
    c.force_login(User.objects.get(pk=user.pk))
    return c


def test_admin_is_read_only_scoped_and_masked(city, vs):
    s = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    vol = vs.volunteers[0]
    mine = admin_client(city.users["community_x"])
    for url in (
        "/admin/volunteering/team/",
        "/admin/volunteering/volunteer/",
        "/admin/volunteering/signup/",
        f"/admin/volunteering/signup/{s.pk}/change/",
        f"/admin/volunteering/volunteer/{vol.pk}/change/",
    ):
        r = mine.get(url)
        assert r.status_code == 200, url
        assert vol.id_number not in r.content.decode() and vol.phone not in r.content.decode()
    assert mine.get("/admin/volunteering/team/add/").status_code == 403
    other = admin_client(city.users["community_y"])
    assert other.get(f"/admin/volunteering/signup/{s.pk}/change/").status_code == 404


def test_admin_shows_the_team_contact_phone_masked(city, vs):
    team = vs.team
    team.contact_phone = "13912345678"
    team.save()
    page = admin_client(city.users["community_x"]).get(f"/admin/volunteering/team/{team.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "13912345678" not in body and "139****5678" in body
