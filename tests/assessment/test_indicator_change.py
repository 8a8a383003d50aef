"""Change against the last period: two (and more) periods of a set computed, each row's ``change``
(its total less the previous period's of the same kind) and the bulletin's average change, counted
by hand; a quarter compares with the quarter before, never with a month computed in between."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.assessment.indicators import services
from quanyu.assessment.indicators.bulletin import bulletin_of
from quanyu.assessment.indicators.selectors import ranking_of
from quanyu.assessment.models import ScorePeriod
from quanyu.assessment.periods import parse_period
from quanyu.core.clock import LOCAL_TZ
from quanyu.tickets.models import RatingLevel
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db


def on(month: int) -> dt.datetime:
    return dt.datetime(2025, month, 10, 9, tzinfo=LOCAL_TZ)


def changes(score_period) -> dict[str, tuple[D, D | None]]:
    return {r.name: (r.total, r.change) for r in ranking_of(score_period).rows}


@pytest.fixture
def scored(city, people):
    """Street 1's set (resolved in time 40, linear 0.5→0.9; satisfaction 30, ≥0.9 → 1; a manual 30
    never scored) over these tickets:

    - February: 社区1-2 one resolved late;
    - March: 社区1-1 one in time and satisfied, one late; 社区1-2 one in time, not rated;
    - April: 社区1-1 one in time, not rated; 社区1-2 one in time and satisfied."""
    community_ticket(city, 1, at=on(2), resolved=5 * DAY)
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY)
    community_ticket(city, 1, resolved=DAY)
    community_ticket(city, 0, at=on(4), resolved=DAY)
    community_ticket(city, 1, at=on(4), resolved=DAY, rating=RatingLevel.SATISFIED)
    admin = people["district_admin"]
    s = community_set(city, admin)
    periods = {
        key: services.period_compute(actor=admin, indicator_set=s, period=parse_period(key))
        for key in ("2025-03", "2025-04", "2025-Q1", "2025-Q2")
    }
    return s, periods


def test_each_rows_change_and_the_bulletins_average_change(city, people, scored):
    s, periods = scored
    # March: 社区1-1 in time 1/2 = the floor → 0, satisfied 1/1 → 30 = 30; 社区1-2 1/1 → 40 = 40.
    # No earlier month: no change.
    assert changes(periods["2025-03"]) == {"社区1-1": (D(30), None), "社区1-2": (D(40), None)}
    assert bulletin_of(ranking_of(periods["2025-03"])).average_change is None
    # April: 社区1-1 1/1 → 40 (+10 on March); 社区1-2 1/1 and satisfied → 70 (+30).
    assert changes(periods["2025-04"]) == {"社区1-1": (D(40), D(10)), "社区1-2": (D(70), D(30))}
    assert bulletin_of(ranking_of(periods["2025-04"])).average_change == D("20.00")
    # The API says the same.
    c = Client()
    c.force_login(people["leader"])
    base = f"/api/assessment/indicator-sets/{s.pk}"
    rows = c.get(f"{base}/ranking/?period=2025-04").json()["results"]
    assert {(r["name"], r["change"]) for r in rows} == {("社区1-1", "10.00"), ("社区1-2", "30.00")}
    assert c.get(f"{base}/bulletin/?period=2025-04").json()["average_change"] == "20.00"


def test_a_quarter_compares_with_the_quarter_before(city, people, scored):
    _s, periods = scored
    # Q1: 社区1-1 as in March (30); 社区1-2 in time 1/2 (February's late one) → 0, not rated → 0.
    assert changes(periods["2025-Q1"]) == {"社区1-1": (D(30), None), "社区1-2": (D(0), None)}
    # Q2 (April's tickets) against Q1 — not against March, the latest period computed before it.
    assert changes(periods["2025-Q2"]) == {"社区1-1": (D(40), D(10)), "社区1-2": (D(70), D(70))}
    assert bulletin_of(ranking_of(periods["2025-Q2"])).average_change == D("40.00")


def test_a_preceding_period_never_computed_is_no_comparison(city, people, scored):
    """July against June, never against May: while June is not computed, July says so and shows
    no change; once the preceding period is computed, an open period compares with it, a frozen
    one keeps what it was published with."""
    s, periods = scored
    admin = people["district_admin"]
    community_ticket(city, 0, at=on(5), resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 1, at=on(6), resolved=DAY)
    may = services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-05"))
    # The fixture computed April: May compares with it.
    assert ranking_of(may).previous == periods["2025-04"]
    july = services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-07"))
    ranking = ranking_of(july)
    # July's preceding month, June, was never computed: no comparison, not May's.
    assert (ranking.previous, ranking.previous_key) == (None, "2025-06")
    assert all(r.change is None for r in ranking.rows)
    assert bulletin_of(ranking).average_change is None
    c = Client()
    c.force_login(people["leader"])
    base = f"/api/assessment/indicator-sets/{s.pk}"
    data = c.get(f"{base}/ranking/?period=2025-07").json()
    assert (data["previous_period"], data["preceding_period"], data["compared"]) == (None, "2025-06", False)
    assert {r["change"] for r in data["results"]} == {None}
    page = c.get(f"/assessment/sets/{s.pk}/ranking/?period=2025-07").content.decode()
    assert 'id="no-comparison"' in page and "2025-06" in page
    printed = c.get(f"/assessment/sets/{s.pk}/bulletin/?period=2025-07").content.decode()
    assert "不作比较" in printed
    # July is frozen without a comparison; June computed afterwards does not change it.
    services.period_freeze(actor=admin, score_period=july)
    services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-06"))
    july.refresh_from_db()
    assert ranking_of(july).previous is None
    # An open period compares with its preceding one as soon as that is computed.
    september = services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-09"))
    assert ranking_of(september).previous is None
    services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-08"))
    assert ranking_of(september).previous.period == "2025-08"


def test_january_looks_at_the_december_before(city, people, scored):
    """The first month (quarter, year) of a set compares with the same owner's set of the year
    before; with none, no comparison."""
    s, _periods = scored
    admin = people["district_admin"]
    january = services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-01"))
    assert (ranking_of(january).previous, ranking_of(january).previous_key) == (None, "2024-12")
    year_before = services.indicator_set_create(
        actor=admin, year=2024, level=s.level, area=s.area, name="2024"
    )
    december = ScorePeriod.objects.create(
        indicator_set=year_before,
        period="2024-12",
        start=dt.date(2024, 12, 1),
        end=dt.date(2025, 1, 1),
        computed_at=timezone.now(),
    )
    assert ranking_of(january).previous == december
    q1 = ranking_of(services.period_compute(actor=admin, indicator_set=s, period=parse_period("2025-Q1")))
    assert (q1.previous, q1.previous_key) == (None, "2024-Q4")
