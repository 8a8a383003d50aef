"""Who sees which indicator set and which cockpit area, API and pages alike: out of scope is a
404 (never a 403 that would confirm the id), a role without the right is a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.assessment.indicators import services
from quanyu.assessment.models import Level

pytestmark = pytest.mark.django_db

# persona -> which sets it sees: street 1's communities, street 2's, the district's streets.
SETS_SEEN = {
    "community_x": {"s1", "district"},
    "community_y": {"s2", "district"},
    "street_staff": {"s1", "district"},
    "district_admin": {"s1", "s2", "district"},
    "leader": {"s1", "s2", "district"},
    "resident": set(),
    "outsider": set(),
}
# persona -> which communities (0, 1, 2) it may open in the cockpit; None: no cockpit at all (403).
COCKPIT = {
    "street_staff": {0, 1},
    "district_admin": {0, 1, 2},
    "leader": {0, 1, 2},
    "community_x": None,
    "resident": None,
    "outsider": None,
}


@pytest.fixture
def sets(city, people):
    admin = people["district_admin"]
    return {
        "s1": services.indicator_set_create(
            actor=admin, year=2025, level=Level.COMMUNITY, area=city.streets[0]
        ),
        "s2": services.indicator_set_create(
            actor=admin, year=2025, level=Level.COMMUNITY, area=city.streets[1]
        ),
        "district": services.indicator_set_create(
            actor=admin, year=2025, level=Level.STREET, area=city.district
        ),
    }


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("persona", sorted(SETS_SEEN))
def test_sets_matrix(city, people, sets, persona):
    c = logged_in(people[persona])
    listed = {row["id"] for row in c.get("/api/assessment/indicator-sets/").json()["results"]}
    for key, s in sets.items():
        visible = key in SETS_SEEN[persona]
        assert (s.pk in listed) is visible, (persona, key)
        status = 200 if visible else 404
        assert c.get(f"/api/assessment/indicator-sets/{s.pk}/").status_code == status, (persona, key)
        assert c.get(f"/assessment/sets/{s.pk}/").status_code == status, (persona, key)


@pytest.mark.parametrize("persona", sorted(COCKPIT))
def test_cockpit_matrix(city, people, persona):
    c = logged_in(people[persona])
    for i in (0, 1, 2):
        area = city.communities[i]
        api = c.get(f"/api/assessment/cockpit/?area={area.pk}").status_code
        page = c.get(f"/cockpit/?area={area.pk}").status_code
        rows = c.get(f"/cockpit/tickets/?area={area.pk}&figure=open").status_code
        if COCKPIT[persona] is None:
            assert (api, page, rows) == (403, 403, 403), (persona, i)
        else:
            expected = 200 if i in COCKPIT[persona] else 404
            assert (api, page, rows) == (expected,) * 3, (persona, i)
