"""/healthz and /readyz: no log-in, JSON, and readiness says what is wrong with a 503."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness_answer_without_a_log_in():
    client = Client()
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}, ready.content
    assert ready["Cache-Control"].startswith("max-age=0")


def test_readiness_is_503_naming_the_cache_when_it_is_unreachable(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    answer = Client().get("/readyz")  # Django's setting_changed handler rebuilt the caches
    assert answer.status_code == 503
    assert answer.json()["problems"] == ["cache: ConnectionError"]
