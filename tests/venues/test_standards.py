"""The compliance report on hand-made venues at every threshold's edge, and its roll-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quanyu.venues import selectors
from quanyu.venues.models import StandardProfile
from quanyu.venues.services.standards import profiles_seed
from quanyu.venues.standards import check_venue
from tests.venues.factories import SIX, make_venue


@pytest.fixture
def lyg(db):
    profiles_seed()
    return StandardProfile.objects.get(code="lianyungang")


@pytest.fixture
def yq(db):
    profiles_seed()
    return StandardProfile.objects.get(code="yangquan")


def rules(profile, kind="community_centre", area="1000", ground="500", functions=SIX, households=0):
    failures = check_venue(
        profile=profile,
        kind=kind,
        floor_area=Decimal(area),
        ground_floor_area=Decimal(ground),
        functions=set(functions),
        households=households,
    )
    return {f.rule: f.short for f in failures}


@pytest.mark.parametrize(
    ("kind", "area", "ground", "expected"),
    [
        ("community_centre", "1000", "500", {}),
        ("community_centre", "999.9", "500", {"min_area": "0.1"}),
        ("street_centre", "1500", "750", {}),
        ("street_centre", "1499.9", "750", {"min_area": "0.1"}),
        ("street_centre", "1500", "749.9", {"ground_floor": "0.1"}),
        ("community_centre", "1200", "600", {}),
        ("community_centre", "1200", "599.9", {"ground_floor": "0.1"}),
        ("station", "10", "0", {}),  # no rule for stations
    ],
)
def test_lianyungang_area_and_ground_floor_edges(lyg, kind, area, ground, expected):
    assert rules(lyg, kind, area, ground) == expected


def test_lianyungang_one_zone_five_centres(lyg):
    assert rules(lyg, functions=SIX) == {}
    assert rules(lyg, functions=SIX[:-1]) == {"functions": "exhibition"}
    assert rules(lyg, kind="street_centre", area="1500", ground="750", functions=[]) == {}


def test_households_rule_edges(lyg, yq):
    # 30 m² per 100 households: 4,000 households need 1,200 m²
    assert rules(lyg, area="1200", ground="600", households=4000) == {}
    assert rules(lyg, area="1199.9", ground="600", households=4000) == {"households": "0.1"}
    assert rules(yq, area="1199.9", ground="0", functions=[], households=4000) == {"households": "0.1"}


def test_yangquan_edges(yq):
    assert rules(yq, area="500", ground="0", functions=[]) == {}
    assert rules(yq, area="499.9", ground="0", functions=[]) == {"min_area": "0.1"}
    assert rules(yq, kind="street_centre", area="500", ground="0", functions=[]) == {}


def test_seeded_profiles_cite_their_sources(lyg, yq):
    assert "004_d5bd8193871cfdfb" in lyg.source and lyg.is_default
    assert "000_f3c7ff17adbfc41f" in yq.source
    assert lyg.yearly_targets == {"1": 0.6, "2": 0.8, "3": 1.0}


def test_report_and_rollup_per_street_and_district(city, lyg):
    good = make_venue(city, city.communities[0], floor_area="1000", ground="500", functions=SIX)
    small = make_venue(city, city.communities[1], floor_area="900", ground="500", functions=SIX)
    other = make_venue(city, city.communities[2], floor_area="1000", ground="400", functions=SIX[:3])
    make_venue(city, city.communities[3], kind="station", floor_area="30", ground="30")  # not judged
    admin = city.users["district_admin"]
    rows = selectors.compliance_for(actor=admin, profile=lyg)
    by_venue = {r["venue"].pk: r for r in rows}
    assert set(by_venue) == {good.pk, small.pk, other.pk}
    assert by_venue[good.pk]["compliant"]
    assert by_venue[small.pk]["failures"][0] == {
        "rule": "min_area",
        "label": "建筑面积",
        "required": "1000.0",
        "actual": "900.0",
        "short": "100.0",
    }
    assert {f["rule"] for f in by_venue[other.pk]["failures"]} == {"ground_floor", "functions"}
    rollup = selectors.compliance_rollup(rows, profile=lyg, year_of_plan=1)
    assert (rollup["venues"], rollup["compliant"], rollup["target"], rollup["on_track"]) == (3, 1, 0.6, False)
    street1, street2 = rollup["streets"]
    assert (street1["venues"], street1["compliant"], street1["share"]) == (2, 1, 0.5)
    assert street1["by_rule"] == {"min_area": {"count": 1, "short_m2": "100.0"}}
    assert street2["by_rule"]["ground_floor"] == {"count": 1, "short_m2": "100.0"}
    assert rollup["districts"][0]["venues"] == 3
    # community staff of Y see their own venue only
    assert [
        r["venue"].pk for r in selectors.compliance_for(actor=city.users["community_y"], profile=lyg)
    ] == [other.pk]
    assert selectors.compliance_for(actor=city.users["resident"], profile=lyg) == []
