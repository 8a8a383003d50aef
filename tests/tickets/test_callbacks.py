"""Callback sampling (回访抽查): population, ceil(rate × n), reproducible draw, scope, progress."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from quanyu.catalog.models import Tier
from quanyu.core.clock import LOCAL_TZ
from quanyu.tickets import services
from quanyu.tickets.callbacks import (
    CallbackPeriod,
    callback_needed,
    callback_period,
    callback_sample_for,
    callback_sample_status,
)
from quanyu.tickets.models import Channel, Rating, RatingLevel, Ticket, TicketEvent, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus
from tests.tickets.factories import assist_finished, whistled

MARCH = CallbackPeriod(2025, 3)


def resolved_ticket(
    city,
    department,
    *,
    grid=0,
    day=10,
    month=3,
    status=TicketStatus.CLOSED,
    whistle_status=WhistleStatus.RESOLVED,
    phone="13800138000",
    excluded=False,
    also=(),
) -> Ticket:
    """A hand-made ticket resolved on ``day`` of ``month`` 2025 (local noon) after a whistle to
    ``department`` (lead) and to each of ``also`` (assisting)."""
    grid_area = city.grids[grid]
    community = next(c for c in city.communities if grid_area.path.startswith(c.path))
    street = next(s for s in city.streets if grid_area.path.startswith(s.path))
    resolved = dt.datetime(2025, month, day, 12, 0, tzinfo=LOCAL_TZ)
    ticket = Ticket.objects.create(
        text="楼道灯不亮",
        channel=Channel.HOTLINE,
        grid=grid_area,
        community=community,
        street=street,
        area_path=grid_area.path,
        handling_area=street,
        tier=Tier.STREET,
        status=status,
        contact_phone=phone,
        contact_phone_hash="h" + phone if phone else "",
        resolved_at=resolved,
        closed_at=resolved if status == TicketStatus.CLOSED else None,
        excluded_from_stats=excluded,
        created_at=resolved - dt.timedelta(days=3),
    )
    for unit, lead in [(department, True), *((u, False) for u in also)]:
        Whistle.objects.create(
            ticket=ticket,
            department=unit,
            lead=lead,
            status=whistle_status,
            whistled_at=resolved - dt.timedelta(days=2),
            response_due=resolved - dt.timedelta(days=1),
            completion_due=resolved + dt.timedelta(days=3),
            responded_at=resolved - dt.timedelta(days=1, hours=2),
            resolved_at=resolved if whistle_status == WhistleStatus.RESOLVED else None,
        )
    return ticket


def batch(city, department, n, **kw) -> list[Ticket]:
    return [resolved_ticket(city, department, day=1 + i % 28, **kw) for i in range(n)]


def ids(tickets) -> list[int]:
    return [t.pk for t in tickets]


def test_needed_is_the_exact_ceiling():
    rate = Fraction(1, 10)
    assert [callback_needed(n, rate) for n in (0, 1, 9, 10, 11, 30, 31, 100)] == [0, 1, 1, 1, 2, 3, 4, 10]
    assert callback_needed(30, Fraction("0.15")) == 5  # 4.5 → 5


def test_periods():
    assert callback_period("2025-03") == MARCH
    assert callback_period("2025年3月") == MARCH
    assert callback_period(" 2025/03 ") == MARCH
    assert callback_period(dt.date(2025, 3, 31)) == MARCH
    assert callback_period(MARCH) is MARCH
    assert CallbackPeriod(2025, 12).end == dt.datetime(2026, 1, 1, tzinfo=LOCAL_TZ)
    for bad in ("2025-13", "March", "2025-3-1", "1999-01"):
        with pytest.raises(ValidationError) as info:
            callback_period(bad)
        assert "YYYY-MM" in info.value.message_dict["period"][0]


def test_sample_size_and_reproducible_draw(city, cat, settings):
    cg = cat["cg"]
    tickets = batch(city, cg, 30)
    admin = city.users["district_admin"]
    sample = callback_sample_for(actor=admin, department=cg, period="2025-03")
    assert (sample.population, sample.needed, sample.done, sample.remaining) == (30, 3, 0, 3)
    assert len(sample.tickets) == 3 and set(ids(sample.tickets)) <= set(ids(tickets))
    assert [t.draw_rank for t in sample.tickets] == [1, 2, 3]
    assert not any(t.called_back for t in sample.tickets)
    again = callback_sample_for(actor=admin, department=cg.pk, period=dt.date(2025, 3, 5))
    assert ids(again.tickets) == ids(sample.tickets)
    # The order is keyed by the deployment's secret: another key draws other tickets.
    settings.SECRET_KEY = "another-deployment-secret-key-0123456789abcdef"
    assert ids(callback_sample_for(actor=admin, department=cg, period=MARCH).tickets) != ids(sample.tickets)
    settings.QUANYU_CALLBACK_SAMPLE_RATE = 0.25
    assert callback_sample_for(actor=admin, department=cg, period=MARCH).needed == 8


def test_callbacks_count_towards_the_sample_and_keep_it_stable(city, cat):
    cg = cat["cg"]
    batch(city, cg, 25)  # needed = 3
    staff = city.users["district_admin"]
    first = callback_sample_for(actor=staff, department=cg, period=MARCH)
    drawn = ids(first.tickets)
    services.ticket_callback(actor=staff, ticket=first.tickets[0], level=RatingLevel.SATISFIED)
    after = callback_sample_for(actor=staff, department=cg, period=MARCH)
    assert (after.needed, after.done, after.remaining) == (3, 1, 2)
    assert set(ids(after.tickets)) == set(drawn)
    assert ids(after.pending) == drawn[1:] and after.tickets[-1].called_back
    assert TicketEvent.objects.filter(ticket_id=drawn[0], kind="callback").count() == 1
    # A callback on a ticket that was not drawn counts as well: one fewer left to draw.
    outside = Ticket.objects.filter(status=TicketStatus.CLOSED).exclude(pk__in=drawn).order_by("pk").first()
    services.ticket_callback(actor=staff, ticket=outside, level=RatingLevel.BASICALLY)
    now = callback_sample_for(actor=staff, department=cg, period=MARCH)
    assert (now.done, now.remaining) == (2, 1)
    assert set(ids(now.tickets)) == {drawn[0], drawn[1], outside.pk}
    assert ids(now.pending) == [drawn[1]]
    services.ticket_callback(actor=staff, ticket=now.pending[0], level=RatingLevel.SATISFIED)
    done = callback_sample_for(actor=staff, department=cg, period=MARCH)
    assert done.complete and done.pending == [] and done.remaining == 0
    [row] = callback_sample_status(actor=staff, period=MARCH)
    assert (row.department_id, row.population, row.needed, row.done, row.complete) == (cg.pk, 25, 3, 3, True)


def test_population_rules(city, cat):
    cg, housing = cat["cg"], cat["housing"]
    counted = [
        resolved_ticket(city, cg),
        resolved_ticket(city, cg, status=TicketStatus.RESOLVED),  # awaiting the rating
        resolved_ticket(city, housing, also=[cg]),  # cg assisted
        resolved_ticket(city, cg, whistle_status=WhistleStatus.RESPONDED),  # took it up
        resolved_ticket(city, cg, day=31),
    ]
    resolved_ticket(city, cg, month=2, day=28)  # another month
    resolved_ticket(city, cg, month=4, day=1)
    resolved_ticket(city, cg, status=TicketStatus.IN_PROGRESS)  # reopened
    resolved_ticket(city, cg, excluded=True)  # out of the statistics
    resolved_ticket(city, cg, whistle_status=WhistleStatus.RETURNED)
    resolved_ticket(city, cg, whistle_status=WhistleStatus.CANCELLED)
    resolved_ticket(city, housing)  # another department
    # The month is the local one: 2025-03-31 16:30 UTC is already April in Shanghai.
    late = resolved_ticket(city, cg, day=31)
    Ticket.objects.filter(pk=late.pk).update(resolved_at=dt.datetime(2025, 3, 31, 16, 30, tzinfo=dt.UTC))
    # A callback before the latest resolution does not count.
    Rating.objects.create(
        ticket=counted[0],
        level=RatingLevel.SATISFIED,
        via=Rating.Via.CALLBACK,
        at=counted[0].resolved_at - dt.timedelta(hours=1),
    )
    admin = city.users["district_admin"]
    sample = callback_sample_for(actor=admin, department=cg, period=MARCH)
    assert (sample.population, sample.needed, sample.done) == (len(counted), 1, 0)
    assert ids(sample.tickets)[0] in ids(counted)
    status = {r.department_id: r for r in callback_sample_status(actor=admin, period=MARCH)}
    assert (status[cg.pk].population, status[cg.pk].needed, status[cg.pk].done) == (5, 1, 0)
    assert (status[housing.pk].population, status[housing.pk].needed) == (2, 1)
    april = {r.department_id: r.population for r in callback_sample_status(actor=admin, period="2025-04")}
    assert april == {cg.pk: 2}


def test_reachable_tickets_are_drawn_first(city, cat):
    cg = cat["cg"]
    reachable = batch(city, cg, 3)
    batch(city, cg, 7, phone="")
    sample = callback_sample_for(actor=city.users["district_admin"], department=cg, period=MARCH)
    assert sample.needed == 1 and ids(sample.tickets)[0] in ids(reachable)


def test_scope(city, cat):
    """Each scope draws from its own part of the city; others see nothing."""
    cg = cat["cg"]
    street1 = [resolved_ticket(city, cg, grid=g, day=d) for g in (0, 2) for d in range(1, 11)]  # 20
    street2 = [resolved_ticket(city, cg, grid=g, day=d) for g in (4, 6) for d in range(1, 6)]  # 10
    u = city.users
    s1 = callback_sample_for(actor=u["street_staff"], department=cg, period=MARCH)
    assert (s1.population, s1.needed) == (20, 2) and set(ids(s1.tickets)) <= set(ids(street1))
    y = callback_sample_for(actor=u["community_y"], department=cg, period=MARCH)
    assert (y.population, y.needed) == (5, 1) and set(ids(y.tickets)) <= set(ids(street2[:5]))
    assert callback_sample_for(actor=u["district_admin"], department=cg, period=MARCH).population == 30
    for name in ("department_handler", "resident", "outsider", "grid_worker"):
        nobody = callback_sample_for(actor=u[name], department=cg, period=MARCH)
        assert (nobody.population, nobody.needed, nobody.tickets) == (0, 0, [])
        assert callback_sample_status(actor=u[name], period=MARCH) == []
    [row] = callback_sample_status(actor=u["community_x"], period=MARCH)
    assert (row.population, row.needed) == (10, 1)  # community 1-1: grids 0 and 1


def test_status_for_named_departments_and_query_counts(city, cat, django_assert_max_num_queries):
    cg, housing = cat["cg"], cat["housing"]
    batch(city, cg, 12, also=[housing])
    batch(city, housing, 3)
    staff = city.users["street_staff"]
    staff.active_grants  # noqa: B018 (load the grants once, as a request would)
    with django_assert_max_num_queries(1):
        rows = callback_sample_status(actor=staff, period=MARCH)
    assert [(r.department_name, r.population, r.needed) for r in rows] == [
        ("区住建局", 15, 2),
        ("区城管局", 12, 2),
    ]
    with django_assert_max_num_queries(2):
        sample = callback_sample_for(actor=staff, department=cg, period=MARCH)
    assert len(sample.tickets) == 2 and all(t.category_id is None for t in sample.tickets)
    idle = city.units[0]  # no tickets (and not a department): reported with zeros when asked for
    rows = callback_sample_status(actor=staff, period=MARCH, departments=[housing, idle.pk])
    assert {r.department_id: (r.population, r.needed, r.done) for r in rows} == {
        housing.pk: (15, 2, 0),
        idle.pk: (0, 0, 0),
    }
    with pytest.raises(ValidationError):
        callback_sample_for(actor=staff, department=idle.pk, period=MARCH)


def test_bad_rate_setting(city, cat, settings):
    settings.QUANYU_CALLBACK_SAMPLE_RATE = 0
    with pytest.raises(ImproperlyConfigured):
        callback_sample_for(actor=city.users["district_admin"], department=cat["cg"], period=MARCH)
    settings.QUANYU_CALLBACK_SAMPLE_RATE = "ten percent"
    with pytest.raises(ImproperlyConfigured):
        callback_sample_status(actor=city.users["district_admin"], period=MARCH)


def test_through_the_loop(city, cat):
    """A ticket resolved through the services joins the month's population of both departments;
    the callback recorded with ticket_callback closes it and counts for both."""
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    assist_finished(city, assist)
    services.whistle_resolve(actor=city.users["housing_handler"], whistle=lead, explanation="已修复电梯")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    month = callback_period(timezone.localtime(ticket.resolved_at, LOCAL_TZ).date())
    staff = city.users["street_staff"]
    sample = callback_sample_for(actor=staff, department=cat["housing"], period=month)
    assert ids(sample.tickets) == [ticket.pk] and sample.needed == 1
    services.ticket_callback(
        actor=staff, ticket=sample.tickets[0], level=RatingLevel.SATISFIED, comment="满意"
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.rating_level == RatingLevel.SATISFIED
    rows = {
        r.department_id: (r.population, r.needed, r.done)
        for r in callback_sample_status(actor=staff, period=month)
    }
    assert rows == {cat["housing"].pk: (1, 1, 1), cat["cg"].pk: (1, 1, 1)}
