"""The area rollup of ticket figures (``assessment.area_rollup``) that the cockpit and the ticket
indicators read: equal to a direct count over the tickets after the hook, the catch-up and a
rebuild; open and overdue now; the cockpit's children adding up to their parent from it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

import pytest
from django.db.models import Count
from django.utils import timezone

from quanyu.assessment import area_rollup
from quanyu.assessment.indicators import cockpit
from quanyu.assessment.models import AreaDayStat, AreaMonthStat, AreaOpenStat, AreaOpenTotal
from quanyu.assessment.periods import Period, parse_period, year
from quanyu.assessment.rollup import (
    assessment_rebuild,
    assessment_record_ticket_changes,
    assessment_sync,
    rollup_synced_at,
)
from quanyu.core.clock import local
from quanyu.tickets.models import RatingLevel, Ticket
from quanyu.tickets.states import TicketStatus
from tests.assessment.factories import DAY, MARCH_AT, community_ticket
from tests.tickets.factories import make_catalog, whistled

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


def direct(period, under: str = "") -> dict[str, dict[str, int]]:
    """The figures per path straight from the tickets: the reference the rollup must equal."""
    rows = (
        Ticket.objects.filter(
            created_at__gte=period.start_at, created_at__lt=period.end_at, area_path__startswith=under
        )
        .values("area_path")
        .annotate(**{f: Count("id", filter=area_rollup.CONDITIONS[f]) for f in area_rollup.FIELDS})
        .order_by()
    )
    out = {r["area_path"]: {f: r[f] for f in area_rollup.FIELDS} for r in rows}
    return {p: c for p, c in out.items() if any(c.values())}


def rolled(period, under: str = "") -> dict[str, dict[str, int]]:
    return {p: c for p, c in area_rollup.day_sums(period.start, period.end, under) if any(c.values())}


def test_rollup_equals_direct_counts_on_random_tickets(city):
    rng = random.Random(18)
    statuses = [TicketStatus.CLOSED, TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.IN_PROGRESS]
    ratings = ["", RatingLevel.SATISFIED, RatingLevel.BASICALLY, RatingLevel.DISSATISFIED]
    for _ in range(40):
        at = MARCH_AT + dt.timedelta(hours=rng.randint(-300, 600))
        status = rng.choice(statuses)
        community_ticket(
            city,
            rng.randint(0, 3),
            at=at,
            status=status,
            resolved=DAY * rng.randint(1, 5) if status == TicketStatus.CLOSED else None,
            rating=rng.choice(ratings) if status == TicketStatus.CLOSED else "",
            reopen_count=rng.choice([0, 0, 1]),
        )
    for period in (MARCH, parse_period("2025-02"), parse_period("2025-04"), year(2025)):
        assert rolled(period) == direct(period)
        street = city.streets[0].path
        assert rolled(period, street) == direct(period, street)
    # A stretch that is not whole months reads the day rows.
    stretch = Period("month", 2025, 3, dt.date(2025, 3, 5), dt.date(2025, 3, 20))
    assert rolled(stretch) == direct(stretch)
    # The month rows are the day rows summed.
    by_month = {(r.path, r.month): r.counted for r in AreaMonthStat.objects.all() if r.counted}
    summed: dict = {}
    for r in AreaDayStat.objects.all():
        key = (r.path, r.day.replace(day=1))
        summed[key] = summed.get(key, 0) + r.counted
    assert by_month == {k: v for k, v in summed.items() if v}
    # A rebuild from source gives the same rows.
    before = rolled(year(2025))
    for m in range(2, 5):
        assessment_rebuild(parse_period(f"2025-{m:02d}"))
    assert rolled(year(2025)) == before


def test_the_hook_recomputes_a_changed_ticket_and_the_catch_up_stamps_data_as_of(city):
    t = community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED)
    assert rolled(MARCH)[t.area_path]["satisfied"] == 1
    Ticket.objects.filter(pk=t.pk).update(status=TicketStatus.CANCELLED)
    assert rolled(MARCH)[t.area_path]["counted"] == 1  # not told yet
    assessment_record_ticket_changes(ticket_ids=[t.pk])
    assessment_record_ticket_changes(ticket_ids=[t.pk])  # idempotent
    assert t.area_path not in rolled(MARCH)
    assert AreaDayStat.objects.filter(path=t.area_path).count() == 1
    assert rollup_synced_at() is None
    assessment_sync()
    assert rollup_synced_at() is not None


def test_services_keep_the_area_rollup_through_the_hook(city, django_capture_on_commit_callbacks):
    cat = make_catalog(city)
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _lead, _assist = whistled(city, cat)
    now = timezone.now()
    created = local(ticket.created_at)
    period = year(created.year)
    assert rolled(period) == direct(period)
    assert {p: n for p, n, _late in area_rollup.open_sums("", now.date())} == {ticket.area_path: 1}
    # The catch-up from the history agrees, and a rebuild too.
    assessment_sync()
    assert rolled(period) == direct(period)
    assessment_rebuild(parse_period(created.strftime("%Y-%m")))
    assert rolled(period) == direct(period)
    assert AreaOpenStat.objects.get().open == 1
    assert AreaOpenTotal.objects.get().open == 1


def test_open_and_overdue_now(city, people):
    now = timezone.now()
    late = community_ticket(city, 0, at=now - 5 * DAY)  # due 2 days ago
    just_late = community_ticket(city, 1, at=now - 3 * DAY - dt.timedelta(minutes=1))  # a minute ago
    community_ticket(city, 2, at=now - DAY)  # due in 2 days
    community_ticket(city, 3, at=now - 5 * DAY, resolved=DAY)  # closed
    no_due = community_ticket(city, 3, at=now)
    Ticket.objects.filter(pk=no_due.pk).update(completion_due=None)
    assessment_record_ticket_changes(ticket_ids=[no_due.pk])
    c = cockpit.cockpit_for(
        actor=people["leader"], area=city.district, period=parse_period(now.strftime("%Y-%m"))
    )
    assert c.place.figures["open"].numerator == 4
    assert c.place.figures["overdue"].numerator == 2
    by_name = {p.area.name: p.figures for p in c.children}
    assert by_name["街道1"]["overdue"].numerator == 2
    assert by_name["街道2"]["overdue"].numerator == 0
    assert {t.pk for t in c.overdue} == {late.pk, just_late.pk}


def test_cockpit_children_add_up_at_every_level(city, people):
    rng = random.Random(7)
    for _ in range(30):
        community_ticket(
            city,
            rng.randint(0, 3),
            at=MARCH_AT + dt.timedelta(hours=rng.randint(0, 400)),
            resolved=DAY * rng.randint(1, 5) if rng.random() < 0.7 else None,
            rating=rng.choice(["", RatingLevel.SATISFIED, RatingLevel.DISSATISFIED]),
        )
    for area in (city.district, city.streets[0], city.communities[0]):
        c = cockpit.cockpit_for(actor=people["leader"], area=area, period=MARCH)
        assert c.children
        for key in cockpit.TICKET_FIGURES:
            parent = c.place.figures[key]
            assert parent.numerator == sum((p.figures[key].numerator for p in c.children), D(0)), key
            if parent.denominator is not None:
                assert parent.denominator == sum(
                    (p.figures[key].denominator or D(0) for p in c.children), D(0)
                )
        trend = {m["month"]: m["received"] for m in c.trend}
        assert trend[3] == c.place.figures["received"].numerator


def _cut(rows, width: int) -> dict[str, dict[str, int]]:
    """Rows per full path summed in Python to their first ``width`` characters."""
    out: dict[str, dict[str, int]] = {}
    for path, counts in rows:
        acc = out.setdefault(path[:width], dict.fromkeys(counts, 0))
        for k, v in counts.items():
            acc[k] += v
    return out


def test_reading_at_a_depth_equals_summing_every_path(city):
    """``width`` lets the database sum the grids into the depth the cockpit's targets need: the
    answer is the full rows summed by their first ``width`` characters, for the period sums, the
    open sums and the tickets overdue earlier today."""
    rng = random.Random(5)
    now = timezone.now()
    for _ in range(30):
        status = rng.choice([TicketStatus.CLOSED, TicketStatus.IN_PROGRESS, TicketStatus.NEW])
        community_ticket(
            city,
            rng.randint(0, 3),
            at=MARCH_AT + dt.timedelta(hours=rng.randint(0, 400)),
            status=status,
            resolved=DAY * rng.randint(1, 5) if status == TicketStatus.CLOSED else None,
            rating=rng.choice(["", RatingLevel.SATISFIED]) if status == TicketStatus.CLOSED else "",
        )
    for _ in range(6):
        community_ticket(city, rng.randint(0, 3), at=now - rng.randint(1, 5) * DAY)
    late_today = community_ticket(city, 1, at=now - DAY)
    Ticket.objects.filter(pk=late_today.pk).update(completion_due=now - dt.timedelta(seconds=1))
    depths = (("", len(city.streets[0].path)), (city.district.path, len(city.communities[0].path)))
    for under, width in depths:
        full = area_rollup.day_sums(MARCH.start, MARCH.end, under)
        assert dict(area_rollup.day_sums(MARCH.start, MARCH.end, under, width)) == _cut(full, width)
        today = local(now).date()
        opened = [(p, {"open": n, "late": late}) for p, n, late in area_rollup.open_sums(under, today)]
        got = {p: {"open": n, "late": late} for p, n, late in area_rollup.open_sums(under, today, width)}
        assert got == _cut(opened, width)
        assert sum(v["open"] for v in got.values()) == Ticket.objects.filter(area_rollup.OPEN).count()
        late_rows = [(p, {"n": n}) for p, n in area_rollup.overdue_today(under, now)]
        cut = {p: {"n": n} for p, n in area_rollup.overdue_today(under, now, width)}
        assert cut == _cut(late_rows, width) and sum(v["n"] for v in cut.values()) == 1
