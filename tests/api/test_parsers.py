"""The API's JSON parser (``quanyu.api.parsers``): a body nested deeper than
``QUANYU_JSON_MAX_DEPTH`` is a 400 in JSON with a Chinese message, before any log-in, instead of a
``RecursionError`` (an HTML 500)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import PASSWORD


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/tickets/rate/"])
@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_json_nested_too_deep_is_a_json_400_without_log_in(db, path, depth):
    response = Client(raise_request_exception=False).post(
        path, _nested(depth), content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "JSON 嵌套层数过多：最多 64 层"}


def test_the_limit_is_a_setting_and_the_message_follows_the_language(db, settings):
    settings.QUANYU_JSON_MAX_DEPTH = 3
    body = '{"username": "x", "password": {"a": [[1]]}}'  # depth 4
    client = Client(raise_request_exception=False)
    response = client.post("/api/auth/token/?lang=en", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON nested too deep: at most 3 levels"}


def test_json_within_the_limit_is_read_as_before(city, settings):
    settings.QUANYU_JSON_MAX_DEPTH = 2
    body = json.dumps({"username": "community_x", "password": PASSWORD, "x": [1]})  # depth 2
    response = Client().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]
    malformed = Client().post("/api/auth/token/", "{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["detail"].startswith("JSON parse error")
