"""The indicator-assessment API: each status of the error map (400 naming the field, 403, 404,
409), the ranking and the figures' records, the evidence upload, the cockpit adding up."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quanyu.assessment.models import IndicatorSet, ManualEntry, Source
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
BASE = "/api/assessment/indicator-sets/"


@pytest.fixture
def tickets(city):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    community_ticket(city, 1, resolved=DAY, rating=RatingLevel.DISSATISFIED)
    community_ticket(city, 2)


def test_create_add_publish_compute_rank_freeze(city, people, api_client, tickets):
    c = api_client("street_staff")
    r = c.post(
        BASE,
        {"year": 2025, "level": "community", "area": city.streets[0].pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = c.post(
        f"{BASE}{sid}/indicators/",
        {"name": "按时办结率", "weight": "abc", "source": "computed"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "weight" in r.json()
    body = {
        "name": "按时办结率",
        "weight": "100",
        "source": "computed",
        "provider": "tickets.resolved_in_time",
        "rule": "rank",
    }
    r = c.post(f"{BASE}{sid}/indicators/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert api_client("community_x").post(f"{BASE}{sid}/publish/").status_code == 403
    assert c.post(f"{BASE}{sid}/publish/").status_code == 200
    assert c.post(f"{BASE}{sid}/publish/").status_code == 409
    assert c.get(f"{BASE}{sid}/ranking/?period=2025-03").status_code == 404
    r = c.post(f"{BASE}{sid}/compute/", {"period": "2025-03"}, content_type="application/json")
    assert r.status_code == 200, r.content
    ranking = c.get(f"{BASE}{sid}/ranking/?period=2025-03").json()
    # 社区1-2 resolved 1/1 in time, 社区1-1 1/2: ranks 1 and 2 of 2 → 100 and 50 points.
    assert [(x["name"], x["rank"], x["total"]) for x in ranking["results"]] == [
        ("社区1-2", 1, "100.00"),
        ("社区1-1", 2, "50.00"),
    ]
    indicator = ranking["indicators"][0]["id"]
    target = ranking["results"][1]["target"]
    rows = c.get(f"/api/assessment/indicators/{indicator}/rows/?period=2025-03&target={target}").json()
    assert rows["count"] == 2 == int(D(ranking["results"][1]["cells"][0]["denominator"]))
    assert c.get(f"/api/assessment/indicators/{indicator}/rows/?period=2025-03").status_code == 400
    assert (
        c.post(f"{BASE}{sid}/freeze/", {"period": "2025-03"}, content_type="application/json").status_code
        == 200
    )
    r = c.post(f"{BASE}{sid}/compute/", {"period": "2025-03"}, content_type="application/json")
    assert r.status_code == 409
    assert c.get(f"{BASE}{sid}/ranking/?period=2025-03").json()["frozen"] is True


def test_out_of_scope_set_is_404(city, people, api_client):
    s = community_set(city, people["district_admin"])
    assert api_client("community_y").get(f"{BASE}{s.pk}/").status_code == 404
    assert api_client("community_x").get(f"{BASE}{s.pk}/").status_code == 200
    assert api_client("resident").get(f"{BASE}{s.pk}/").status_code == 404
    assert api_client("street_staff").get(f"{BASE}999999/").status_code == 404
    listed = api_client("community_y").get(BASE).json()["results"]
    assert listed == []


def test_bad_input_names_the_field(city, people, api_client):
    c = api_client("district_admin")
    r = c.post(
        BASE, {"year": 2025, "level": "nope", "area": city.streets[0].pk}, content_type="application/json"
    )
    assert r.status_code == 400 and "level" in r.json()
    r = c.post(
        BASE, {"year": 2025, "level": "community", "area": city.district.pk}, content_type="application/json"
    )
    assert r.status_code == 400 and "area" in r.json()
    assert c.get(f"{BASE}?year=abc").status_code == 400
    assert not IndicatorSet.objects.exists()


def test_evidence_upload_and_scoring(city, people, api_client):
    s = community_set(city, people["district_admin"])
    manual = s.indicators.get(source=Source.MANUAL)
    evidence = SimpleUploadedFile("照片.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = api_client("community_x").post(
        f"{BASE}{s.pk}/entries/",
        {
            "indicator": manual.pk,
            "period": "2025",
            "target": city.communities[0].pk,
            "statement": "已建成",
            "evidence": evidence,
        },
    )
    assert r.status_code == 201, r.content
    entry = r.json()
    assert entry["has_evidence"] is True
    # 社区1-2's staff may not submit for 社区1-1 (another street's: not even visible).
    r = api_client("community_y").post(
        f"{BASE}{s.pk}/entries/",
        {"indicator": manual.pk, "period": "2025", "target": city.communities[0].pk, "statement": "x"},
    )
    assert r.status_code == 404
    assert (
        api_client("community_x")
        .post(f"/api/assessment/entries/{entry['id']}/score/", {"score": "10"})
        .status_code
        == 403
    )
    r = api_client("district_admin").post(f"/api/assessment/entries/{entry['id']}/score/", {"score": "99"})
    assert r.status_code == 400 and "score" in r.json()
    r = api_client("district_admin").post(
        f"/api/assessment/entries/{entry['id']}/score/", {"score": "25", "comment": "好"}
    )
    assert r.status_code == 200 and r.json()["status"] == "scored"
    assert (
        api_client("district_admin")
        .post(f"/api/assessment/entries/{entry['id']}/return/", {"comment": "x"})
        .status_code
        == 409
    )
    assert ManualEntry.objects.get().score == 25


def test_cockpit_children_add_up(city, people, api_client, tickets):
    r = api_client("leader").get("/api/assessment/cockpit/?period=2025-03")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["area"]["name"] == "芝罘区"
    assert [ch["name"] for ch in data["children"]] == ["街道1", "街道2"]
    for key in ("received", "open", "in_time", "satisfied"):
        parent = data["area"]["figures"][key]
        assert D(parent["numerator"]) == sum(D(ch["figures"][key]["numerator"]) for ch in data["children"])
    assert data["area"]["figures"]["received"]["numerator"] == "4"
    assert sum(m["received"] for m in data["trend"]) == 4
    street = data["children"][0]["area"]
    r = api_client("leader").get(f"/api/assessment/cockpit/?period=2025-03&area={street}")
    assert [ch["name"] for ch in r.json()["children"]] == ["社区1-1", "社区1-2"]


def test_cockpit_scope_and_roles(city, people, api_client):
    assert api_client("community_x").get("/api/assessment/cockpit/").status_code == 403
    assert (
        api_client("street_staff").get(f"/api/assessment/cockpit/?area={city.district.pk}").status_code == 404
    )
    assert (
        api_client("street_staff").get(f"/api/assessment/cockpit/?area={city.streets[1].pk}").status_code
        == 404
    )
    r = api_client("street_staff").get("/api/assessment/cockpit/")
    assert r.status_code == 200 and r.json()["area"]["name"] == "街道1"
    assert api_client("leader").get("/api/assessment/cockpit/?period=2025-13").status_code == 400


def test_deductions_and_indicator_removal_through_the_api(city, people, api_client, tickets):
    from quanyu.assessment.indicators import services

    admin = people["district_admin"]
    s = community_set(city, admin)
    services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-03"))
    c = api_client("street_staff")
    url = f"{BASE}{s.pk}/deductions/"
    body = {"period": "2025-03", "target": city.communities[0].pk, "points": "5", "reason": "安全事故"}
    assert api_client("community_x").post(url, body, content_type="application/json").status_code == 403
    r = c.post(url, {**body, "reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()
    r = c.post(url, {**body, "target": city.communities[2].pk}, content_type="application/json")
    assert r.status_code == 404  # another street's community is not a target of this set
    assert c.post(url, body, content_type="application/json").status_code == 201
    c.post(f"{BASE}{s.pk}/compute/", {"period": "2025-03"}, content_type="application/json")
    ranking = c.get(f"{BASE}{s.pk}/ranking/?period=2025-03").json()
    row = next(x for x in ranking["results"] if x["name"] == "社区1-1")
    assert row["deducted"] == "5.00"
    # Indicators of a published set stay: 409.
    indicator = s.indicators.first()
    assert c.delete(f"/api/assessment/indicators/{indicator.pk}/").status_code == 409
    draft = services.indicator_set_create(actor=admin, year=2026, level="community", area=city.streets[0])
    added = services.indicator_add(actor=admin, indicator_set=draft, name="x", weight=10, source="manual")
    assert api_client("community_y").delete(f"/api/assessment/indicators/{added.pk}/").status_code == 404
    assert c.delete(f"/api/assessment/indicators/{added.pk}/").status_code == 204
    assert not draft.indicators.exists()
