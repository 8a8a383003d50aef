"""The scoring rules of an indicator, as plain arithmetic (no database).

Each rule gives a share of the indicator's weight (its points), between 0 and 1:

* ``linear``: (value − floor) / (target − floor), clamped to [0, 1]. The same formula serves both
  directions: for "lower is better" the floor lies above the target (floor 10 %, target 2 %:
  a value of 6 % earns half);
* ``thresholds``: ``[[level, share], …]``; the best share whose level the value reaches (≥ for
  "higher is better", ≤ for "lower is better"), 0 when none;
* ``rank``: among the targets with a value, ranked best first (equal values share a rank:
  1, 2, 2, 4), rank r of n earns (n − r + 1) / n.

A target without a value (no data: a denominator of 0) earns 0 on the indicator. The total is the
sum of the indicators' points, less the deductions (never below 0); a veto (一票否决) makes it 0.
Points are kept exact (Decimal) and rounded to 2 places once, for storage; equal rounded totals
share a rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

POINTS = Decimal("0.01")
VALUE = Decimal("0.0001")
ONE, ZERO = Decimal(1), Decimal(0)


def points(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


def linear_share(value: Decimal, *, floor: Decimal, target: Decimal) -> Decimal:
    if target == floor:
        return ONE if value >= target else ZERO
    share = (value - floor) / (target - floor)
    return max(ZERO, min(ONE, share))


def threshold_share(value: Decimal, *, thresholds: Sequence[Sequence[Any]], higher: bool) -> Decimal:
    best = ZERO
    for level, share in thresholds:
        level, share = Decimal(str(level)), Decimal(str(share))
        if (value >= level) if higher else (value <= level):
            best = max(best, share)
    return best


def competition_ranks(values: Mapping[int, Decimal | None], *, higher: bool) -> dict[int, int]:
    """Standard competition ranks (1, 2, 2, 4) of the keys with a value, best first."""
    present = [(k, v) for k, v in values.items() if v is not None]
    present.sort(key=lambda kv: (-kv[1] if higher else kv[1], kv[0]))  # type: ignore[operator]
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (k, v) in enumerate(present, start=1):
        if v != previous:
            rank, previous = position, v
        ranks[k] = rank
    return ranks


def rank_shares(values: Mapping[int, Decimal | None], *, higher: bool) -> dict[int, Decimal]:
    ranks = competition_ranks(values, higher=higher)
    n = len(ranks)
    return {k: (Decimal(n - ranks[k] + 1) / n if k in ranks else ZERO) for k in values}


def indicator_points(
    values: Mapping[int, Decimal | None],
    *,
    weight: Decimal,
    rule: str,
    higher: bool = True,
    floor: Decimal | None = None,
    target: Decimal | None = None,
    thresholds: Sequence[Sequence[Any]] = (),
) -> dict[int, Decimal]:
    """Each target's points (exact) on one indicator, from its value."""
    if rule == "rank":
        return {k: weight * s for k, s in rank_shares(values, higher=higher).items()}
    out: dict[int, Decimal] = {}
    for k, v in values.items():
        if v is None:
            out[k] = ZERO
        elif rule == "thresholds":
            out[k] = weight * threshold_share(v, thresholds=thresholds, higher=higher)
        else:
            assert floor is not None and target is not None
            out[k] = weight * linear_share(v, floor=floor, target=target)
    return out


def total_points(parts: Sequence[Decimal], *, deducted: Decimal = ZERO, vetoed: bool = False) -> Decimal:
    if vetoed:
        return ZERO
    return max(ZERO, sum(parts, ZERO) - deducted)
