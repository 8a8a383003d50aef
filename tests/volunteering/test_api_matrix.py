"""Every sign-up step over the API by people outside it: 404 (the sign-up is not theirs to see)
and nothing written; inside it but without the role: 403 and nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.volunteering import services
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db

STEPS = {
    "cancel": {},
    "approve": {},
    "decline": {"note": "x"},
    "check-in": {},
    "check-out": {},
    "no-show": {},
    "hours": {"approve": True},
    "correction": {"minutes": 10, "reason": "x"},
}
ORGANISER_ONLY = {"approve", "decline", "check-in", "check-out", "no-show", "hours"}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("persona", ["community_y", "grid_worker", "resident", "other_volunteer"])
def test_outsiders_get_404_and_write_nothing(city, vs, step, persona):
    signup = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    user = vs.volunteers[1].user if persona == "other_volunteer" else city.users[persona]
    with nothing_written(signup, vs.activity):
        r = client_for(user).post(
            f"/api/volunteer-signups/{signup.pk}/{step}/", STEPS[step], content_type="application/json"
        )
    assert r.status_code == 404, r.content
    assert client_for(user).get(f"/api/volunteer-signups/{signup.pk}/").status_code == 404


@pytest.mark.parametrize("step", sorted(ORGANISER_ONLY))
def test_the_volunteer_may_not_take_an_organisers_step(city, vs, step):
    signup = services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)
    with nothing_written(signup, vs.activity):
        r = client_for(vs.volunteers[0].user).post(
            f"/api/volunteer-signups/{signup.pk}/{step}/", STEPS[step], content_type="application/json"
        )
    assert r.status_code == 403, r.content
