"""The assessment API for real: the ranking, bad periods, drill-down scoping, bulletins, export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from quanyu.assessment.models import Bulletin
from quanyu.assessment.periods import parse_period
from quanyu.assessment.rollup import assessment_rebuild
from quanyu.tickets.models import RatingLevel
from tests.assessment.helpers import H, add_whistle, local_dt

pytestmark = pytest.mark.django_db
URL = "/api/assessment/departments/"


@pytest.fixture
def march(city, depts, people):
    at = local_dt(2025, 3, 12, 9)
    ws = {
        "cg_ok": add_whistle(city, depts["cg"], at=at, responded=H, resolved=H, rating=RatingLevel.SATISFIED),
        "cg_late": add_whistle(city, depts["cg"], at=at, responded=3 * H, street=1),
        "h_ok": add_whistle(
            city, depts["housing"], at=at, responded=H, resolved=H, rating=RatingLevel.BASICALLY
        ),
        "h_street2": add_whistle(city, depts["housing"], at=at, responded=H, street=1),
    }
    assessment_rebuild(parse_period("2025-03"))  # rows written directly: no ticket events to catch up from
    return ws


def test_ranking_figures(api_client, march, django_assert_max_num_queries):
    client = api_client("leader")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"period": "2025-03"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["period"], body["period_label"], body["frozen"]) == ("2025-03", "2025年3月", False)
    assert body["weights"]["weight_response"] == 10 and body["weights"]["weight_completion"] == 40
    assert any("响应率×10" in line for line in body["weights"]["text"])
    rows = {r["department_name"]: r for r in body["results"]}
    assert rows["区城管局"] == {
        "rank": 2,
        "department_id": march["cg_ok"].department_id,
        "department_name": "区城管局",
        "received": 2,
        "responded_in_time": 1,
        "resolved_in_time": 1,
        "rated": 1,
        "satisfied": 1,
        "returned": 0,
        "response_rate": "0.5000",
        "completion_rate": "0.5000",
        "satisfaction_rate": "1.0000",
        "score": "75.00",
    }
    # 区住建局: 10·1 + 40·1/2 + 50·1 = 80 → first; 区水务局 received nothing: unranked, last.
    ranks = [(r["department_name"], r["rank"], r["score"]) for r in body["results"]]
    assert ranks == [("区住建局", 1, "80.00"), ("区城管局", 2, "75.00"), ("区水务局", None, None)]


@pytest.mark.parametrize("period", ["2025-13", "2025/03", "march", "2025-Q0", "1850"])
def test_bad_period_is_a_clear_400(api_client, march, period):
    response = api_client("leader").get(URL, {"period": period})
    assert response.status_code == 400
    assert "period" in response.json()
    assert "YYYY-MM" in response.json()["period"][0] or "年份" in response.json()["period"][0]


def test_quarter_and_year(api_client, march):
    client = api_client("org_dept")
    for period in ["2025-Q1", "2025"]:
        body = client.get(URL, {"period": period}).json()
        assert {r["department_name"]: r["received"] for r in body["results"]}["区城管局"] == 2
    assert client.get(URL, {"period": "2025-Q2"}).json()["results"][0]["received"] == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leader", 200),
        ("org_dept", 200),
        ("district_admin", 200),
        ("street_staff", 200),
        ("auditor", 200),
        ("department_handler", 200),
        ("community_x", 403),
        ("grid_worker", 403),
        ("resident", 403),
        ("outsider", 403),
    ],
)
def test_who_sees_the_ranking(api_client, march, who, status):
    assert api_client(who).get(URL, {"period": "2025-03"}).status_code == status


def test_anonymous_is_refused(client, march):
    assert client.get(URL).status_code == 401


def drill(client, dept, **params):
    return client.get(f"{URL}{dept.pk}/tickets/", {"period": "2025-03", **params})


def test_drilldown_lists_the_whistles_behind_a_figure(
    api_client, march, depts, django_assert_max_num_queries
):
    client = api_client("org_dept")
    with django_assert_max_num_queries(6):
        response = drill(client, depts["cg"], figure="response", outcome="missed")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["id"] for r in body["results"]] == [march["cg_late"].pk]
    assert body["results"][0]["response_in_time"] is False
    assert [
        r["id"] for r in drill(client, depts["cg"], figure="response", outcome="met").json()["results"]
    ] == [march["cg_ok"].pk]
    assert drill(client, depts["cg"], figure="received").json()["count"] == 2
    assert drill(client, depts["housing"], figure="satisfaction", outcome="met").json()["count"] == 1
    assert drill(client, depts["housing"], figure="completion", outcome="missed").json()["count"] == 1


def test_drilldown_scoping(api_client, march, depts):
    handler = api_client("department_handler")  # 区城管局's handler
    assert drill(handler, depts["cg"]).json()["count"] == 2
    assert drill(handler, depts["housing"]).status_code == 404
    assert handler.get(f"{URL}999999/tickets/", {"period": "2025-03"}).status_code == 404
    # A street's staff sees the whistles of its own street only.
    street = api_client("street_staff")
    assert [r["id"] for r in drill(street, depts["cg"]).json()["results"]] == [march["cg_ok"].pk]
    assert api_client("community_x").get(f"{URL}{depts['cg'].pk}/tickets/").status_code == 403


def test_drilldown_of_a_unit_that_is_not_a_department_is_404(api_client, city, march):
    resident_unit = city.units[0]
    assert drill(api_client("org_dept"), resident_unit).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"figure": "speed"}, "figure"),
        ({"figure": "response", "outcome": "maybe"}, "outcome"),
        ({"figure": "received", "outcome": "met"}, "outcome"),
        ({"period": "2025-99"}, "period"),
    ],
)
def test_drilldown_bad_parameters(api_client, march, depts, params, field):
    response = drill(api_client("org_dept"), depts["cg"], **params)
    assert response.status_code == 400
    assert field in response.json()


def test_bulletins(api_client, march):
    org = api_client("org_dept")
    response = org.post(
        "/api/assessment/bulletins/", {"period": "2025-03", "note": "通报"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "2025年3月职能部门考核通报"
    assert [r["department_name"] for r in body["results"]] == ["区住建局", "区城管局", "区水务局"]
    again = org.post("/api/assessment/bulletins/", {"period": "2025-03"}, content_type="application/json")
    assert again.status_code == 400 and "period" in again.json()
    leader = api_client("leader")
    assert (
        leader.post(
            "/api/assessment/bulletins/", {"period": "2025-02"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Bulletin.objects.count() == 1
    listing = leader.get("/api/assessment/bulletins/").json()
    assert listing["count"] == 1 and listing["results"][0]["period"] == "2025-03"
    detail = leader.get(f"/api/assessment/bulletins/{body['id']}/").json()
    assert detail["weights"]["weight_satisfaction"] == 50
    assert detail["results"][0]["score"] == "80.00"
    assert leader.get("/api/assessment/bulletins/999999/").status_code == 404
    # The ranking of the period now answers the frozen bulletin.
    ranking = leader.get(URL, {"period": "2025-03"}).json()
    assert ranking["frozen"] is True and ranking["bulletin"] == body["id"]


def test_export_xlsx(api_client, march):
    response = api_client("leader").get(f"{URL}export/", {"period": "2025-03"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "职能部门", "收到呼叫")
    assert rows[1][1] == "区住建局" and rows[1][10] == 80.0
    assert api_client("leader").get(f"{URL}export/", {"period": "x"}).status_code == 400


def test_schema_lists_the_endpoints(api_client, people):
    response = api_client("district_admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/assessment/departments/" in paths
    assert any(p.startswith("/api/assessment/departments/{") for p in paths)
    assert "/api/assessment/bulletins/" in paths
