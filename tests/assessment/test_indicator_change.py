"""Change against the last period: two (and more) periods of a set computed, each row's ``change``
(its total less the previous period's of the same kind) and the bulletin's average change, counted
by hand; a quarter compares with the quarter before, never with a month computed in between."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from quanyu.assessment.indicators import services
from quanyu.assessment.indicators.bulletin import bulletin_of
from quanyu.assessment.indicators.selectors import ranking_of
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
