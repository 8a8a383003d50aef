"""``registry.rollup_by_path``: rows summed into every target whose path is a prefix of theirs,
with ``Figure.__add__``'s rules (a denominator is None only if every row's is)."""

from __future__ import annotations

from decimal import Decimal as D

from quanyu.assessment.indicators.registry import AREA, ZERO, Figure, Target, deepest, rollup_by_path

CITY, STREET, OTHER, COMMUNITY = (
    Target(AREA, 1, "市", "0001"),
    Target(AREA, 2, "街道", "00010001"),
    Target(AREA, 3, "另一街道", "00010002"),
    Target(AREA, 4, "社区", "000100010001"),
)


def by_adding(parts, targets):
    """The reference: each row made a Figure and added to every target above it."""
    out = {t.pk: ZERO for t in targets}
    for path, num, den in parts:
        for t in targets:
            if path.startswith(t.path):
                out[t.pk] = out[t.pk] + Figure(D(num), None if den is None else D(den))
    return out


def test_rows_sum_into_every_target_above_them():
    parts = [
        ("0001000100010001", D(2), D(4)),
        ("0001000100010002", D(1), None),
        ("00010001", D(3), D(3)),
        ("0002", D(9), D(9)),  # under no target
    ]
    targets = [CITY, STREET, OTHER, COMMUNITY]
    got = rollup_by_path(parts, targets)
    assert got == by_adding(parts, targets)
    assert got[1] == Figure(D(6), D(7))
    assert got[4] == Figure(D(3), D(4))
    assert got[3] == ZERO


def test_plain_counts_keep_no_denominator_and_a_repeated_path_gets_the_same_figure():
    twin = Target(AREA, 5, "同一街道", STREET.path)
    parts = [("000100010001", D(2), None), ("000100010002", D(5), None)]
    got = rollup_by_path(parts, [CITY, STREET, twin])
    assert got[1] == got[2] == got[5] == Figure(D(7), None)
    assert got[1].value == D(7)


def test_deepest_is_the_longest_target_path():
    assert deepest([CITY, STREET, COMMUNITY]) == len(COMMUNITY.path)
    assert deepest([]) == 0
