from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD


@pytest.fixture
def api_client():
    """Client with a token for ``username`` (obtained through the token endpoint)."""

    def make(username: str) -> Client:
        response = Client().post(
            "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    return make
