"""The Content-Security-Policy: scripts only from our own files, no inline code and no eval. The
header on the pages, the templates (no inline scripts or handlers, Alpine attributes that name
members of registered components), htmx's allowEval off, and the vendored Alpine being the CSP
build. The browser side (no violation on any main page) is tests/e2e/test_csp_pages.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from quanyu.accounts.models import User
from tests.csp import UNSAFE, policy

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "quanyu"
TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))
STATIC_JS = sorted(SRC.glob("**/static/**/*.js"))

# An Alpine directive in a template: x-data, x-show, x-on:click / @click, x-bind:class / :class ...
ALPINE_ATTR = re.compile(r"""\s(x-[\w:.-]+|@[\w:.-]+|:[\w-]+)=(["'])(.*?)\2""", re.S)
# What the CSP build may be given: a member's name, dotted for a nested property.
MEMBER = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")


def script_sources(response) -> list[str]:
    directives = policy(response)
    return directives.get("script-src", directives.get("default-src", []))


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_script_src_is_self_only_on_the_login_page():
    response = Client().get("/login/")
    assert response.status_code == 200
    sources = script_sources(response)
    assert sources == ["'self'"], sources
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy(response)["script-src"]


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("resident", "/tickets/new/"),
        ("community_x", "/tickets/triage/"),
        ("street_staff", "/tickets/dispatch/"),
        ("district_admin", "/areas/"),
        ("district_admin", "/people/members/"),
        ("district_admin", "/assessment/departments/"),
    ],
)
def test_no_unsafe_script_source_on_the_main_pages(city, username, url):
    response = client_for(username).get(url, follow=True)
    assert response.status_code == 200
    sources = script_sources(response)
    for word in UNSAFE:
        assert word not in sources, (url, sources)
    # No directive may let scripts in some other way (script-src-elem / -attr fall back to it).
    for name, values in policy(response).items():
        if name.startswith("script-src") or name == "default-src":
            assert not set(values) & {"'unsafe-eval'", "'unsafe-inline'"}, (name, values)


def test_htmx_evaluates_no_code(city):
    body = client_for("community_x").get("/tickets/triage/").content.decode()
    meta = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", body)
    assert meta, "the page sets htmx's configuration"
    assert json.loads(meta.group(1))["allowEval"] is False


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_inline_code(template):
    text = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, re.I):
        assert "src=" in tag, f"inline script {tag}"
    handlers = re.findall(r"""\son[a-z]+\s*=\s*["']""", text, re.I)
    assert not handlers, f"inline event handler {handlers}"
    assert "hx-on" not in text and "hx-vars" not in text, "htmx attributes that evaluate code"
    assert not re.search(r"""hx-vals=["']\s*(js|javascript):""", text), "hx-vals with code"
    assert "javascript:" not in text.lower()


def registered_components() -> set[str]:
    names: set[str] = set()
    for script in STATIC_JS:
        names.update(re.findall(r"""Alpine\.data\(\s*["']([\w$]+)["']""", script.read_text(encoding="utf-8")))
    return names


def test_alpine_attributes_name_members_of_registered_components():
    components = registered_components()
    seen = 0
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        for attr, _quote, value in ALPINE_ATTR.findall(text):
            seen += 1
            where = f"{template.relative_to(SRC)}: {attr}={value!r}"
            assert MEMBER.match(value.strip()), f"the CSP build takes a member's name only ({where})"
            if attr == "x-data":
                assert value in components, f"x-data names no Alpine.data() component ({where})"
    assert seen, "the templates use Alpine (the top bar at least)"


def test_the_member_pattern_refuses_code():
    for code in ["open = !open", "tab === 'new'", "open && 'is-open'", "{ open: false }", "go()", "a[0]"]:
        assert not MEMBER.match(code), code
    for name in ["toggle", "tabSelected", "item.visible"]:
        assert MEMBER.match(name), name


def test_the_vendored_alpine_is_the_csp_build():
    path = finders.find("vendor/alpine.min.js")
    assert path, "make setup copies Alpine into the vendor static folder"
    text = Path(str(path)).read_text(encoding="utf-8")
    assert "new Function" not in text
    assert "prohibited in the CSP build" in text


@pytest.mark.django_db
def test_json_answers_get_the_strictest_policy(city):
    response = client_for("resident").get("/api/tickets/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert policy(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}
    page = client_for("resident").get("/login/")
    assert policy(page)["script-src"] == ["'self'"]
