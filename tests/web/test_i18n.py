"""Chinese first, English on request: the browser's Accept-Language never switches the language;
the cookie set by /i18n/setlang/ does, and then every domain's pages read in English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quanyu.accounts.models import User

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]+")
NAV = re.compile(r'<nav id="qy-nav".*?</nav>', re.S)
HEADINGS = re.compile(r"<h1[^>]*>.*?</h1>", re.S)
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    # The .mo files are build output (git-ignored); compiling is a no-op when they are current.
    call_command("compile_translations", verbosity=0)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def chinese_in_shell(page: str, *, heading: bool = True) -> list[str]:
    """Chinese words left in the navigation and (unless it names a record) the main heading."""
    parts = NAV.findall(page) + (HEADINGS.findall(page)[:1] if heading else [])
    return [chunk for part in parts for chunk in CJK.findall(TAGS.sub(" ", part))]


def test_english_browser_still_gets_chinese(city):
    client = client_for("community_x")
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert 'lang="zh-CN"' in page
    assert "工作台" in page and "Workbench" not in page
    anonymous = text(Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'lang="zh-CN"' in anonymous


def test_switching_to_english_sticks_and_back(city):
    client = english(client_for("community_x"))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN"))
    assert 'lang="en"' in page and "Workbench" in page and "Log out" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))


def test_an_unknown_cookie_value_falls_back_to_chinese(city):
    client = client_for("community_x")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="zh-CN"' in text(client.get("/"))


@pytest.mark.parametrize(
    ("persona", "url", "expected", "heading"),
    [
        ("community_x", "/", ["Workbench", "Areas &amp; grids", "Party organisations", "Units"], True),
        # A community's own page: its heading is the community's name.
        ("community_x", "/areas/", ["Areas &amp; grids", "Population"], False),
        ("street_staff", "/tickets/", ["Requests"], True),
        (
            "community_x",
            "/people/members/",
            ["Party member roster", "Search members", "All categories"],
            True,
        ),
        ("district_admin", "/assessment/departments/", ["Department ranking", "Scoring rules"], True),
    ],
)
def test_each_domain_reads_in_english(city, persona, url, expected, heading):
    page = text(english(client_for(persona)).get(url, follow=True))
    assert 'lang="en"' in page
    for phrase in expected:
        assert phrase in page, phrase
    assert chinese_in_shell(page, heading=heading) == []


def test_api_answers_in_chinese_unless_asked(city):
    client = Client()
    chinese = client.get("/api/areas/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == 401
    assert CJK.search(chinese.json()["detail"])
    asked = client.get("/api/areas/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert asked.json()["detail"] == "Authentication credentials were not provided."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert not CJK.search(client.get("/api/areas/").json()["detail"])
