"""Indicator sets for the demo year (the tickets' year): the district ranks its streets, the
first street its communities, the organisation department the departments and resident units;
each published and computed for the year so far, with a hand-scored entry submitted and scored."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from quanyu.assessment.indicators import services
from quanyu.assessment.models import Level, ScoreRule, Source
from quanyu.assessment.periods import year
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext

TITLE = "指标考核"

AREA_INDICATORS: list[dict[str, Any]] = [
    {
        "name": "诉求按时办结率",
        "weight": 30,
        "provider": "tickets.resolved_in_time",
        "floor": "0.6",
        "target": "0.95",
    },
    {
        "name": "群众满意率",
        "weight": 25,
        "provider": "tickets.satisfaction",
        "rule": ScoreRule.THRESHOLDS,
        "thresholds": [[0.95, 1], [0.9, 0.8], [0.8, 0.5]],
    },
    {
        "name": "重复诉求率",
        "weight": 10,
        "provider": "tickets.repeat_requests",
        "direction": "lower",
        "floor": "0.2",
        "target": "0.02",
    },
    {"name": "在职党员双报到率", "weight": 15, "provider": "people.reported_share", "rule": ScoreRule.RANK},
    {
        "name": "三会一课出席率",
        "weight": 10,
        "provider": "people.attendance",
        "floor": "0.6",
        "target": "0.9",
    },
]
UNIT_INDICATORS: list[dict[str, Any]] = [
    {"name": "诉求按时办结率", "weight": 50, "provider": "tickets.resolved_in_time", "rule": ScoreRule.RANK},
    {
        "name": "群众满意率",
        "weight": 30,
        "provider": "tickets.satisfaction",
        "floor": "0.7",
        "target": "0.95",
    },
    {
        "name": "驻区单位双报到",
        "weight": 20,
        "provider": "people.unit_reported",
        "rule": ScoreRule.THRESHOLDS,
        "thresholds": [[1, 1]],
    },
]


def _staff(ctx: DemoContext, role: str) -> Any:
    return (ctx.users.get(role) or [ctx.actor])[0]


def run(ctx: DemoContext) -> None:
    assert ctx.district is not None
    demo_year = timezone.localdate().year  # the tickets step files its tickets now
    org = _staff(ctx, Role.ORG_DEPARTMENT)
    plans = [
        (Level.STREET, ctx.district, AREA_INDICATORS, True),
        (Level.UNIT, ctx.district, UNIT_INDICATORS, False),
    ]
    if ctx.streets:
        plans.append((Level.COMMUNITY, ctx.streets[0], AREA_INDICATORS, True))
    task = ctx.progress("指标体系", total=len(plans))
    for level, area, indicators, manual in plans:
        s = services.indicator_set_create(actor=org, year=demo_year, level=level, area=area)
        for spec in indicators:
            services.indicator_add(actor=org, indicator_set=s, source=Source.COMPUTED, **spec)
        if manual:
            services.indicator_add(
                actor=org, indicator_set=s, name="阵地建设与服务", weight=10, source=Source.MANUAL
            )
        s = services.indicator_set_publish(actor=org, indicator_set=s)
        if manual and level == Level.COMMUNITY and len(ctx.communities) > 0:
            community = next(c for c in ctx.communities if c.path.startswith(area.path))
            indicator = s.indicators.get(source=Source.MANUAL)
            entry = services.entry_submit(
                actor=ctx.actor,
                indicator=indicator,
                period=year(demo_year),
                statement="党群服务中心按标准建成，全年开放，活动记录齐全。",
                target_area=community,
            )
            services.entry_score(actor=org, entry=entry, score=9, comment="材料齐全，扣 1 分：活动照片不全")
        services.period_compute(actor=org, indicator_set=s, period=year(demo_year))
        task.advance(1)
