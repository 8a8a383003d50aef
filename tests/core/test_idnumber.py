import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from quanyu.core.idnumber import id_birth_date, id_check_digit, id_gender, validate_id_number, validate_mobile

# 11010519491231002X is the worked example of GB 11643-1999; the others are built with its rule.
VALID = ["11010519491231002X", "440524198001010013", "110101199003070038"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert validate_id_number(number) == number


def test_lower_case_x_is_normalised():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_wrong_check_digit():
    with pytest.raises(ValidationError) as err:
        validate_id_number("110105194912310021")
    assert err.value.code == "check_digit"


def test_impossible_birth_date():
    first17 = "11010519490230002"  # 30 February
    with pytest.raises(ValidationError) as err:
        validate_id_number(first17 + id_check_digit(first17))
    assert err.value.code == "birth"


def test_future_birth_date():
    first17 = "11010520990101002"
    with pytest.raises(ValidationError) as err:
        validate_id_number(first17 + id_check_digit(first17), today=dt.date(2026, 1, 1))
    assert err.value.code == "birth"


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", ""])
def test_wrong_length(number):
    with pytest.raises(ValidationError) as err:
        validate_id_number(number)
    assert err.value.code == "length"


def test_letters_inside_rejected():
    with pytest.raises(ValidationError) as err:
        validate_id_number("1101051949123A002X")
    assert err.value.code == "chars"


def test_birth_date_and_gender():
    assert id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "F"
    assert id_gender("440524198001010013") == "M"


@pytest.mark.parametrize(
    "raw,expected", [("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678")]
)
def test_mobile_ok(raw, expected):
    assert validate_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "0535-1234567", "abc"])
def test_mobile_bad(raw):
    with pytest.raises(ValidationError):
        validate_mobile(raw)
