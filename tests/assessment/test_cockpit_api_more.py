"""Everything of the cockpit and the bulletin in the API (issue 18): the heat points of the map,
the tickets behind a ticket figure — by major category and by hot spot —, the ranking as xlsx
and the bulletin as PDF; each scoped to the caller (another area, set or hot spot is a 404, no
cockpit a 403) and bad input a 400 naming the field."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from quanyu.analytics import services as alerts
from quanyu.analytics.models import Alert, AlertKind
from quanyu.assessment.indicators import services
from quanyu.assessment.periods import parse_period
from quanyu.catalog.models import Category
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
API = "/api/assessment/"
MARCH = parse_period("2025-03")


@pytest.fixture
def spread(city):
    """Open tickets with a place in 社区1-1 and 社区2-1 (street 2), one without; a resolved one."""
    parent = Category.objects.create(name="市容环境", code="A01")
    litter = Category.objects.create(name="垃圾清运", code="A0101", parent=parent)
    return {
        "a": community_ticket(city, 0, lon=121.1, lat=37.5, category=litter),
        "b": community_ticket(city, 0, lon=121.2, lat=37.6),
        "c": community_ticket(city, 2, lon=121.3, lat=37.7, category=litter),
        "d": community_ticket(city, 1),
        "e": community_ticket(city, 1, resolved=DAY, lon=121.4, lat=37.8),
        "parent": parent,
    }


def test_heat_points_are_the_open_tickets_the_caller_may_see(city, people, api_client, spread):
    body = api_client("leader").get(f"{API}cockpit/heat/?period=2025-03").json()
    assert body["area"] == city.district.pk and body["count"] == 3
    assert sorted(body["points"]) == [[121.1, 37.5], [121.2, 37.6], [121.3, 37.7]]
    mine = api_client("street_staff").get(f"{API}cockpit/heat/").json()
    assert sorted(mine["points"]) == [[121.1, 37.5], [121.2, 37.6]]
    assert api_client("street_staff").get(f"{API}cockpit/heat/?area={city.streets[1].pk}").status_code == 404
    assert api_client("community_x").get(f"{API}cockpit/heat/").status_code == 403
    assert api_client("leader").get(f"{API}cockpit/heat/?period=2025-13").status_code == 400


def test_a_figure_opens_its_tickets_by_category(city, people, api_client, spread):
    c = api_client("leader")
    url = f"{API}cockpit/tickets/?area={city.district.pk}&period=2025-03"
    received = c.get(f"{url}&figure=received").json()
    assert received["count"] == 5
    parent = spread["parent"].pk
    litter = c.get(f"{url}&figure=received&category={parent}").json()
    assert {r["id"] for r in litter["results"]} == {spread["a"].pk, spread["c"].pk}
    assert {r["category_name"] for r in litter["results"]} == {"垃圾清运"}
    none = c.get(f"{url}&figure=received&category=0").json()
    assert {r["id"] for r in none["results"]} == {spread["b"].pk, spread["d"].pk, spread["e"].pk}
    open_ = c.get(f"{url}&figure=open").json()
    assert open_["count"] == 4
    # The street's staff: their street's tickets only; another street is not theirs.
    staff = api_client("street_staff")
    theirs = staff.get(f"{API}cockpit/tickets/?period=2025-03&figure=received&category={parent}").json()
    assert [r["id"] for r in theirs["results"]] == [spread["a"].pk]
    assert staff.get(f"{API}cockpit/tickets/?area={city.streets[1].pk}").status_code == 404
    # Bad input names the field; no cockpit, no tickets.
    for query, field in (
        ("figure=nope", "figure"),
        ("category=x", "category"),
        ("figure=open&category=1", "category"),
        ("period=2025-13", "period"),
    ):
        bad = c.get(f"{API}cockpit/tickets/?{query}")
        assert bad.status_code == 400 and field in bad.json(), (query, bad.content)
    assert api_client("community_x").get(f"{API}cockpit/tickets/").status_code == 403


def test_a_hot_spot_opens_its_tickets(city, people, api_client):
    now = timezone.now()
    lift = Category.objects.create(code="H2", name="电梯故障")
    own = [
        community_ticket(city, 0, at=now - DAY * (i + 1), category=lift, text=f"电梯坏了 {i}")
        for i in range(3)
    ]
    for i in range(2):
        community_ticket(city, 2, at=now - DAY * (i + 1), category=lift, text=f"电梯坏了 {i}")
    alerts.alerts_raise()
    spots = {a.area_id: a for a in Alert.objects.filter(kind=AlertKind.HOTSPOT)}
    mine, other = spots[city.communities[0].pk], spots[city.communities[2].pk]
    staff = api_client("street_staff")
    body = staff.get(f"{API}cockpit/tickets/?hotspot={mine.pk}").json()
    assert {r["id"] for r in body["results"]} == {t.pk for t in own} == set(mine.ticket_ids)
    assert staff.get(f"{API}cockpit/tickets/?hotspot={other.pk}").status_code == 404
    leader = api_client("leader")
    assert (
        leader.get(f"{API}cockpit/tickets/?area={city.streets[0].pk}&hotspot={other.pk}").status_code == 404
    )
    assert leader.get(f"{API}cockpit/tickets/?hotspot={other.pk}").json()["count"] == 2
    assert leader.get(f"{API}cockpit/tickets/?hotspot=nope").status_code == 404


@pytest.fixture
def computed(city, people):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    community_ticket(city, 1, resolved=DAY)
    admin = people["district_admin"]
    s = community_set(city, admin)
    services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    return s


def test_the_ranking_as_xlsx(city, people, api_client, computed):
    from openpyxl import load_workbook

    c = api_client("leader")
    answer = c.get(f"{API}indicator-sets/{computed.pk}/ranking/export/?period=2025-03")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxml")
    assert "no-store" in answer["Cache-Control"]
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = [r[:3] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    ranking = c.get(f"{API}indicator-sets/{computed.pk}/ranking/?period=2025-03").json()["results"]
    assert [(int(r), n, float(t)) for r, n, t in rows] == [
        (x["rank"], x["name"], float(x["total"])) for x in ranking
    ]
    # Without a period: the latest computed; a period not computed: 404; a bad one: 400.
    assert c.get(f"{API}indicator-sets/{computed.pk}/ranking/export/").status_code == 200
    assert c.get(f"{API}indicator-sets/{computed.pk}/ranking/export/?period=2025-04").status_code == 404
    bad = c.get(f"{API}indicator-sets/{computed.pk}/ranking/export/?period=2025-13")
    assert bad.status_code == 400 and "period" in bad.json()
    other = api_client("community_y")  # street 2: the set is not theirs
    assert other.get(f"{API}indicator-sets/{computed.pk}/ranking/export/?period=2025-03").status_code == 404


def test_the_bulletin_as_a_pdf(city, people, api_client, computed):
    from pypdf import PdfReader

    c = api_client("leader")
    answer = c.get(f"{API}indicator-sets/{computed.pk}/bulletin/pdf/?period=2025-03")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    ranking = c.get(f"{API}indicator-sets/{computed.pk}/ranking/?period=2025-03").json()["results"]
    appendix = text.split("考核得分排名表", 1)[1].splitlines()
    table = [m.groups() for line in appendix if (m := re.match(r"^(\d+) (\S+) (\d+\.\d{2})(?: |$)", line))]
    assert [(int(r), n, t) for r, n, t in table] == [(x["rank"], x["name"], x["total"]) for x in ranking]
    assert "草稿" in text  # not frozen yet
    assert c.get(f"{API}indicator-sets/{computed.pk}/bulletin/pdf/?period=2025-04").status_code == 404
    other = api_client("community_y")
    assert other.get(f"{API}indicator-sets/{computed.pk}/bulletin/pdf/?period=2025-03").status_code == 404


def test_the_schema_declares_the_files_as_binary(tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    sets = "/api/assessment/indicator-sets/{id}/"
    export = paths[f"{sets}ranking/export/"]["get"]["responses"]
    pdf = paths[f"{sets}bulletin/pdf/"]["get"]["responses"]
    assert list(export["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    assert list(pdf["200"]["content"]) == ["application/pdf"]
    for responses in (export, pdf):
        (body,) = responses["200"]["content"].values()
        assert body["schema"] == {"type": "string", "format": "binary"}
        assert "404" in responses
    for path in ("heat", "tickets"):
        assert f"/api/assessment/cockpit/{path}/" in paths
