"""The figures on hand-made whistles: limits crossed by one second, a holiday, emergencies,
cancelled/merged tickets, returns, appeals, local-time period edges; and the rollup always equal
to the direct computation; the rollup after commit, and the catch-up that repairs it when it
fails."""

from __future__ import annotations

import datetime as dt
import logging
import random

import pytest
from django.db import transaction

from quanyu.assessment.models import DepartmentDayStat
from quanyu.assessment.periods import month, parse_period
from quanyu.assessment.rollup import (
    assessment_rebuild,
    assessment_record_ticket_changes,
    assessment_refresh,
    assessment_sync,
    direct_counts,
    record_ticket_changes_listener,
    rollup_counts,
)
from quanyu.assessment.selectors import department_ranking
from quanyu.catalog.calendar import deadline_after
from quanyu.core.clock import local
from quanyu.tickets import services
from quanyu.tickets.hooks import on_ticket_changed, remove_ticket_listener
from quanyu.tickets.models import EventKind, Rating, RatingLevel, TicketEvent, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus
from tests.assessment.helpers import H, S, add_whistle, local_dt
from tests.factories import make_city, make_personas
from tests.tickets.factories import assist_finished, make_catalog, whistled

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")
SAT, BASIC, DIS = RatingLevel.SATISFIED, RatingLevel.BASICALLY, RatingLevel.DISSATISFIED


def figures(period, dept):
    assessment_rebuild(period)
    rolled = rollup_counts(period)[dept.pk]
    rolled.pop("name")
    assert rolled == direct_counts(period).get(dept.pk, dict.fromkeys(rolled, 0))
    return rolled


def row_of(period, dept):
    return next(r for r in department_ranking(period=period) if r.department_id == dept.pk)


def test_limits_crossed_by_one_second(city, depts):
    cg = depts["cg"]
    at = local_dt(2025, 3, 10, 9, 0, 0)
    due_r, due_c = at + 2 * H, at + dt.timedelta(days=3)
    add_whistle(city, cg, at=at, responded=due_r, resolved=due_c)  # both exactly at the limit: met
    add_whistle(city, cg, at=at, responded=due_r + S, resolved=due_c + S)  # one second late: missed
    add_whistle(city, cg, at=at, responded=due_r - S, resolved=due_c - S)  # one second early: met
    add_whistle(city, cg, at=at)  # never responded
    f = figures(MARCH, cg)
    assert (f["received"], f["responded_in_time"], f["resolved_in_time"]) == (4, 2, 2)
    row = row_of(MARCH, cg)
    assert str(row.response_rate) == "0.5000"
    assert str(row.completion_rate) == "0.5000"


def test_ticket_spanning_national_day_holiday(city, depts):
    """Blown on 30 September 2025 with 3 working days: 1–8 October are holidays and Saturday
    11 October a 调休 workday, so the limit is 10:00 on 11 October (9, 10, 11)."""
    cg = depts["cg"]
    at = local_dt(2025, 9, 30, 10, 0)
    due = deadline_after(at, days=3, working=True)
    assert due.at == local_dt(2025, 10, 11, 10, 0)
    add_whistle(city, cg, at=at, completion_due=due.at, responded=H, resolved=local_dt(2025, 10, 9, 16, 0))
    add_whistle(city, cg, at=at, completion_due=due.at, responded=H, resolved=due.at)
    add_whistle(city, cg, at=at, completion_due=due.at, responded=H, resolved=due.at + S)
    # In calendar days the limit would have been 3 October: the first two would wrongly be late.
    f = figures(parse_period("2025-09"), cg)
    assert (f["received"], f["resolved_in_time"]) == (3, 2)
    # Counted in September (the whistle's month), not in October (the resolution's).
    assert figures(parse_period("2025-10"), cg)["received"] == 0


def test_local_month_edges(city, depts):
    cg = depts["cg"]
    add_whistle(city, cg, at=local_dt(2025, 3, 1, 0, 0, 0))  # 28 Feb 16:00 UTC: still March locally
    add_whistle(city, cg, at=local_dt(2025, 3, 31, 23, 59, 59))
    add_whistle(city, cg, at=local_dt(2025, 4, 1, 0, 0, 0))  # 31 Mar 16:00 UTC: April locally
    add_whistle(city, cg, at=local_dt(2025, 2, 28, 23, 59, 59))
    assert figures(MARCH, cg)["received"] == 2
    assert figures(parse_period("2025-04"), cg)["received"] == 1
    assert figures(parse_period("2025-Q1"), cg)["received"] == 3
    assert figures(parse_period("2025"), cg)["received"] == 4
    days = set(DepartmentDayStat.objects.filter(department=cg).values_list("day", flat=True))
    assert dt.date(2025, 3, 1) in days and dt.date(2025, 4, 1) in days


def test_emergency_cancelled_merged_withdrawn_and_returned(city, depts):
    cg = depts["cg"]
    at = local_dt(2025, 3, 5, 9)
    add_whistle(city, cg, at=at, responded=H, resolved=H)  # the one that counts
    add_whistle(city, cg, at=at, responded=H, ticket_status=TicketStatus.TRANSFERRED, ticket_excluded=True)
    add_whistle(city, cg, at=at, ticket_status=TicketStatus.CANCELLED)
    add_whistle(city, cg, at=at, ticket_status=TicketStatus.MERGED, ticket_excluded=True)
    add_whistle(city, cg, at=at, status=WhistleStatus.CANCELLED, whistle_excluded=True)
    add_whistle(city, cg, at=at, status=WhistleStatus.RETURNED)
    f = figures(MARCH, cg)
    assert (f["received"], f["responded_in_time"], f["resolved_in_time"], f["returned"]) == (1, 1, 1, 1)


def test_satisfaction_uses_the_effective_rating(city, depts):
    cg = depts["cg"]
    at = local_dt(2025, 3, 6, 9)
    add_whistle(city, cg, at=at, resolved=H, rating=SAT)
    add_whistle(city, cg, at=at, resolved=H, rating=BASIC)
    add_whistle(city, cg, at=at, resolved=H, rating=DIS)
    # 不满意 appealed and upheld: the rating stops counting, the ticket has no effective rating.
    add_whistle(city, cg, at=at, resolved=H, rating=[(DIS, False)])
    # 不满意, then a later 满意 callback: the latest counting rating is the effective one.
    add_whistle(city, cg, at=at, resolved=H, rating=[(DIS, True), (SAT, True)])
    add_whistle(city, cg, at=at, resolved=H)  # not rated
    f = figures(MARCH, cg)
    assert (f["received"], f["rated"], f["rated_satisfied"], f["rated_basically"]) == (6, 4, 2, 1)
    assert str(row_of(MARCH, cg).satisfaction_rate) == "0.7500"


def test_lead_and_assisting_departments_each_count(city, depts):
    at = local_dt(2025, 3, 7, 9)
    lead = add_whistle(city, depts["housing"], at=at, responded=H, resolved=2 * H, rating=SAT)
    add_whistle(city, depts["cg"], at=at, ticket=lead.ticket, lead=False, responded=3 * H)
    assert figures(MARCH, depts["housing"])["resolved_in_time"] == 1
    cg = figures(MARCH, depts["cg"])
    assert (cg["received"], cg["responded_in_time"], cg["resolved_in_time"], cg["rated_satisfied"]) == (
        1,
        0,
        0,
        1,
    )


def test_rollup_equals_direct_computation_on_random_whistles(city, depts):
    rng = random.Random(20250301)
    units = list(depts.values())
    start = local_dt(2025, 2, 20)
    for _ in range(300):
        at = start + dt.timedelta(seconds=rng.randrange(0, 60 * 86400))
        kind = rng.random()
        add_whistle(
            city,
            rng.choice(units),
            at=at,
            street=rng.randrange(2),
            responded=rng.choice([None, H, 3 * H, 2 * H, 2 * H + S]),
            resolved=rng.choice(
                [None, dt.timedelta(days=1), dt.timedelta(days=3), dt.timedelta(days=3, seconds=1)]
            ),
            rating=rng.choice([None, SAT, BASIC, DIS, [(DIS, False)]]),
            status=WhistleStatus.RETURNED if kind < 0.05 else None,
            ticket_status=TicketStatus.CANCELLED if 0.05 <= kind < 0.1 else None,
            ticket_excluded=0.1 <= kind < 0.15,
        )
    for text in ["2025-02", "2025-03", "2025-04", "2025-Q1", "2025-Q2", "2025"]:
        period = parse_period(text)
        assessment_rebuild(period)
        rolled = {
            k: {f: v for f, v in vals.items() if f != "name"} for k, vals in rollup_counts(period).items()
        }
        direct = direct_counts(period)
        for unit in units:
            assert rolled[unit.pk] == direct.get(unit.pk, dict.fromkeys(rolled[unit.pk], 0)), text
    # Rebuilding is idempotent, and the per-day rows equal the direct per-day grouping.
    before = list(DepartmentDayStat.objects.order_by("department_id", "day").values())
    assessment_rebuild(MARCH)
    assert [dict(r, computed_at=None, id=None) for r in before] == [
        dict(r, computed_at=None, id=None)
        for r in DepartmentDayStat.objects.order_by("department_id", "day").values()
    ]
    by_day = direct_counts(MARCH, by_day=True)
    for r in DepartmentDayStat.objects.filter(day__gte=MARCH.start, day__lt=MARCH.end):
        assert by_day[(r.department_id, r.day)]["received"] == r.received


def test_hook_recomputes_the_days_of_a_ticket(city, depts):
    cg = depts["cg"]
    at = local_dt(2025, 3, 8, 9)
    w = add_whistle(city, cg, at=at)
    assessment_rebuild(MARCH)
    assert rollup_counts(MARCH)[cg.pk]["responded_in_time"] == 0
    Whistle.objects.filter(pk=w.pk).update(status=WhistleStatus.RESPONDED, responded_at=at + H)
    assert assessment_record_ticket_changes(ticket_ids=[w.ticket_id]) == 1
    assert rollup_counts(MARCH)[cg.pk]["responded_in_time"] == 1
    # Idempotent: a second call changes nothing.
    assessment_record_ticket_changes(ticket_ids=[w.ticket_id])
    assert rollup_counts(MARCH)[cg.pk]["responded_in_time"] == 1
    # The ticket is transferred as an emergency: the whistle leaves the figures.
    w.ticket.status = TicketStatus.TRANSFERRED
    w.ticket.excluded_from_stats = True
    w.ticket.save()
    assessment_record_ticket_changes(ticket_ids=[w.ticket_id])
    assert rollup_counts(MARCH)[cg.pk]["received"] == 0


def test_hook_recomputes_a_batch_of_tickets_in_one_call(city, depts):
    cg, water = depts["cg"], depts["water"]
    first = add_whistle(city, cg, at=local_dt(2025, 3, 8, 9))
    second = add_whistle(city, water, at=local_dt(2025, 3, 9, 9), responded=H)
    assert assessment_record_ticket_changes(ticket_ids=[]) == 0
    # Both tickets' (department, day) rows, once each however often an id is named.
    ids = [first.ticket_id, second.ticket_id, first.ticket_id]
    assert assessment_record_ticket_changes(ticket_ids=ids) == 2
    rolled = rollup_counts(MARCH)
    assert (rolled[cg.pk]["received"], rolled[water.pk]["responded_in_time"]) == (1, 1)


def test_refresh_drops_rows_of_whistles_that_disappeared(city, depts):
    cg = depts["cg"]
    w = add_whistle(city, cg, at=local_dt(2025, 3, 9, 9))
    assessment_refresh(MARCH)
    assert rollup_counts(MARCH)[cg.pk]["received"] == 1
    w.ticket.delete()
    assessment_refresh(MARCH)
    assert rollup_counts(MARCH)[cg.pk]["received"] == 0
    assert not DepartmentDayStat.objects.filter(department=cg, day__gte=MARCH.start).exists()


def test_upheld_appeal_through_the_services(city, django_capture_on_commit_callbacks):
    """The loop's own services: whistle, respond, resolve, 不满意, appeal upheld — the ranking
    (kept current by the services' hook after each commit; reads never write) follows every step
    without a sync or a rebuild."""

    cat = make_catalog(city)
    u = city.users
    committed = django_capture_on_commit_callbacks
    with committed(execute=True):
        ticket, lead, assist = whistled(city, cat)
    period = parse_period(lead.whistled_at.astimezone(local_dt(2025, 1, 1).tzinfo).strftime("%Y-%m"))
    assert row_of(period, cat["housing"]).counts.received == 1
    with committed(execute=True):
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        assist_finished(city, assist)
    with committed(execute=True):
        services.whistle_resolve(
            actor=u["housing_handler"], whistle=Whistle.objects.get(pk=lead.pk), explanation="已修复"
        )
    row = row_of(period, cat["housing"])
    assert (row.counts.responded_in_time, row.counts.resolved_in_time, row.counts.rated) == (1, 1, 0)
    with committed(execute=True):
        rating = services.ticket_rate(actor=u["resident"], ticket=ticket, level=DIS, comment="没修好")
    row = row_of(period, cat["housing"])
    assert (row.counts.rated, row.satisfied, str(row.satisfaction_rate)) == (1, 0, "0.0000")
    with committed(execute=True):
        services.rating_appeal(actor=u["housing_handler"], rating=rating, reason="已按规范处理")
    with committed(execute=True):
        services.rating_appeal_decide(
            actor=u["street_staff"], rating=Rating.objects.get(pk=rating.pk), upheld=True
        )
    row = row_of(period, cat["housing"])
    assert (row.counts.rated, row.satisfaction_rate) == (0, None)
    # The assisting department received it too, and has not responded.
    assert row_of(period, cat["cg"]).counts.received == 1
    # The hook kept it current: the catch-up and a rebuild from source both agree with it.
    live = {r.department_id: r.counts for r in department_ranking(period=period)}
    assert assessment_sync() > 0  # nothing had synced: the reads above wrote nothing
    assert assessment_sync() == 0  # and now nothing is new
    assert live == {r.department_id: r.counts for r in department_ranking(period=period)}
    assessment_rebuild(period)
    assert live == {r.department_id: r.counts for r in department_ranking(period=period)}


def test_emergency_transfer_through_the_services_leaves_the_figures(city, django_capture_on_commit_callbacks):

    cat = make_catalog(city)
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, _assist = whistled(city, cat)
    period = parse_period(lead.whistled_at.astimezone(local_dt(2025, 1, 1).tzinfo).strftime("%Y-%m"))
    assert row_of(period, cat["housing"]).counts.received == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transfer_emergency(actor=city.users["street_staff"], ticket=ticket, target="119")
    assert row_of(period, cat["housing"]).counts.received == 0
    assert row_of(period, cat["cg"]).counts.received == 0


class RollupFailed(RuntimeError):
    pass


def failing_rollup(ticket_ids: frozenset[int]) -> None:
    """The real recomputation, then a failure: its writes roll back with its own transaction."""
    with transaction.atomic():
        assessment_record_ticket_changes(ticket_ids=ticket_ids)
        raise RollupFailed("the rollup failed")


@pytest.fixture
def broken_rollup():
    """The rollup listener replaced by one that fails, for the test."""
    remove_ticket_listener(record_ticket_changes_listener)
    on_ticket_changed(failing_rollup)
    yield
    remove_ticket_listener(failing_rollup)
    on_ticket_changed(record_ticket_changes_listener)


@pytest.fixture
def world():
    city = make_city()
    make_personas(city)
    return city, make_catalog(city)


def responded_in_time(lead: Whistle) -> tuple[int, int]:
    """(rollup, direct) "responded in time" of the lead's department in its month."""
    day = local(lead.whistled_at).date()
    period = month(day.year, day.month)
    department = lead.department_id
    return rollup_counts(period)[department]["responded_in_time"], direct_counts(period)[department][
        "responded_in_time"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_failing_rollup_leaves_the_step_committed_and_the_catch_up_repairs_it(world, broken_rollup, caplog):
    city, cat = world
    _ticket, lead, _assist = whistled(city, cat)
    assessment_sync()  # the rollup starts equal to the history
    with caplog.at_level(logging.ERROR, logger="quanyu.tickets.hooks"):
        services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    # The step committed: the whistle is responded and its event is written.
    lead.refresh_from_db()
    assert lead.status == WhistleStatus.RESPONDED and lead.responded_at is not None
    assert TicketEvent.objects.filter(whistle=lead, kind=EventKind.WHISTLE_RESPONDED).exists()
    # The failure was logged, and the figure is behind the whistles.
    assert any(isinstance(r.exc_info[1], RollupFailed) for r in caplog.records if r.exc_info)
    assert responded_in_time(lead) == (0, 1)
    # The catch-up repairs it from the ticket history.
    assert assessment_sync() > 0
    assert responded_in_time(lead) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_working_rollup_follows_the_commit(world):
    city, cat = world
    _ticket, lead, _assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    assert responded_in_time(lead) == (1, 1)
