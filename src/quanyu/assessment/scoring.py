"""The department score and its ranking, as plain arithmetic over counts (no database).

response rate     = whistles responded within the response limit / whistles received
completion rate   = whistles resolved within the completion limit / whistles received
satisfaction rate = effective ratings counted as satisfied / effective ratings
score             = w_r · response + w_c · completion + w_s · satisfaction   (weights sum to 100)

Arithmetic is exact (fractions); rates are rounded to 4 decimals and the score to 2 only for
display and storage, and departments with the same rounded score share a rank (1, 2, 2, 4).
A department that received nothing in the period has no rates and no rank (listed last).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

RATE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    """A snapshot of ``ScoringConfig``: what a ranking was computed with."""

    weight_response: int = 10
    weight_completion: int = 40
    weight_satisfaction: int = 50
    basically_counts: bool = True
    no_rating_policy: str = "rescale"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})

    def describe(self) -> list[str]:
        """The rules as sentences shown next to the table."""
        satisfied = _("满意、基本满意") if self.basically_counts else _("满意")
        policy = {
            "rescale": _("期间内无有效评价的部门，按响应率、办结率两项折算为百分制"),
            "full": _("期间内无有效评价的部门，满意率一项按满分计"),
            "zero": _("期间内无有效评价的部门，满意率一项按零分计"),
        }.get(self.no_rating_policy, "")
        return [
            _("得分 = 响应率×%(r)d + 办结率×%(c)d + 满意率×%(s)d")
            % {"r": self.weight_response, "c": self.weight_completion, "s": self.weight_satisfaction},
            _("按呼叫时间（北京时间）所在期间统计；应急转出、撤销、合并的工单及撤回、退回的呼叫不计入"),
            _("响应率：在响应期限内响应的呼叫 / 收到的呼叫；办结率：在办结期限内办结的呼叫 / 收到的呼叫"),
            _("满意率：评价为%(levels)s的 / 有效评价数（申诉成立的评价不计）") % {"levels": satisfied},
            policy,
            _("得分相同名次并列；当期未收到呼叫的部门不排名"),
        ]


@dataclass(frozen=True)
class Counts:
    received: int = 0
    responded_in_time: int = 0
    resolved_in_time: int = 0
    rated: int = 0
    rated_satisfied: int = 0
    rated_basically: int = 0
    returned: int = 0

    def satisfied(self, rules: Rules) -> int:
        return self.rated_satisfied + (self.rated_basically if rules.basically_counts else 0)


@dataclass(frozen=True)
class Row:
    department_id: int
    department_name: str
    counts: Counts
    satisfied: int
    response_rate: Decimal | None
    completion_rate: Decimal | None
    satisfaction_rate: Decimal | None
    score: Decimal | None
    rank: int | None = None

    @property
    def received(self) -> int:
        return self.counts.received

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "department_id": self.department_id,
            "department_name": self.department_name,
            "rank": self.rank,
            "received": c.received,
            "responded_in_time": c.responded_in_time,
            "resolved_in_time": c.resolved_in_time,
            "rated": c.rated,
            "satisfied": self.satisfied,
            "returned": c.returned,
            "response_rate": self.response_rate,
            "completion_rate": self.completion_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "score": self.score,
        }


def _ratio(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


def _round(value: Fraction | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def score_of(counts: Counts, rules: Rules) -> tuple[Fraction | None, ...]:
    """(response, completion, satisfaction, score) as exact fractions; None where undefined.
    The score is built from integers over one common denominator (this runs for every
    department on every ranking read)."""
    n, rated = counts.received, counts.rated
    if not n:
        return None, None, _ratio(counts.satisfied(rules), rated), None
    r, c, s = counts.responded_in_time, counts.resolved_in_time, counts.satisfied(rules)
    base = rules.weight_response * r + rules.weight_completion * c  # over n
    if rated:
        score = Fraction(base * rated + rules.weight_satisfaction * s * n, n * rated)
    elif rules.no_rating_policy == "full":
        score = Fraction(base + rules.weight_satisfaction * n, n)
    elif rules.no_rating_policy == "zero":
        score = Fraction(base, n)
    else:
        both = rules.weight_response + rules.weight_completion
        total = both + rules.weight_satisfaction
        score = Fraction(base * total, n * both) if both else Fraction(0)
    return Fraction(r, n), Fraction(c, n), _ratio(s, rated), score


def make_row(department_id: int, department_name: str, counts: Counts, rules: Rules) -> Row:
    response, completion, satisfaction, score = score_of(counts, rules)
    return Row(
        department_id=department_id,
        department_name=department_name,
        counts=counts,
        satisfied=counts.satisfied(rules),
        response_rate=_round(response, RATE_PLACES),
        completion_rate=_round(completion, RATE_PLACES),
        satisfaction_rate=_round(satisfaction, RATE_PLACES),
        score=_round(score, SCORE_PLACES),
    )


def rank_rows(rows: Iterable[Row]) -> list[Row]:
    """Order by score (highest first), then received (more first), then name and id — a total,
    deterministic order — and give equal scores the same rank (standard competition ranking).
    Departments without a score come last, unranked."""
    rows = list(rows)
    scored = sorted(
        (r for r in rows if r.score is not None),
        key=lambda r: (-r.score, -r.received, r.department_name, r.department_id),  # type: ignore[operator]
    )
    unscored = sorted(
        (r for r in rows if r.score is None), key=lambda r: (r.department_name, r.department_id)
    )
    out: list[Row] = []
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(scored, start=1):
        if row.score != previous:
            rank, previous = position, row.score
        out.append(replace(row, rank=rank))
    return out + unscored
