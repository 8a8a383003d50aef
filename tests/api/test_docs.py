"""The API documentation pages (quanyu/api/docs.py, drf-spectacular's Swagger split view) load nothing
from other hosts, run no inline script, and keep the site's policy for scripts; only Redoc's page
may start a Web Worker from ``blob:``. The browser side is tests/e2e/test_api_docs.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from quanyu.accounts.models import User
from tests.csp import UNSAFE, policy

pytestmark = pytest.mark.django_db

# An absolute or protocol-relative URL in an attribute that loads or links something.
EXTERNAL = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.I)


def logged_in() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="district_admin"))
    return client


@pytest.mark.parametrize("url_name", ["api-redoc", "api-docs"])
def test_docs_page_has_no_external_resource_and_no_inline_script(city, url_name):
    response = logged_in().get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for tag in re.findall(r"<script\b[^>]*>", html, re.I):
        assert "src=" in tag, f"inline script {tag}"
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.parametrize("url_name", ["api-redoc", "api-docs"])
def test_docs_page_keeps_scripts_to_self(city, url_name):
    directives = policy(logged_in().get(reverse(url_name)))
    assert directives["script-src"] == ["'self'"]
    for name, values in directives.items():
        if name.startswith(("script-src", "worker-src", "default-src")):
            assert not set(values) & set(UNSAFE), (name, values)


def test_redoc_page_adds_only_blob_workers_to_the_site_policy(city):
    client = logged_in()
    redoc = policy(client.get(reverse("api-redoc")))
    site = policy(client.get("/login/"))
    assert redoc.pop("worker-src") == ["'self'", "blob:"]
    assert redoc == site
    assert "worker-src" not in policy(client.get(reverse("api-docs")))


def test_redoc_page_is_open_like_the_schema():
    """SERVE_PERMISSIONS: the docs and the schema are public; the page links the schema's URL."""
    response = Client().get("/api/redoc/?lang=en")
    assert response.status_code == 200
    assert 'spec-url="/api/schema/?lang=en"' in response.content.decode()
    assert Client().get("/api/schema/").status_code == 200
