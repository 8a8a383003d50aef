"""django-axes lockout on both ways in: the log-in page and the API token endpoint."""

import pytest
from axes.utils import reset
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def clean_axes():
    reset()
    yield
    reset()


def post_token(username: str, password: str, address: str = "127.0.0.1", **headers: str):
    return Client(REMOTE_ADDR=address).post(
        "/api/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def test_axes_is_on_in_tests():
    assert settings.AXES_ENABLED is True
    assert LIMIT >= 2


def test_token_endpoint_locks_out_after_repeated_failures(city):
    for _ in range(LIMIT - 1):
        assert post_token("community_x", "wrong-password").status_code == 401
    locked = post_token("community_x", "wrong-password")
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert "锁定" in locked.json()["detail"]
    # Even the right password is refused while locked.
    again = post_token("community_x", PASSWORD)
    assert again.status_code == 429
    assert "token" not in again.json()
    # Another account from another address is not affected.
    assert post_token("community_y", PASSWORD, "10.0.0.2").status_code == 200


def test_token_endpoint_unlocks_after_reset(city):
    for _ in range(LIMIT):
        post_token("street_staff", "wrong-password")
    assert post_token("street_staff", PASSWORD).status_code == 429
    reset(username="street_staff")
    assert post_token("street_staff", PASSWORD).status_code == 200


def test_success_resets_the_failure_count(city):
    for _ in range(LIMIT - 1):
        post_token("grid_worker", "wrong-password")
    assert post_token("grid_worker", PASSWORD).status_code == 200
    assert post_token("grid_worker", "wrong-password").status_code == 401


def test_login_page_locks_out_with_a_chinese_message(city):
    client = Client()
    for _ in range(LIMIT - 1):
        response = client.post("/login/", {"username": "community_x", "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with its error
    locked = client.post("/login/", {"username": "community_x", "password": "wrong-password"})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    refused = Client().post("/login/", {"username": "community_x", "password": PASSWORD})
    assert refused.status_code == 429
    # The API shares the lock: the account, from any address.
    assert post_token("community_x", PASSWORD, "10.0.0.9").status_code == 429


def test_admin_login_is_locked_too(city):
    client = Client()
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "district_admin", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "district_admin", "password": PASSWORD})
    assert response.status_code == 429


def test_guesses_spread_over_many_accounts_lock_the_address(city):
    accounts = ["community_x", "community_y", "street_staff", "grid_worker"]
    for i in range(LIMIT - 1):
        assert post_token(accounts[i % len(accounts)], "wrong-password").status_code == 401
    assert post_token(accounts[-1], "wrong-password").status_code == 429
    assert post_token("district_admin", PASSWORD).status_code == 429  # this address is locked
    assert post_token("district_admin", PASSWORD, "10.0.0.3").status_code == 200


def test_guesses_at_one_account_from_many_addresses_lock_the_account(city):
    for i in range(LIMIT):
        post_token("community_y", "wrong-password", f"10.1.0.{i + 1}")
    assert post_token("community_y", PASSWORD, "10.2.0.1").status_code == 429
    assert post_token("street_staff", PASSWORD, "10.2.0.1").status_code == 200


def test_x_forwarded_for_does_not_move_a_locked_client_without_a_trusted_proxy(city, settings):
    assert settings.QUANYU_TRUSTED_PROXIES == 0
    for _ in range(LIMIT):
        post_token("community_x", "wrong-password", "10.3.0.1")
    assert (
        post_token("street_staff", PASSWORD, "10.3.0.1", **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429
    )


def test_a_success_between_guesses_clears_the_account_not_the_address(city):
    accounts = ["community_x", "community_y", "street_staff", "grid_worker"]
    for name in accounts:
        assert post_token(name, "wrong-password").status_code == 401
    assert post_token("resident", PASSWORD).status_code == 200  # the guesser's own account
    assert post_token("community_x", "wrong-password").status_code == 429  # the address's fifth
    assert post_token("district_admin", PASSWORD).status_code == 429
    assert post_token("district_admin", PASSWORD, "10.0.0.4").status_code == 200
