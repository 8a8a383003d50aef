"""The demo's people figures, community by community (issue 13 points 5 and 9), on the small demo
city the other demo tests build (scale 0.05, built once for this module): every community has
双报到 reports confirmed this year and a non-zero points total this year, and the resident register
holds the households the residents step promises, with the protected tags at realistic rates."""

from collections import Counter

from django.db.models import Count, F, Sum
from django.utils import timezone

from quanyu.people.models import PointEntry, Report, Resident
from quanyu.people.states import ReportStatus
from tests.demo.test_build import demo  # noqa: F401  (the module-scoped demo build, reused)

REGISTERED_SHARE = 0.15  # of each building's households (the residents step's promise)


def test_every_community_has_this_years_confirmed_reports_and_points(demo, db):  # noqa: F811
    year = timezone.localdate().year
    confirmed = Counter(
        Report.objects.filter(year=year, status=ReportStatus.CONFIRMED).values_list("community_id", flat=True)
    )
    points = dict(
        PointEntry.objects.filter(occurred_on__year=year)
        .values("member__community_id")
        .annotate(total=Sum("points"))
        .values_list("member__community_id", "total")
    )
    for community in demo.communities:
        assert confirmed[community.pk] >= 1, f"{community.name}: no 双报到 confirmed in {year}"
        assert (points.get(community.pk) or 0) > 0, f"{community.name}: points total is 0 in {year}"


def test_the_register_has_the_promised_households(demo, db):  # noqa: F811
    promised = Counter()
    for b, building in enumerate(demo.layout.buildings):
        promised[demo.buildings[b].pk] = max(1, round(building.households * REGISTERED_SHARE))
    # The wishes step registers a wisher of its own without a building; the register is the rest.
    register = Resident.objects.filter(building__isnull=False)
    registered = dict(
        register.values("building_id")
        .annotate(n=Count("household_key", distinct=True))
        .values_list("building_id", "n")
    )
    assert registered == dict(promised)
    households = sum(promised.values())
    residents = register.count()
    # One to five people a household, 2.5 on average by the step's weights.
    assert 2.2 * households <= residents <= 2.8 * households, (residents, households)
    # Every resident sits in a household of a building of their own community.
    assert not register.filter(household_key="").exists()
    assert not register.exclude(building__path__startswith=F("community__path")).exists()


def test_protected_tags_at_realistic_rates(demo, db):  # noqa: F811
    register = Resident.objects.filter(building__isnull=False)
    residents = register.count()
    households = register.values("household_key").distinct().count()

    def tagged(tag: str) -> int:
        return register.filter(tags__contains=f",{tag},").count()

    # 空巢老人: single households of 65 and over (about a third of the 22 % single households).
    elderly = tagged("elderly_alone")
    assert 0.03 * households <= elderly <= 0.15 * households, (elderly, households)
    # 残疾人: about 1.5 % of people.
    disability = tagged("disability")
    assert 0.007 * residents <= disability <= 0.025 * residents, (disability, residents)
    # 低收入: about 2.5 % of households, carried by the household's head.
    low_income = tagged("low_income")
    assert 0.01 * households <= low_income <= 0.045 * households, (low_income, households)
    # 留守儿童: a few children under 16.
    children = tagged("left_behind_child")
    assert 0 < children <= 0.02 * residents, (children, residents)
