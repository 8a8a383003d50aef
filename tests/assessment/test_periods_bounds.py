"""A period whose year is out of range is refused before any date is built (never a 500)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from quanyu.assessment.periods import parse_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw", ["0000", "9999", "0000-01", "9999-12", "0000-Q1", "9999-Q4", "1999", "2101-01"]
)
def test_out_of_range_years_are_a_validation_error(raw):
    with pytest.raises(ValidationError) as exc:
        parse_period(raw)
    assert "period" in exc.value.message_dict


def test_bounds_still_parse():
    assert parse_period("2000").key == "2000"
    assert parse_period("2100-12").key == "2100-12"
    assert parse_period("2100-Q4").end.year == 2101
    with pytest.raises(ValidationError):
        parse_period("2025-13")


@pytest.mark.parametrize("raw", ["0000", "9999", "9999-12", "0000-Q1"])
def test_ranking_page_answers_with_the_error(people, raw):
    client = Client()
    client.force_login(people["org_dept"])
    response = client.get(f"/assessment/departments/?period={raw}")
    assert response.status_code == 200
    assert "2000" in response.content.decode()  # the message names the allowed years
