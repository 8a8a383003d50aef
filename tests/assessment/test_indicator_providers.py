"""The providers of the registry on hand-made data: each figure as computed by hand, and the
figures of the children adding up to the parent's (drill-down sums)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest

from quanyu.assessment.indicators import registry
from quanyu.assessment.indicators.registry import AREA, UNIT, Figure, Target
from quanyu.assessment.periods import parse_period
from quanyu.people.models import Attendance, Meeting
from quanyu.people.services import meeting_record, report_confirm, report_submit_member, report_submit_unit
from quanyu.tickets.models import RatingLevel
from quanyu.tickets.states import TicketStatus
from tests.assessment.factories import DAY, community_ticket
from tests.people.helpers import add_member, make_branches

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


def area(a) -> Target:
    return Target(AREA, a.pk, a.name, a.path)


def compute(key: str, targets: list[Target], period=MARCH) -> dict[int, Figure]:
    provider = registry.get(key)
    assert provider is not None
    return provider.compute(targets, period, {})


def parts(f: Figure) -> tuple[D, D | None]:
    return f.numerator, f.denominator


@pytest.fixture
def tickets(city):
    community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 0, resolved=5 * DAY, rating=RatingLevel.DISSATISFIED, reopen_count=1)
    community_ticket(city, 1, resolved=DAY, rating=RatingLevel.BASICALLY)
    community_ticket(city, 1, status=TicketStatus.CANCELLED)
    community_ticket(city, 2, resolved=DAY)
    community_ticket(city, 3)
    community_ticket(city, 3, at=dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC))  # 08:30 local: April


def test_every_provider_is_registered_with_its_kinds():
    keys = {p.key for p in registry.all_providers()}
    assert {
        "tickets.resolved_in_time",
        "tickets.satisfaction",
        "tickets.repeat_requests",
        "people.reported_share",
        "people.meetings_held",
        "people.attendance",
        "people.points",
        "people.unit_reported",
    } <= keys
    assert [p.key for p in registry.all_providers(UNIT)] == [
        "people.unit_reported",
        "tickets.resolved_in_time",
        "tickets.satisfaction",
    ]


def test_ticket_figures_by_hand(city, tickets):
    cs = [area(c) for c in city.communities]
    got = compute("tickets.resolved_in_time", cs)
    assert [parts(got[c.pk]) for c in cs] == [(1, 2), (1, 1), (1, 1), (0, 1)]
    sat = compute("tickets.satisfaction", cs)
    assert [parts(sat[c.pk]) for c in cs] == [(1, 2), (1, 1), (0, 0), (0, 0)]
    assert sat[cs[2].pk].value is None  # no rating: no value, scores 0
    rep = compute("tickets.repeat_requests", cs)
    assert [parts(rep[c.pk]) for c in cs] == [(1, 2), (0, 1), (0, 1), (0, 1)]


@pytest.mark.parametrize(
    "key",
    ["tickets.resolved_in_time", "tickets.satisfaction", "tickets.repeat_requests", "people.attendance"],
)
def test_children_add_up_to_the_parent(city, tickets, key):
    levels = [
        [area(city.district)],
        [area(s) for s in city.streets],
        [area(c) for c in city.communities],
        [area(g) for g in city.grids],
    ]
    for parents, children in itertools.pairwise(levels):
        figures = compute(key, parents + children)
        for p in parents:
            mine = [figures[c.pk] for c in children if c.path.startswith(p.path)]
            total = sum(mine[1:], mine[0])
            assert parts(total) == parts(figures[p.pk])


def test_people_figures_by_hand(city):
    admin = city.users["district_admin"]
    branches = make_branches(city)
    m = [add_member(city, branches, i, community=0) for i in range(3)] + [
        add_member(city, branches, 3, community=1)
    ]
    add_member(city, branches, 4, community=1, category="离退休党员")  # not in service
    for member in (m[0], m[1], m[3]):
        report = report_submit_member(actor=admin, member=member, community=member.community, year=2025)
        report_confirm(actor=admin, report=report)
    report_submit_member(actor=admin, member=m[2], community=m[2].community, year=2025)  # not confirmed
    b0, b1 = branches[city.communities[0].name], branches[city.communities[1].name]
    P, A = Attendance.Status.PRESENT, Attendance.Status.ABSENT
    meeting_record(
        actor=admin,
        branch=b0,
        kind=Meeting.Kind.GROUP,
        held_on=dt.date(2025, 3, 3),
        topic="学习",
        attendance={m[0].pk: P, m[1].pk: A},
    )
    meeting_record(
        actor=admin,
        branch=b0,
        kind=Meeting.Kind.LECTURE,
        held_on=dt.date(2025, 3, 20),
        topic="党课",
        attendance={m[0].pk: P},
    )
    meeting_record(
        actor=admin,
        branch=b1,
        kind=Meeting.Kind.GROUP,
        held_on=dt.date(2025, 3, 5),
        topic="学习",
        attendance={m[3].pk: P},
    )
    meeting_record(
        actor=admin,
        branch=b1,
        kind=Meeting.Kind.GROUP,
        held_on=dt.date(2025, 2, 5),
        topic="二月",
        attendance={m[3].pk: P},
    )
    targets = [area(city.communities[0]), area(city.communities[1]), area(city.streets[0])]
    c0, c1, s0 = (t.pk for t in targets)
    rep = compute("people.reported_share", targets)
    assert (parts(rep[c0]), parts(rep[c1]), parts(rep[s0])) == ((2, 3), (1, 1), (3, 4))
    held = compute("people.meetings_held", targets)
    assert (parts(held[c0]), parts(held[c1]), parts(held[s0])) == ((2, 1), (1, 1), (3, 2))
    att = compute("people.attendance", targets)
    assert (parts(att[c0]), parts(att[c1]), parts(att[s0])) == ((2, 3), (1, 1), (3, 4))
    pts = compute("people.points", targets)
    assert pts[s0].numerator == pts[c0].numerator + pts[c1].numerator
    assert pts[c1].denominator == 2  # both members living in 社区1-2


def test_unit_reported(city):
    admin = city.users["district_admin"]
    u0, u1 = city.units[0], city.units[1]
    report = report_submit_unit(actor=admin, unit=u0, community=city.communities[0], year=2025)
    report_confirm(actor=admin, report=report)
    got = compute("people.unit_reported", [Target(UNIT, u.pk, u.name, u.area.path) for u in (u0, u1)])
    assert (parts(got[u0.pk]), parts(got[u1.pk])) == ((1, 1), (0, 1))


def test_common_path():
    t = lambda p: Target(AREA, 1, "x", p)  # noqa: E731
    assert registry.common_path([t("00010002"), t("00010003")]) == "0001000"
    assert registry.common_path([t("00010002"), t("000100020001")]) == "00010002"
    assert registry.common_path([]) == ""
