"""The bounded integer helpers every URL parameter goes through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quanyu.core.params import MAX_DB_INT, parse_int, parse_year, require_int, require_year

HUGE = "9" * 30


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (7, 7),
        (str(MAX_DB_INT), MAX_DB_INT),
        (str(MAX_DB_INT + 1), None),
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("1.5", None),
        ("1e3", None),
        ("1_000", None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


def test_parse_int_custom_bounds():
    assert parse_int("0", lo=0, hi=10) == 0
    assert parse_int("11", lo=0, hi=10) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025", 2025),
        ("2000", 2000),
        ("2100", 2100),
        ("1999", None),
        ("2101", None),
        ("99999", None),
        ("0000", None),
    ],
)
def test_parse_year(raw, expected):
    assert parse_year(raw) == expected


def test_require_names_the_field():
    assert require_int("", field="branch") is None
    assert require_int("12", field="branch") == 12
    with pytest.raises(ValidationError) as exc:
        require_int(HUGE, field="branch")
    assert "branch" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        require_year("99999")
    assert "year" in exc.value.message_dict
    assert require_year("2024") == 2024
