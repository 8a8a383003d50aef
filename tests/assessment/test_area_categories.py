"""The cockpit's breakdown by category (``AreaMonthCategoryStat``): equal to a direct count over
the tickets after the hook, a change and a rebuild; a month's categories adding up to its
``counted``; at every level the children's categories adding up to the area's and the area's to
its "received"; each category opening exactly its tickets, through the tickets' scoping."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from quanyu.assessment import area_rollup
from quanyu.assessment.indicators import cockpit
from quanyu.assessment.models import AreaMonthCategoryStat, AreaMonthStat, AreaYearCategoryStat
from quanyu.assessment.periods import parse_period, year
from quanyu.assessment.rollup import assessment_rebuild, assessment_record_ticket_changes
from quanyu.catalog.models import Category
from quanyu.core.clock import local
from quanyu.tickets.models import Ticket
from quanyu.tickets.states import TicketStatus
from tests.assessment.factories import DAY, MARCH_AT, community_ticket

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


@pytest.fixture
def items():
    env = Category.objects.create(code="C1", name="市容环境")
    estate = Category.objects.create(code="C2", name="物业管理")
    return [
        Category.objects.create(code="C101", name="垃圾清运", parent=env),
        Category.objects.create(code="C102", name="占道经营", parent=env),
        Category.objects.create(code="C201", name="电梯故障", parent=estate),
        None,
    ]


def direct() -> Counter:
    c: Counter = Counter()
    for t in Ticket.objects.exclude(
        status__in=[TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED]
    ):
        major = (t.category.parent_id or t.category_id) if t.category else 0
        c[(t.area_path, local(t.created_at).date().replace(day=1), major)] += 1
    return c


def yearly() -> Counter:
    return Counter(
        {(r.path, r.year, r.category): r.counted for r in AreaYearCategoryStat.objects.all() if r.counted}
    )


def months_by_year() -> Counter:
    c: Counter = Counter()
    for r in AreaMonthCategoryStat.objects.all():
        c[(r.path, r.month.year, r.category)] += r.counted
    return +c


def rolled() -> Counter:
    return Counter(
        {(r.path, r.month, r.category): r.counted for r in AreaMonthCategoryStat.objects.all() if r.counted}
    )


@pytest.fixture
def tickets(city, items):
    rng = random.Random(18)
    statuses = [TicketStatus.CLOSED, TicketStatus.CANCELLED, TicketStatus.IN_PROGRESS]
    for _ in range(40):
        status = rng.choice(statuses)
        community_ticket(
            city,
            rng.randint(0, 3),
            at=MARCH_AT + dt.timedelta(hours=rng.randint(-300, 600)),
            status=status,
            resolved=DAY if status == TicketStatus.CLOSED else None,
            category=rng.choice(items),
        )


def test_the_category_rollup_equals_direct_counts(city, items, tickets):
    assert rolled() == direct()
    assert yearly() == months_by_year() and yearly()
    # A month's categories add up to its counted.
    by_month: Counter = Counter()
    for (path, month, _c), n in rolled().items():
        by_month[(path, month)] += n
    assert by_month == Counter(
        {(r.path, r.month): r.counted for r in AreaMonthStat.objects.all() if r.counted}
    )
    # A changed ticket (an item of another 大类, then cancelled) is recounted by the hook.
    t = Ticket.objects.exclude(status=TicketStatus.CANCELLED).first()
    Ticket.objects.filter(pk=t.pk).update(category=items[2])
    assessment_record_ticket_changes(ticket_ids=[t.pk])
    assert rolled() == direct()
    assert yearly() == months_by_year()
    Ticket.objects.filter(pk=t.pk).update(status=TicketStatus.CANCELLED)
    assessment_record_ticket_changes(ticket_ids=[t.pk])
    assert rolled() == direct()
    assert yearly() == months_by_year()
    before, before_years = rolled(), yearly()
    for m in (2, 3, 4):
        assessment_rebuild(parse_period(f"2025-{m:02d}"))
    assert rolled() == before
    assert yearly() == before_years


def test_the_year_rows_follow_every_month_and_a_rebuild_restores_them(city, items, tickets):
    """Deltas from recomputations of different months of one path add up (a ticket moved from
    March to April and another added in February); a year rebuild restores rows lost or wrong."""
    moved = Ticket.objects.exclude(status=TicketStatus.CANCELLED).first()
    Ticket.objects.filter(pk=moved.pk).update(created_at=MARCH_AT + dt.timedelta(days=31))
    assessment_record_ticket_changes(ticket_ids=[moved.pk])
    # The hook recomputes the ticket's new month; its old month until the next recomputation.
    with transaction.atomic():
        area_rollup.recompute_months([(moved.area_path, local(moved.created_at).date().replace(day=1))])
    added = community_ticket(city, 1, at=MARCH_AT - dt.timedelta(days=20), category=items[0])
    assessment_record_ticket_changes(ticket_ids=[added.pk])
    assert rolled() == direct()
    assert yearly() == months_by_year()
    AreaYearCategoryStat.objects.all().delete()
    AreaYearCategoryStat.objects.create(path="0001", year=2025, category=1, counted=-3)
    area_rollup.rebuild_years([2025])
    assert yearly() == months_by_year()


def test_a_year_is_read_from_the_year_rows(city, items, tickets):
    start, end = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    path = city.district.path
    from_years = sorted(area_rollup.category_sums(start, end, path, len(path) + 4))
    assert from_years and sum(n for _p, _c, n in from_years) == sum(direct().values())
    # The same figures as summing the twelve months (read through a month-aligned non-year window).
    by_months = Counter()
    for p, c, n in area_rollup.category_sums(dt.date(2024, 12, 1), end, path, len(path) + 4):
        by_months[(p, c)] += n
    assert {(p, c): n for p, c, n in from_years} == +by_months
    # Only the year rows are read for a year: emptying them empties the answer.
    AreaYearCategoryStat.objects.all().delete()
    assert area_rollup.category_sums(start, end, path, len(path) + 4) == []


def test_categories_add_up_at_every_level(city, people, items, tickets):
    for area in (city.district, city.streets[0], city.communities[0]):
        for period in (MARCH, year(2025)):
            c = cockpit.cockpit_for(actor=people["leader"], area=area, period=period)
            total = {x.pk: x.count for x in c.categories}
            assert sum(total.values()) == c.place.figures["received"].numerator
            assert c.place.categories == total
            summed: Counter = Counter()
            for child in c.children:
                summed.update(child.categories)
                assert sum(child.categories.values()) == child.figures["received"].numerator
            assert dict(summed) == total
    c = cockpit.cockpit_for(actor=people["leader"], area=city.district, period=MARCH)
    names = {x.name for x in c.categories}
    assert names <= {"市容环境", "物业管理", "未分类"}  # items counted under their 大类


def test_a_category_opens_its_tickets_scoped(city, people, items, tickets):
    leader = Client()
    leader.force_login(people["leader"])
    env = items[0].parent
    page = leader.get(f"/cockpit/?area={city.district.pk}&period=2025-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="cockpit-categories"' in html and f'data-category="{env.pk}"' in html
    expected = Ticket.objects.filter(
        category__parent=env, created_at__gte=MARCH.start_at, created_at__lt=MARCH.end_at
    ).exclude(status__in=[TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED])
    url = f"/cockpit/tickets/?area={city.district.pk}&period=2025-03&figure=received&category={env.pk}"
    r = leader.get(url)
    assert r.status_code == 200
    shown = r.content.decode()
    assert "市容环境" in shown
    assert all(f'data-ticket="{t.pk}"' in shown for t in expected)
    assert shown.count("data-ticket=") == expected.count()
    none = leader.get(url.replace(f"category={env.pk}", "category=0")).content.decode()
    assert (
        none.count("data-ticket=")
        == expected.model.objects.filter(
            category=None, created_at__gte=MARCH.start_at, created_at__lt=MARCH.end_at
        )
        .exclude(status__in=[TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED])
        .count()
    )
    # Bad input names the field; another figure cannot be split by category.
    assert leader.get(url.replace(f"category={env.pk}", "category=x")).status_code == 400
    assert leader.get(url.replace("figure=received", "figure=open")).status_code == 400
    assert leader.get(url.replace("figure=received", "figure=nope")).status_code == 400
    # A street's staff sees only their street's tickets of the category; another street is a 404.
    street = Client()
    street.force_login(people["street_staff"])
    own = street.get(url.replace(f"area={city.district.pk}", f"area={city.streets[0].pk}")).content.decode()
    assert own.count("data-ticket=") == expected.filter(area_path__startswith=city.streets[0].path).count()
    other = url.replace(f"area={city.district.pk}", f"area={city.streets[1].pk}")
    assert street.get(other).status_code == 404


def test_refresh_all_fills_every_month_after_an_upgrade(city, items, tickets):
    """After an upgrade that adds a rollup table the older months have no rows:
    ``assessment_refresh --all`` recomputes each month from the first ticket's."""
    expected, expected_years = rolled(), yearly()
    AreaMonthCategoryStat.objects.all().delete()
    AreaYearCategoryStat.objects.all().delete()
    out = StringIO()
    call_command("assessment_refresh", "--all", stdout=out)
    assert rolled() == expected == direct()
    assert yearly() == expected_years
    first = min(local(t.created_at).date() for t in Ticket.objects.all())
    assert out.getvalue().startswith(f"{first:%Y-%m}: ")
    with pytest.raises(CommandError, match="--all"):
        call_command("assessment_refresh")
