"""The demo's volunteering: every state shows up, built only through the services."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from quanyu.accounts.models import User
from quanyu.demo.build import build_demo
from quanyu.volunteering.models import Certificate, Signup, Team

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(seed=5, scale=0.05)
        transaction.set_rollback(True)


def test_every_state_appears(demo, db):
    statuses = set(Signup.objects.values_list("status", flat=True))
    assert {"confirmed", "waiting", "checked_out", "no_show"} <= statuses
    hours = set(Signup.objects.values_list("hours_status", flat=True))
    assert {"approved", "declined"} <= hours
    assert Signup.objects.filter(auto_closed=True).exists()
    assert Signup.objects.filter(late=True).exists()
    assert set(Team.objects.values_list("kind", flat=True)) == {"member", "unit", "social", "resident"}
    assert Certificate.objects.count() == 1


def test_the_volunteer_account_sees_a_record(demo, db):
    c = Client()
    c.force_login(User.objects.get(username="jumin_1"))
    page = c.get("/volunteering/me/").content.decode()
    assert "data-signup" in page
    assert c.get("/volunteering/").status_code == 200
