"""API tokens are remembered per process for a few seconds (``QUANYU_TOKEN_CACHE_SECONDS``); what
changes a token or an account here takes effect at once, and each request gets its own user."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from quanyu.api.auth import ExpiringTokenAuthentication, _checked, authenticate_many
from quanyu.core.permissions import otp_required_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/tickets/"


def _client(username: str) -> tuple[Client, str]:
    response = Client().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    key = response.json()["token"]
    return Client(HTTP_AUTHORIZATION=f"Token {key}"), key


def test_a_remembered_token_costs_no_query(city, django_assert_num_queries):
    client, _key = _client("resident")
    assert client.get(URL).status_code == 200
    with django_assert_num_queries(2):  # the count and the page; no token read
        assert client.get(URL).status_code == 200


def test_revoked_token_and_deactivated_user_stop_at_once(city):
    client, key = _client("resident")
    assert client.get(URL).status_code == 200
    Token.objects.get(key=key).delete()
    assert client.get(URL).status_code == 401

    client, key = _client("resident")
    assert client.get(URL).status_code == 200
    user = city.users["resident"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(URL).status_code == 401


def test_an_expired_token_is_refused_once_the_memory_lapses(city, settings):
    client, key = _client("resident")
    assert client.get(URL).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=13))
    # The bulk update bypassed the signals: the remembered copy still has the old issue time,
    # until the memory lapses.
    settings.QUANYU_TOKEN_CACHE_SECONDS = 0
    assert client.get(URL).status_code == 401


def test_each_request_gets_its_own_user_object(city):
    client, key = _client("resident")
    assert client.get(URL).status_code == 200
    first = _checked.get(key)
    second = _checked.get(key)
    assert first is not None and second is not None
    assert first[0] is not second[0] and first[0].pk == second[0].pk
    first[0].display_name = "changed by one request"
    assert _checked.get(key)[0].display_name != "changed by one request"


def test_memory_off(city, settings, django_assert_num_queries):
    settings.QUANYU_TOKEN_CACHE_SECONDS = 0
    client, _key = _client("resident")
    assert client.get(URL).status_code == 200
    with django_assert_num_queries(3):  # the token, the count, the page
        assert client.get(URL).status_code == 200


def test_many_keys_at_once_are_accepted_exactly_as_one_by_one(city, settings, django_assert_num_queries):
    """``authenticate_many`` (the lane's batches) accepts what the view's authentication accepts:
    not an unknown key, a deactivated account's, an expired one, nor a staff key without the
    second step while it is required. One query for the tokens, one for their roles, one for the
    second steps."""
    settings.QUANYU_REQUIRE_OTP = True
    settings.QUANYU_TOKEN_CACHE_SECONDS = 0
    keys = {
        name: Token.objects.create(user=city.users[name]).key
        for name in ("resident", "grid_worker", "outsider")
    }
    city.users["outsider"].is_active = False
    city.users["outsider"].save(update_fields=["is_active"])
    old = Token.objects.create(user=city.users["district_admin"])
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(days=400))
    asked = [*keys.values(), old.key, "f" * 40]
    with django_assert_num_queries(3):
        found = authenticate_many(asked)
    one_by_one = {}
    for key in asked:
        with contextlib.suppress(AuthenticationFailed):
            one_by_one[key] = ExpiringTokenAuthentication().authenticate_credentials(key)[0]
    assert {k: u.pk for k, u in found.items()} == {k: u.pk for k, u in one_by_one.items()}
    assert otp_required_for(city.users["grid_worker"])  # staff: no second step on this key
    assert set(found) == {keys["resident"]}
