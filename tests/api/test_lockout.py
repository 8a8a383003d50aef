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


def post_token(username: str, password: str):
    return Client().post(
        "/api/auth/token/", {"username": username, "password": password}, content_type="application/json"
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
    # Another account from the same client is not affected.
    assert post_token("community_y", PASSWORD).status_code == 200


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
    # The API shares the lock: same account, same address.
    assert post_token("community_x", PASSWORD).status_code == 429


def test_admin_login_is_locked_too(city):
    client = Client()
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "district_admin", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "district_admin", "password": PASSWORD})
    assert response.status_code == 429
