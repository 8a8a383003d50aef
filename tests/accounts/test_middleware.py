"""Session time-outs (等保 level 3): idle and absolute, and the session ends with the browser."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from quanyu.accounts.middleware import SEEN, STARTED

pytestmark = pytest.mark.django_db


def _signed_in(city) -> Client:
    client = Client()
    client.force_login(city.users["community_x"])
    assert client.get("/").status_code == 200
    return client


def _age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_a_session_idle_past_the_limit_ends(city):
    client = _signed_in(city)
    _age(client, SEEN, settings.QUANYU_SESSION_IDLE_MINUTES * 60 - 30)
    assert client.get("/").status_code == 200  # still within the idle time: it counts again
    _age(client, SEEN, settings.QUANYU_SESSION_IDLE_MINUTES * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302  # logged out, not just refused once


def test_a_busy_session_still_ends_after_the_absolute_limit(city):
    client = _signed_in(city)
    _age(client, STARTED, settings.QUANYU_SESSION_MAX_HOURS * 3600 + 1)
    assert client.get("/").status_code == 302


def test_the_session_cookie_ends_with_the_browser_and_the_csp_keeps_forms_home(city):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client = Client()
    response = client.post("/login/", {"username": "community_x", "password": "test-pass-123456"})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["expires"] == ""
    policy = client.get("/")["Content-Security-Policy"]
    assert "base-uri 'self'" in policy and "form-action 'self'" in policy
