"""The providers of the apps that landed after tickets and people (wishes, volunteering, venues,
co-governance), each on hand-made rows: every figure as counted by hand, for communities and for
their street and district (the children's parts adding up to the parent's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment.indicators import registry
from quanyu.assessment.indicators.registry import AREA, Figure, Target
from quanyu.assessment.periods import parse_period
from quanyu.cogov.models import Contract, Milestone, SecretaryProject, Task
from quanyu.cogov.services.projects import schedule_status
from quanyu.cogov.states import ContractStatus, ProjectStatus, TaskStatus
from quanyu.core.clock import LOCAL_TZ
from quanyu.venues.models import Booking, StandardProfile, Venue
from quanyu.venues.states import BookingStatus, VenueStatus
from quanyu.volunteering.models import Activity, Project, Signup, Team, Volunteer
from quanyu.volunteering.states import HoursStatus, SignupStatus
from quanyu.wishes.models import Wish
from quanyu.wishes.states import WishStatus
from tests.cogov.factories import draft_contract, held_session_with_task
from tests.venues.factories import make_venue
from tests.volunteering.factories import add_volunteer
from tests.wishes.factories import resident_wish

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")
YEAR = parse_period("2025")


def at(day: int, hour: int = 10, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=LOCAL_TZ)


def target(a: Area) -> Target:
    return Target(AREA, a.pk, a.name, a.path)


def levels(city) -> list[Target]:
    return [target(a) for a in [city.district, *city.streets, *city.communities]]


def compute(key: str, city, period=MARCH) -> dict[str, Figure]:
    provider = registry.get(key)
    assert provider is not None and provider.kinds == frozenset({AREA})
    got = provider.compute(levels(city), period, {})
    names = {t.pk: t.name for t in levels(city)}
    return {names[pk]: f for pk, f in got.items()}


def parts(f: Figure) -> tuple[D, D | None]:
    return f.numerator, f.denominator


def assert_adds_up(city, figures: dict[str, Figure], *, communities: bool = True) -> None:
    """The streets' parts sum to the district's, and (``communities``: when every row lies in a
    community rather than on a street itself) the communities' to their street's."""

    def total(names: list[str]) -> tuple[D, D]:
        return (
            sum((figures[n].numerator for n in names), D(0)),
            sum((figures[n].denominator or D(0) for n in names), D(0)),
        )

    streets = [s.name for s in city.streets]
    assert total(streets) == (figures[city.district.name].numerator, figures[city.district.name].denominator)
    for street in city.streets if communities else []:
        children = [c.name for c in city.communities if c.path.startswith(street.path)]
        assert total(children) == (figures[street.name].numerator, figures[street.name].denominator)


def test_the_apps_providers_are_registered():
    keys = {p.key for p in registry.all_providers(AREA)}
    assert {
        "wishes.realised_per_1000",
        "volunteering.hours_per_volunteer",
        "venues.compliance",
        "venues.use",
        "venues.cold_share",
        "cogov.contracts_evaluated",
        "cogov.resolutions_on_time",
        "cogov.projects_on_schedule",
    } <= keys


def test_wishes_realised_per_thousand_residents(city):
    Area.objects.filter(kind=AreaKind.GRID).update(population=0)
    for grid in city.grids[:4]:  # the grids of 社区1-1 and 社区1-2: 1,000 residents each
        Area.objects.filter(pk=grid.pk).update(population=500)

    def wish(ci: int, status: str, confirmed: dt.datetime | None) -> None:
        w = resident_wish(city)
        c = city.communities[ci]
        Wish.objects.filter(pk=w.pk).update(
            community=c, scope_path=c.path, status=status, confirmed_at=confirmed
        )

    wish(0, WishStatus.CONFIRMED, at(3))
    wish(0, WishStatus.CONFIRMED, at(31, 23))  # 23:00 local on 31 March: still March
    wish(0, WishStatus.CONFIRMED, at(1, 0, month=4))  # April
    wish(0, WishStatus.FULFILLED, None)  # not confirmed yet
    wish(1, WishStatus.CONFIRMED, at(15))
    wish(2, WishStatus.CONFIRMED, at(15))  # a community without population
    f = compute("wishes.realised_per_1000", city)
    c = [x.name for x in city.communities]
    assert parts(f[c[0]]) == (D(2), D(1))
    assert parts(f[c[1]]) == (D(1), D(1))
    assert parts(f[c[2]]) == (D(1), D(0)) and f[c[2]].value is None
    assert parts(f[city.streets[0].name]) == (D(3), D(2)) and f[city.streets[0].name].value == D("1.5")
    assert parts(f[city.district.name]) == (D(4), D(2))
    assert_adds_up(city, f)
    assert compute("wishes.realised_per_1000", city, YEAR)[c[0]].numerator == 3


def test_volunteering_hours_per_volunteer(city):
    vols = [
        add_volunteer(city, 1),
        add_volunteer(city, 2),
        add_volunteer(city, 3, community=1, with_user=False),
    ]
    add_volunteer(city, 4, community=2, with_user=False)
    c0 = city.communities[0]
    team = Team.objects.create(
        name="服务队", kind="member", community=c0, scope_path=c0.path, organisation="党委"
    )
    project = Project.objects.create(team=team, name="四点半课堂", scope_path=c0.path)

    def activity(start: dt.datetime) -> Activity:
        return Activity.objects.create(
            project=project,
            title="作业辅导",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            address="党群服务中心",
            capacity=10,
            signup_opens=start - dt.timedelta(days=3),
            signup_closes=start,
            scope_path=c0.path,
        )

    march, april = activity(at(10)), activity(at(2, month=4))
    rows = [
        (march, vols[0], 120, HoursStatus.APPROVED),
        (march, vols[1], 90, HoursStatus.APPROVED),
        (march, vols[2], 60, HoursStatus.APPROVED),  # a volunteer of 社区1-2 at 社区1-1's activity
        (april, vols[0], 120, HoursStatus.APPROVED),  # April
    ]
    for pos, (act, vol, minutes, status) in enumerate(rows):
        Signup.objects.create(
            activity=act,
            volunteer=vol,
            status=SignupStatus.CHECKED_OUT,
            position=pos,
            scope_path=act.scope_path,
            minutes=minutes,
            hours_status=status,
        )
    Signup.objects.create(  # pending: not recognised
        activity=march,
        volunteer=vols[2],
        status=SignupStatus.CHECKED_OUT,
        position=9,
        scope_path=c0.path,
        minutes=600,
        hours_status=HoursStatus.PENDING,
    )
    assert Volunteer.objects.count() == 4
    f = compute("volunteering.hours_per_volunteer", city)
    c = [x.name for x in city.communities]
    assert parts(f[c[0]]) == (D("3.5"), D(2)) and f[c[0]].value == D("1.75")
    assert parts(f[c[1]]) == (D(1), D(1))
    assert parts(f[c[2]]) == (D(0), D(1))
    assert parts(f[city.district.name]) == (D("4.5"), D(4))
    assert_adds_up(city, f)


def test_venues_compliance_and_use(city):
    StandardProfile.objects.update(is_default=False)
    StandardProfile.objects.create(
        code="test",
        name="测试标准",
        min_area={"community_centre": 500},
        required_functions=["deliberation"],
        function_kinds=["community_centre"],
        is_default=True,
    )
    c = city.communities
    ok = make_venue(city, c[0], floor_area="600", ground="100", functions=["deliberation"], name="达标中心")
    make_venue(city, c[0], floor_area="400", ground="100", functions=["deliberation"], name="面积不足")
    make_venue(city, c[1], floor_area="900", functions=["party_activity"], name="缺议事室")
    make_venue(
        city, c[2], floor_area="900", functions=["deliberation"], name="已关闭", status=VenueStatus.CLOSED
    )
    other = make_venue(city, c[3], floor_area="900", functions=["deliberation"], name="街道二达标")
    f = compute("venues.compliance", city)
    assert parts(f[c[0].name]) == (D(1), D(2))
    assert parts(f[c[1].name]) == (D(0), D(1))
    assert parts(f[c[2].name]) == (D(0), D(0))
    assert parts(f[city.district.name]) == (D(2), D(4))
    assert_adds_up(city, f)

    room = ok.rooms.get()

    def booking(venue: Venue, start: dt.datetime, hours: int, status: str) -> None:
        Booking.objects.create(
            room=room if venue == ok else venue.rooms.first(),
            venue=venue,
            booker=city.users["district_admin"],
            booker_kind="org",
            purpose="支部主题党日",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            status=status,
        )

    booking(ok, at(5), 2, BookingStatus.USED)
    booking(ok, at(6), 3, BookingStatus.USED)
    booking(ok, at(7), 4, BookingStatus.APPROVED)  # not used
    booking(ok, at(1, month=4), 5, BookingStatus.USED)  # April
    booking(other, at(8), 1, BookingStatus.USED)
    u = compute("venues.use", city)
    # 社区1-1: 5 hours over its two venues in use; the closed one counts for neither part.
    assert parts(u[c[0].name]) == (D(5), D(2)) and u[c[0].name].value == D("2.5")
    assert parts(u[c[2].name]) == (D(0), D(0))
    assert parts(u[city.district.name]) == (D(6), D(4))
    assert_adds_up(city, u)
    # 重管轻用: a venue in use is cold when its used hours over March (31 days) fall below
    # VENUES_COLD_HOURS_PER_WEEK (4) a week: 17.7 hours. With 20 more hours 达标中心 is not.
    cold = compute("venues.cold_share", city)
    assert parts(cold[c[0].name]) == (D(2), D(2)) and parts(cold[city.district.name]) == (D(4), D(4))
    booking(ok, at(12), 20, BookingStatus.USED)
    cold = compute("venues.cold_share", city)
    assert parts(cold[c[0].name]) == (D(1), D(2))
    assert parts(cold[c[1].name]) == (D(1), D(1)) and parts(cold[c[2].name]) == (D(0), D(0))
    assert parts(cold[city.district.name]) == (D(3), D(4))
    assert_adds_up(city, cold)
    provider = registry.get("venues.cold_share")
    assert provider is not None and provider.direction == "lower" and provider.percent


def test_cogov_contracts_evaluated_and_resolutions_on_time(city):
    c = city.communities
    statuses = [
        (0, ContractStatus.EVALUATED),
        (0, ContractStatus.SIGNED),
        (0, ContractStatus.DRAFT),  # not signed: left out
        (1, ContractStatus.RENEWED),  # evaluated, then renewed
        (2, ContractStatus.CANCELLED),
    ]
    for ci, status in statuses:
        Contract.objects.filter(pk=draft_contract(city, community=ci, year=2025).pk).update(status=status)
    Contract.objects.filter(pk=draft_contract(city, community=3, year=2024).pk).update(
        status=ContractStatus.EVALUATED
    )  # another year
    f = compute("cogov.contracts_evaluated", city, YEAR)
    assert parts(f[c[0].name]) == (D(1), D(2))
    assert parts(f[c[1].name]) == (D(1), D(1))
    assert parts(f[c[3].name]) == (D(0), D(0))
    assert parts(f[city.district.name]) == (D(2), D(3))
    assert_adds_up(city, f)

    def task(street: int, due: dt.date, status: str, done_at: dt.datetime | None) -> None:
        t = held_session_with_task(city, street=street)
        Task.objects.filter(pk=t.pk).update(due=due, status=status, done_at=done_at)

    task(0, dt.date(2025, 3, 20), TaskStatus.CLOSED, at(20, 23))  # done on the due day, 23:00 local
    task(0, dt.date(2025, 3, 20), TaskStatus.DONE, at(21, 9))  # a day late
    task(0, dt.date(2025, 3, 25), TaskStatus.OPEN, None)  # not done
    task(0, dt.date(2025, 3, 25), TaskStatus.CANCELLED, None)  # withdrawn: left out
    task(1, dt.date(2025, 3, 31), TaskStatus.CLOSED, at(30))
    task(1, dt.date(2025, 4, 2), TaskStatus.CLOSED, at(30))  # due in April
    r = compute("cogov.resolutions_on_time", city)
    s = city.streets
    assert parts(r[s[0].name]) == (D(1), D(3))
    assert parts(r[s[1].name]) == (D(1), D(1))
    assert parts(r[city.district.name]) == (D(2), D(4))
    assert_adds_up(city, r, communities=False)  # the street's joint meeting decided them


def secretary_project(city, community: int, year: int = 2025, status: str = ProjectStatus.RUNNING, stones=()):
    """A project of ``city.communities[community]`` with milestones ``(due, done_on)``."""
    p = SecretaryProject.objects.create(
        area=city.communities[community],
        secretary=city.users["community_x"],
        year=year,
        title=f"项目{SecretaryProject.objects.count() + 1}",
        goal="目标",
        status=status,
    )
    for i, (due, done_on) in enumerate(stones):
        Milestone.objects.create(project=p, name=f"节点{i}", due=due, done_on=done_on)
    return p


def test_cogov_secretary_projects_on_schedule(city, django_assert_num_queries):
    d = dt.date
    # community 0: on schedule in March (its March milestone done), behind over the year (the
    # November one still open on 31 December)
    secretary_project(city, 0, stones=[(d(2025, 3, 10), d(2025, 3, 9)), (d(2025, 11, 30), None)])
    # community 0: its March milestone done only on 5 April: behind at the end of March, done for the year
    secretary_project(city, 0, stones=[(d(2025, 3, 20), d(2025, 4, 5))])
    secretary_project(city, 1)  # no milestones: on track
    secretary_project(city, 1, status=ProjectStatus.CANCELLED, stones=[(d(2025, 1, 5), None)])  # left out
    secretary_project(city, 2, status=ProjectStatus.EVALUATED, stones=[(d(2025, 2, 1), d(2025, 2, 1))])
    secretary_project(city, 3, year=2024, stones=[(d(2024, 5, 1), None)])  # another year
    c = city.communities
    provider = registry.get("cogov.projects_on_schedule")
    assert provider is not None
    with django_assert_num_queries(1):  # one query for every level, whatever the number of areas
        provider.compute(levels(city), MARCH, {})
    m = compute("cogov.projects_on_schedule", city)
    assert parts(m[c[0].name]) == (D(1), D(2))
    assert parts(m[c[1].name]) == (D(1), D(1))
    assert parts(m[c[2].name]) == (D(1), D(1))
    assert parts(m[c[3].name]) == (D(0), D(0))
    assert parts(m[city.district.name]) == (D(3), D(4))
    assert_adds_up(city, m)
    y = compute("cogov.projects_on_schedule", city, YEAR)
    assert parts(y[c[0].name]) == (D(1), D(2))
    assert parts(y[city.district.name]) == (D(3), D(4))
    assert_adds_up(city, y)
    first, second = SecretaryProject.objects.filter(area=c[0]).order_by("id")
    # read today (after 2025), the year's figure is what the cogov pages show
    assert [schedule_status(first), schedule_status(second)] == ["behind", "done"]
    assert provider.percent and provider.rows and provider.describe
    leader = city.users["street_staff"]
    shown = provider.rows(leader, target(c[0]), YEAR)
    assert sorted(p.pk for p in shown) == [first.pk, second.pk]
    assert provider.describe(first)[1:] == ("web:cogov_project", [first.pk])
    assert not provider.rows(city.users["community_y"], target(c[0]), YEAR).exists()  # out of scope
