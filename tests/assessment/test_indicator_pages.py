"""The indicator-assessment pages and the cockpit, rendered through Django's test client: 200 for
those who may see them, 404 out of scope, a refused step shown again with its status, the
figures' links opening the records behind them, the xlsx export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from quanyu.assessment.indicators import services
from quanyu.assessment.models import IndicatorSet, PeriodStatus, Source
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def computed(city, people):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    community_ticket(city, 1, resolved=DAY)
    community_ticket(city, 3)
    s = community_set(city, people["district_admin"])
    services.period_compute(actor=people["district_admin"], indicator_set=s, period=MARCH)
    return s


def test_set_pages_render_for_viewers_and_404_outside(city, people, computed):
    s = computed
    for who in ("district_admin", "street_staff", "community_x", "leader"):
        c = client(people[who])
        assert c.get("/assessment/sets/").status_code == 200
        assert c.get(f"/assessment/sets/{s.pk}/").status_code == 200
        r = c.get(f"/assessment/sets/{s.pk}/ranking/?period=2025-03")
        assert r.status_code == 200
        assert "社区1-1" in r.content.decode()
    c = client(people["community_y"])
    assert c.get(f"/assessment/sets/{s.pk}/").status_code == 404
    assert c.get(f"/assessment/sets/{s.pk}/ranking/").status_code == 404
    indicator = s.indicators.get(provider="tickets.resolved_in_time")
    assert (
        c.get(
            f"/assessment/indicators/{indicator.pk}/rows/?period=2025-03&target={city.communities[0].pk}"
        ).status_code
        == 404
    )


def test_drill_down_lists_the_rows_behind_the_figure(city, people, computed):
    indicator = computed.indicators.get(provider="tickets.resolved_in_time")
    r = client(people["street_staff"]).get(
        f"/assessment/indicators/{indicator.pk}/rows/?period=2025-03&target={city.communities[0].pk}"
    )
    assert r.status_code == 200
    assert r.content.decode().count("/tickets/") >= 2
    assert r.context["page"].paginator.count == 2
    # A target outside the set is a 404.
    r = client(people["street_staff"]).get(
        f"/assessment/indicators/{indicator.pk}/rows/?period=2025-03&target={city.communities[3].pk}"
    )
    assert r.status_code == 404


def test_steps_through_the_page_and_refusals_keep_their_status(city, people, computed):
    s = computed
    url = f"/assessment/sets/{s.pk}/"
    r = client(people["community_x"]).post(url + "freeze/", {"period": "2025-03"})
    assert r.status_code == 403
    r = client(people["street_staff"]).post(url + "freeze/", {"period": "2025-13"})
    assert r.status_code == 400
    r = client(people["street_staff"]).post(url + "freeze/", {"period": "2025-03", "note": "通报"})
    assert r.status_code == 302
    assert s.periods.get().status == PeriodStatus.FROZEN
    r = client(people["street_staff"]).post(url + "compute/", {"period": "2025-03"})
    assert r.status_code == 409
    manual = s.indicators.get(source=Source.MANUAL)
    r = client(people["community_x"]).post(
        url + "submit/",
        {"indicator": manual.pk, "period": "2025-04", "target": city.communities[0].pk, "statement": "自评"},
    )
    assert r.status_code == 302, r.content
    assert client(people["community_x"]).post(url + "nonsense/").status_code == 404


def test_create_set_page(city, people):
    c = client(people["street_staff"])
    r = c.post("/assessment/sets/new/", {"year": "2025", "level": "community", "area": city.streets[0].pk})
    assert r.status_code == 302
    s = IndicatorSet.objects.get()
    r = c.post(f"/assessment/sets/{s.pk}/add/", {"name": "办结率", "weight": "x", "source": "computed"})
    assert r.status_code == 400 and "数字" in r.content.decode()
    r = client(people["street_staff"]).post(
        "/assessment/sets/new/", {"year": "2025", "level": "street", "area": city.district.pk}
    )
    assert r.status_code == 403


def test_ranking_export(city, people, computed):
    r = client(people["leader"]).get(f"/assessment/sets/{computed.pk}/ranking/export.xlsx?period=2025-03")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = [row[:3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # 社区1-2: in time 1/1 → 40, no rating → 0; 社区1-1: 1/2 → 0, satisfied 1/1 → 30.
    assert rows == [(1, "社区1-2", 40.0), (2, "社区1-1", 30.0)]


def test_cockpit_pages(city, people, computed):
    c = client(people["leader"])
    r = c.get("/cockpit/?period=2025-03")
    assert r.status_code == 200
    body = r.content.decode()
    assert "街道1" in body and 'id="cockpit-data"' in body and "<script>" not in body
    r = c.get(f"/cockpit/?period=2025-03&area={city.streets[0].pk}&mode=screen")
    assert r.status_code == 200 and "qy-cockpit-screen" in r.content.decode()
    r = c.get(f"/cockpit/tickets/?period=2025-03&area={city.communities[0].pk}&figure=received")
    assert r.status_code == 200 and r.context["page"].paginator.count == 2
    assert client(people["street_staff"]).get(f"/cockpit/?area={city.district.pk}").status_code == 404
    assert client(people["community_x"]).get("/cockpit/").status_code == 403
    assert client(people["resident"]).get("/cockpit/").status_code == 403


def test_admin_is_read_only(city, people, computed):
    from quanyu.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "x")
    c = client(root)
    for model in ("indicatorset", "scoreperiod", "score", "manualentry", "deduction", "indicatorevent"):
        assert c.get(f"/admin/assessment/{model}/").status_code == 200
    assert c.get(f"/admin/assessment/indicatorset/{computed.pk}/change/").status_code == 200
    assert c.get("/admin/assessment/indicatorset/add/").status_code == 403


def test_cockpit_heat_is_the_viewers_open_tickets(city, people):
    community_ticket(city, 0, lon=121.32, lat=37.52)
    community_ticket(city, 2, lon=121.42, lat=37.52)
    community_ticket(city, 0, resolved=DAY, lon=121.33, lat=37.52)  # closed: no heat
    assert client(people["leader"]).get("/cockpit/").context["chart"]["heat"] == [
        [121.32, 37.52],
        [121.42, 37.52],
    ]
    assert client(people["street_staff"]).get("/cockpit/").context["chart"]["heat"] == [[121.32, 37.52]]
