"""The one client address rule: X-Forwarded-For only behind trusted proxies, from the right."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from quanyu.core.audit import client_ip


def request(remote: str = "10.0.0.1", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_no_request_no_address():
    assert client_ip(None) is None


@override_settings(QUANYU_TRUSTED_PROXIES=0)
def test_without_trusted_proxies_forwarded_header_is_ignored():
    assert client_ip(request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own claim is not trusted
        (2, "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies: the leftmost, as DRF does
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_trusted_proxies_take_forwarded_from_the_right(proxies, forwarded, expected):
    with override_settings(QUANYU_TRUSTED_PROXIES=proxies):
        assert client_ip(request("10.0.0.1", forwarded)) == expected


@override_settings(QUANYU_TRUSTED_PROXIES=1)
def test_garbage_or_missing_forwarded_falls_back_to_the_proxy_address():
    assert client_ip(request("10.0.0.1", "not-an-ip")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1", "")) == "10.0.0.1"


def test_axes_and_drf_use_the_same_rule():
    from axes.helpers import get_client_ip_address

    assert settings.AXES_CLIENT_IP_CALLABLE == "quanyu.core.audit.client_ip"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.QUANYU_TRUSTED_PROXIES
    with override_settings(QUANYU_TRUSTED_PROXIES=1):
        assert get_client_ip_address(request("10.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"


@pytest.mark.django_db
@override_settings(QUANYU_TRUSTED_PROXIES=1)
def test_lockout_is_per_real_client_behind_the_proxy(city):
    from axes.utils import reset
    from django.test import Client

    from tests.factories import PASSWORD

    reset()
    try:
        # Guesses spread over several accounts lock the guessing client's address.
        attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        accounts = ["community_x", "community_y", "street_staff", "grid_worker"]
        for i in range(settings.AXES_FAILURE_LIMIT):
            attacker.post("/login/", {"username": accounts[i % len(accounts)], "password": "wrong-password"})
        admin = {"username": "district_admin", "password": PASSWORD}
        assert attacker.post("/login/", admin).status_code == 429
        # Another client behind the same proxy is not locked out.
        other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert other.post("/login/", admin).status_code == 302
    finally:
        reset()
