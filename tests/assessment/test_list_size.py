"""The red and black lists' size is the indicator set's (default 3): set when the set is created
or edited (page, API), used by the bulletin, its PDF and the API; a frozen period keeps the size
it was frozen with; bad sizes are refused naming the field; only the set's editors change it."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from quanyu.assessment.indicators import services
from quanyu.assessment.models import IndicatorEvent, IndicatorSet, Level
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import RatingLevel
from tests.asserts import nothing_written
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")
BASE = "/api/assessment/indicator-sets/"


@pytest.fixture
def computed(city, people):
    """社区1-2 ranks first (40), 社区1-1 second (30), as in the bulletin tests."""
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    community_ticket(city, 1, resolved=DAY)
    admin = people["district_admin"]
    s = community_set(city, admin)
    return s, services.period_compute(actor=admin, indicator_set=s, period=MARCH)


def lists(c, s) -> tuple[list[str], list[str], int]:
    data = c.get(f"{BASE}{s.pk}/bulletin/?period=2025-03").json()
    return [r["name"] for r in data["red"]], [r["name"] for r in data["black"]], data["list_size"]


def test_default_three_and_a_smaller_size_fills_the_black_list(city, people, api_client, computed):
    s, _sp = computed
    c = api_client("leader")
    assert s.list_size == 3
    assert lists(c, s) == (["社区1-2", "社区1-1"], [], 3)  # two ranked: no black list beside a red of 3
    services.indicator_set_lists(actor=people["district_admin"], indicator_set=s, list_size=1)
    assert lists(c, s) == (["社区1-2"], ["社区1-1"], 1)
    event = IndicatorEvent.objects.get(kind="list_size_changed")
    assert (event.payload["before"], event.payload["after"]) == (3, 1)


def test_a_frozen_bulletin_keeps_its_size(city, people, api_client, computed):
    from pypdf import PdfReader

    s, sp = computed
    admin = people["district_admin"]
    services.indicator_set_lists(actor=admin, indicator_set=s, list_size=1)
    services.period_freeze(actor=admin, score_period=sp)
    services.indicator_set_lists(actor=admin, indicator_set=s, list_size=3)
    c = api_client("leader")
    assert lists(c, s) == (["社区1-2"], ["社区1-1"], 1)
    pdf = c.get(f"{BASE}{s.pk}/bulletin/pdf/?period=2025-03")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "前 1 名" in text and "后 1 名" in text
    red = text.split("一、红榜", 1)[1].split("二、黑榜", 1)[0]
    assert "社区1-2" in red and "社区1-1" not in red


def test_bad_sizes_and_who_may_change_it(city, people, computed):
    s, _sp = computed
    for bad in (0, 21, "x", "", -1, "２"):
        with nothing_written(s), pytest.raises(ValidationError) as exc:
            services.indicator_set_lists(actor=people["district_admin"], indicator_set=s, list_size=bad)
        assert "list_size" in exc.value.message_dict
    with nothing_written(s), pytest.raises(PermissionDenied):
        services.indicator_set_lists(actor=people["community_x"], indicator_set=s, list_size=2)
    with pytest.raises(ValidationError) as exc:
        services.indicator_set_create(
            actor=people["district_admin"],
            year=2026,
            level=Level.COMMUNITY,
            area=city.streets[0],
            list_size=50,
        )
    assert "list_size" in exc.value.message_dict and not IndicatorSet.objects.filter(year=2026).exists()


def test_the_api_and_the_pages_edit_it(city, people, api_client, computed):
    s, _sp = computed
    admin = api_client("district_admin")
    r = admin.post(BASE, {"year": 2026, "level": "community", "area": city.streets[0].pk, "list_size": "5"})
    assert r.status_code == 201 and r.json()["list_size"] == 5
    r = admin.patch(f"{BASE}{s.pk}/", {"list_size": "2"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["list_size"] == 2
    bad = admin.patch(f"{BASE}{s.pk}/", {"list_size": "99"}, content_type="application/json")
    assert bad.status_code == 400 and "list_size" in bad.json()
    cx = api_client("community_x")
    assert cx.patch(f"{BASE}{s.pk}/", {"list_size": "1"}, content_type="application/json").status_code == 403
    assert (
        api_client("community_y")
        .patch(f"{BASE}{s.pk}/", {"list_size": "1"}, content_type="application/json")
        .status_code
        == 404
    )
    page = Client()
    page.force_login(people["district_admin"])
    assert page.post(f"/assessment/sets/{s.pk}/lists/", {"list_size": "1"}).status_code == 302
    html = page.get(f"/assessment/sets/{s.pk}/").content.decode()
    assert '<strong id="list-size">1</strong>' in html
    wrong = page.post(f"/assessment/sets/{s.pk}/lists/", {"list_size": "0"})
    assert wrong.status_code == 400 and "红黑榜人数" in wrong.content.decode()
    r = page.post(
        "/assessment/sets/new/",
        {"year": "2027", "level": "community", "area": city.streets[0].pk, "list_size": "4"},
    )
    assert r.status_code == 302 and IndicatorSet.objects.get(year=2027).list_size == 4
    s.refresh_from_db()
    printed = page.get(f"/assessment/sets/{s.pk}/bulletin/?period=2025-03").content.decode()
    assert "前 1 名" in printed
