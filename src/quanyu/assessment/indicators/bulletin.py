"""The bulletin (通报) of a computed period, as offices write them: the totals and their change,
the shares by grade, who is below each indicator's floor, the red and black lists (top and bottom
N: the set's ``list_size``, kept in the digest at freezing), the list for reminder talks
(约谈提醒: vetoed, or a total under the pass mark), the hot topics of the period's tickets, the
secretaries' 述职评议 (each report's grades), and the ranking table as the appendix.

Everything comes from the period's frozen ``Score`` rows and its ``digest`` (the hot topics and
the 述职评议 grades, kept at freezing), so a frozen period's bulletin never changes; an open
period's bulletin is a draft with live hot topics and grades."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.assessment.indicators.duty import duty_summary_of
from quanyu.assessment.indicators.providers.tickets import COUNTED, in_period
from quanyu.assessment.indicators.selectors import RankRow, SetRanking, previous_of
from quanyu.assessment.models import Direction, IndicatorSet, PeriodStatus, ScorePeriod, ScoreRule
from quanyu.assessment.periods import parse_period
from quanyu.tickets.models import Ticket

PASS_MARK = Decimal(60)
GRADES = [
    (Decimal(90), gettext_lazy("优秀")),
    (Decimal(80), gettext_lazy("良好")),
    (Decimal(60), gettext_lazy("合格")),
    (Decimal(0), gettext_lazy("不合格")),
]
HOT_TOPICS = 5


@dataclass
class Bulletin:
    ranking: SetRanking
    title: str
    frozen: bool
    count: int
    average: Decimal | None
    average_change: Decimal | None
    grades: list[dict[str, Any]]
    below_floor: list[dict[str, Any]]
    red: list[RankRow]
    black: list[RankRow]
    talks: list[dict[str, Any]]
    hot_topics: list[dict[str, Any]]
    duty: list[dict[str, Any]]
    list_size: int  # the red and black lists' size: the set's, or as frozen


def hot_topics(indicator_set: IndicatorSet, period_key: str) -> list[dict[str, Any]]:
    """The categories with the most tickets in the set's area in the period."""
    period = parse_period(period_key)
    rows = (
        Ticket.objects.filter(COUNTED, in_period(period), area_path__startswith=indicator_set.area.path)
        .exclude(category=None)
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")[:HOT_TOPICS]
    )
    return [{"topic": r["category__name"], "count": r["n"]} for r in rows]


def freeze_digest(score_period: ScorePeriod) -> dict[str, Any]:
    """What the bulletin keeps beside the scores at freezing."""
    return {
        "hot_topics": hot_topics(score_period.indicator_set, score_period.period),
        "duty": duty_summary_of(score_period.indicator_set),
        "list_size": score_period.indicator_set.list_size,
        "previous": previous.pk if (previous := previous_of(score_period)) else None,
    }


def _grade(total: Decimal) -> Decimal:
    return next(floor for floor, _label in GRADES if total >= floor)


def bulletin_of(ranking: SetRanking) -> Bulletin:
    sp = ranking.score_period
    rows = ranking.rows
    totals = [r.total for r in rows]
    average = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    changes = [r.change for r in rows if r.change is not None]
    change = (sum(changes, Decimal(0)) / len(changes)).quantize(Decimal("0.01")) if changes else None
    grades = []
    for floor, label in GRADES:
        names = [r.name for r in rows if _grade(r.total) == floor]
        share = (Decimal(len(names)) / len(rows) * 100).quantize(Decimal("0.1")) if rows else Decimal(0)
        grades.append({"grade": str(label), "count": len(names), "share": share, "names": names})
    below = []
    for i, ind in enumerate(ranking.indicators):
        if ind.rule != ScoreRule.LINEAR or ind.floor is None:
            continue
        higher, floor = ind.direction == Direction.HIGHER, ind.floor
        names = []
        for r in rows:
            value = r.cells[i].value if i < len(r.cells) else None
            if value is not None and ((value < floor) if higher else (value > floor)):
                names.append(r.name)
        if names:
            below.append({"indicator": ind.name, "floor": ind.floor, "names": names})
    talks = [
        {
            "name": r.name,
            "reason": _("一票否决")
            if r.vetoed
            else _("总分 %(t)s 低于 %(m)s 分") % {"t": r.total, "m": PASS_MARK},
        }
        for r in rows
        if r.vetoed or r.total < PASS_MARK
    ]
    frozen = sp.status == PeriodStatus.FROZEN
    topics = sp.digest.get("hot_topics", []) if frozen else hot_topics(ranking.indicator_set, sp.period)
    duty = sp.digest.get("duty", []) if frozen else duty_summary_of(ranking.indicator_set)
    title = _("关于%(p)s%(s)s考核结果的通报") % {
        "p": parse_period(sp.period).label,
        "s": ranking.indicator_set.name,
    }
    size = int(sp.digest.get("list_size") or 0) if frozen else 0
    size = size or ranking.indicator_set.list_size
    ranked = [r for r in rows if r.rank]
    return Bulletin(
        ranking=ranking,
        title=title,
        frozen=frozen,
        count=len(rows),
        average=average,
        average_change=change,
        grades=grades,
        below_floor=below,
        red=ranked[:size],
        black=list(reversed(ranked[-size:])) if len(ranked) > size else [],
        talks=talks,
        hot_topics=topics,
        duty=duty,
        list_size=size,
    )
