"""Password rules (等保 level 3): complexity on every new password, and periodic change: an
expired password sends its owner to the password page (and refuses API tokens) until changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from quanyu.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weak", ["abcdefghijk", "abcdefgh1234", "ABCDEFGH1234"])
def test_a_password_of_fewer_than_three_kinds_is_refused(weak):
    with pytest.raises(ValidationError, match="至少 3 类"):
        validate_password(weak)


def test_a_password_of_three_kinds_passes():
    validate_password("Qy-harbour-2026")
    validate_password("qy-harbour-2026")  # lower, digits, symbols


def test_setting_a_password_dates_it(city):
    user = city.users["community_x"]
    user.set_password("Another-pass-2026")
    assert timezone.now() - user.password_changed_at < dt.timedelta(seconds=5)


def test_an_expired_password_must_be_changed_before_anything_else(city, settings):
    settings.QUANYU_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(username="community_x").update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = Client()
    assert client.post("/login/", {"username": "community_x", "password": PASSWORD}).status_code == 302
    sent = client.get("/units/")
    assert sent.status_code == 302 and sent["Location"].startswith("/account/password/?next=")
    token = Client().post(
        "/api/auth/token/", {"username": "community_x", "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 403 and "密码已过期" in token.json()["detail"]
    page = client.get("/account/password/")
    assert page.status_code == 200
    weak = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefghijkl", "new_password2": "abcdefghijkl"},
    )
    assert weak.status_code == 200 and "至少 3 类" in weak.content.decode()
    new = "Harbour-lights-2027"
    done = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert client.get("/units/").status_code == 200  # still signed in, no longer sent away
