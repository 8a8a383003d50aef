"""The scoring rules on hand-computed cases (no database)."""

from __future__ import annotations

from decimal import Decimal as D

from quanyu.assessment.indicators import rules


def test_linear_between_floor_and_target():
    assert rules.linear_share(D("0.75"), floor=D("0.5"), target=D("0.9")) == D("0.625")
    assert rules.linear_share(D("0.95"), floor=D("0.5"), target=D("0.9")) == 1
    assert rules.linear_share(D("0.4"), floor=D("0.5"), target=D("0.9")) == 0


def test_linear_lower_is_better_has_floor_above_target():
    # floor 10 %, target 2 %: 6 % earns half, 1 % all, 12 % nothing.
    assert rules.linear_share(D("0.06"), floor=D("0.10"), target=D("0.02")) == D("0.5")
    assert rules.linear_share(D("0.01"), floor=D("0.10"), target=D("0.02")) == 1
    assert rules.linear_share(D("0.12"), floor=D("0.10"), target=D("0.02")) == 0


def test_linear_floor_equal_to_target_is_all_or_nothing():
    assert rules.linear_share(D(1), floor=D(1), target=D(1)) == 1
    assert rules.linear_share(D("0.99"), floor=D(1), target=D(1)) == 0


def test_thresholds_take_the_best_band_reached():
    bands = [[0.9, 1], [0.6, 0.5]]
    assert rules.threshold_share(D("0.95"), thresholds=bands, higher=True) == 1
    assert rules.threshold_share(D("0.6"), thresholds=bands, higher=True) == D("0.5")
    assert rules.threshold_share(D("0.59"), thresholds=bands, higher=True) == 0
    lower = [[0.02, 1], [0.05, 0.6]]
    assert rules.threshold_share(D("0.03"), thresholds=lower, higher=False) == D("0.6")
    assert rules.threshold_share(D("0.02"), thresholds=lower, higher=False) == 1


def test_rank_rule_shares_ranks_and_skips_missing():
    values = {1: D(9), 2: D(7), 3: D(7), 4: D(1), 5: None}
    assert rules.competition_ranks(values, higher=True) == {1: 1, 2: 2, 3: 2, 4: 4}
    pts = rules.indicator_points(values, weight=D(20), rule="rank", higher=True)
    # n = 4 ranked: rank 1 → 4/4, rank 2 → 3/4, rank 4 → 1/4; no value → 0.
    assert pts == {1: D(20), 2: D(15), 3: D(15), 4: D(5), 5: D(0)}
    low = rules.indicator_points({1: D(9), 2: D(1)}, weight=D(10), rule="rank", higher=False)
    assert low == {1: D(5), 2: D(10)}


def test_missing_value_scores_zero_and_total_with_deduction_and_veto():
    pts = rules.indicator_points(
        {1: None, 2: D("0.7")}, weight=D(40), rule="linear", floor=D("0.5"), target=D("0.9")
    )
    assert pts == {1: 0, 2: D(20)}
    assert rules.total_points([D(25), D(15), D(20)], deducted=D(5)) == D(55)
    assert rules.total_points([D(2)], deducted=D(5)) == 0
    assert rules.total_points([D(90)], vetoed=True) == 0
    assert rules.points(D(2) / D(3) * 30) == D("20.00")
