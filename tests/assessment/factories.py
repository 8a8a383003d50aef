"""Indicator sets for the tests, made through the services, and hand-made tickets located in one
community with the timestamps a scoring test needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanyu.assessment.indicators import services
from quanyu.assessment.models import IndicatorSet, Level, ScoreRule, Source
from quanyu.assessment.rollup import assessment_record_ticket_changes
from quanyu.core.clock import LOCAL_TZ
from quanyu.tickets.models import Channel, Ticket
from quanyu.tickets.states import TicketStatus
from tests.factories import City

MARCH_AT = dt.datetime(2025, 3, 10, 9, tzinfo=LOCAL_TZ)
DAY = dt.timedelta(days=1)


def community_ticket(
    city: City,
    ci: int,
    *,
    at: dt.datetime = MARCH_AT,
    resolved: dt.timedelta | None = None,
    rating: str = "",
    status: str | None = None,
    **fields: Any,
) -> Ticket:
    """A ticket in community ``ci`` (0–3) created at ``at``, due in 3 days, resolved after
    ``resolved`` if given. Written directly, then told to the rollups as the ticket services'
    after-commit hook would."""
    grid = city.grids[ci * 2]
    if status is None:
        status = TicketStatus.CLOSED if resolved is not None else TicketStatus.IN_PROGRESS
    ticket = Ticket.objects.create(
        text=fields.pop("text", "测试诉求"),
        grid=grid,
        community=city.communities[ci],
        street=city.streets[ci // 2],
        area_path=grid.path,
        channel=Channel.WEB,
        status=status,
        tier="community",
        handling_area=city.communities[ci],
        created_at=at,
        completion_due=at + 3 * DAY,
        resolved_at=None if resolved is None else at + resolved,
        rating_level=rating,
        **fields,
    )
    assessment_record_ticket_changes(ticket_ids=[ticket.pk])
    return ticket


def community_set(city: City, actor: Any, *, publish: bool = True) -> IndicatorSet:
    """Street 1's 2025 set for its two communities: resolved in time (40, linear 0.5→0.9),
    satisfaction (30, thresholds ≥0.9 → 1, ≥0.6 → 0.5), a hand-scored indicator (30)."""
    s = services.indicator_set_create(actor=actor, year=2025, level=Level.COMMUNITY, area=city.streets[0])
    services.indicator_add(
        actor=actor,
        indicator_set=s,
        name="按时办结率",
        weight=40,
        source=Source.COMPUTED,
        provider="tickets.resolved_in_time",
        rule=ScoreRule.LINEAR,
        floor="0.5",
        target="0.9",
    )
    services.indicator_add(
        actor=actor,
        indicator_set=s,
        name="满意率",
        weight=30,
        source=Source.COMPUTED,
        provider="tickets.satisfaction",
        rule=ScoreRule.THRESHOLDS,
        thresholds=[[0.9, 1], [0.6, 0.5]],
    )
    services.indicator_add(actor=actor, indicator_set=s, name="阵地建设", weight=30, source=Source.MANUAL)
    if publish:
        s = services.indicator_set_publish(actor=actor, indicator_set=s)
    return s
