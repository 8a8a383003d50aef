"""The score and the ranking as plain arithmetic (no database)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from quanyu.assessment.periods import parse_period, recent_months
from quanyu.assessment.scoring import Counts, Rules, make_row, rank_rows, score_of

RULES = Rules()


def test_score_is_exact_10_40_50():
    counts = Counts(received=3, responded_in_time=2, resolved_in_time=1, rated=2, rated_satisfied=1)
    response, completion, satisfaction, score = score_of(counts, RULES)
    assert (response, completion, satisfaction) == (Fraction(2, 3), Fraction(1, 3), Fraction(1, 2))
    # 10·2/3 + 40·1/3 + 50·1/2 = 20/3 + 40/3 + 25 = 45 exactly (no rounding of the rates first).
    assert score == 45
    row = make_row(1, "甲", counts, RULES)
    assert row.response_rate == Decimal("0.6667")
    assert row.completion_rate == Decimal("0.3333")
    assert row.satisfaction_rate == Decimal("0.5000")
    assert row.score == Decimal("45.00")


def test_basically_satisfied_is_a_setting():
    counts = Counts(
        received=4, responded_in_time=4, resolved_in_time=4, rated=4, rated_satisfied=1, rated_basically=2
    )
    assert make_row(1, "甲", counts, RULES).satisfaction_rate == Decimal("0.7500")
    strict = Rules(basically_counts=False)
    assert make_row(1, "甲", counts, strict).satisfaction_rate == Decimal("0.2500")
    assert make_row(1, "甲", counts, strict).score == Decimal("62.50")  # 10 + 40 + 12.5


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("rescale", Decimal("50.00")), ("full", Decimal("75.00")), ("zero", Decimal("25.00"))],
)
def test_department_without_ratings(policy, expected):
    counts = Counts(received=2, responded_in_time=1, resolved_in_time=1)
    row = make_row(1, "甲", counts, Rules(no_rating_policy=policy))
    assert row.satisfaction_rate is None
    assert row.score == expected


def test_weights_change_the_score():
    counts = Counts(received=1, responded_in_time=1, resolved_in_time=0, rated=1, rated_satisfied=1)
    assert make_row(1, "甲", counts, Rules(30, 30, 40)).score == Decimal("70.00")


def test_ties_share_a_rank_and_order_is_deterministic():
    full = Counts(received=2, responded_in_time=2, resolved_in_time=2, rated=2, rated_satisfied=2)
    half = Counts(received=2, responded_in_time=1, resolved_in_time=1, rated=2, rated_satisfied=1)
    big_half = Counts(received=4, responded_in_time=2, resolved_in_time=2, rated=4, rated_satisfied=2)
    rows = [
        make_row(4, "丁", half, RULES),
        make_row(3, "丙", big_half, RULES),
        make_row(2, "乙", half, RULES),
        make_row(9, "无呼叫", Counts(), RULES),
        make_row(1, "甲", full, RULES),
        make_row(5, "戊", Counts(received=1), RULES),
    ]
    ranked = rank_rows(rows)
    assert [(r.department_id, r.rank) for r in ranked] == [(1, 1), (3, 2), (4, 2), (2, 2), (5, 5), (9, None)]
    # Same input in another order: the same answer.
    assert [r.department_id for r in rank_rows(reversed(rows))] == [r.department_id for r in ranked]


def test_scores_equal_after_rounding_tie():
    # 1/3 vs 3333/10000 of a weight of 100: both 33.33 after rounding → same rank.
    a = make_row(1, "甲", Counts(received=3, resolved_in_time=1), Rules(0, 100, 0))
    b = make_row(2, "乙", Counts(received=10000, resolved_in_time=3333), Rules(0, 100, 0))
    assert a.score == b.score == Decimal("33.33")
    assert [r.rank for r in rank_rows([a, b])] == [1, 1]


@pytest.mark.parametrize(
    ("text", "key", "start", "end"),
    [
        ("2025-03", "2025-03", "2025-03-01", "2025-04-01"),
        ("2025-3", "2025-03", "2025-03-01", "2025-04-01"),
        ("2025-12", "2025-12", "2025-12-01", "2026-01-01"),
        ("2025-Q4", "2025-Q4", "2025-10-01", "2026-01-01"),
        ("2025-q1", "2025-Q1", "2025-01-01", "2025-04-01"),
        ("2025", "2025", "2025-01-01", "2026-01-01"),
    ],
)
def test_periods(text, key, start, end):
    p = parse_period(text)
    assert (p.key, p.start.isoformat(), p.end.isoformat()) == (key, start, end)


@pytest.mark.parametrize("text", ["", "2025-13", "2025-00", "2025-Q5", "25-01", "2025/01", "1999", "x" * 50])
def test_bad_periods_name_the_field(text):
    with pytest.raises(ValidationError) as info:
        parse_period(text)
    assert "period" in info.value.message_dict


def test_recent_months_cross_the_year():
    import datetime as dt

    keys = [p.key for p in recent_months(3, dt.date(2025, 2, 14))]
    assert keys == ["2025-02", "2025-01", "2024-12"]
