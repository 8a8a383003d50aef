"""Validators for Chinese resident ID numbers (GB 11643-1999) and mobile phone numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_birth_date(value: str) -> dt.date:
    """The birth date encoded in a (valid) 18-character ID number."""
    number = normalize_id_number(value)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(value: str) -> str:
    """'M' or 'F' from the sequence code's parity (digit 17)."""
    return "M" if int(normalize_id_number(value)[16]) % 2 else "F"


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised ID number or raise ValidationError saying what is wrong."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位，实际为%(n)d位") % {"n": len(number)}, code="length")
    if not _ID_RE.match(number):
        raise ValidationError(_("身份证号只能由数字和末位X组成"), code="chars")
    try:
        born = id_birth_date(number)
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期%(d)s不存在") % {"d": number[6:14]}, code="birth"
        ) from None
    today = today or dt.date.today()
    if born > today or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期%(d)s不合理") % {"d": number[6:14]}, code="birth")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位错误"), code="check_digit")
    return number


def normalize_phone(value: str) -> str:
    number = re.sub(r"[\s-]", "", (value or "").strip())
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    return number


def validate_mobile(value: str) -> str:
    """Return the normalised mainland mobile number or raise ValidationError."""
    number = normalize_phone(value)
    if not _MOBILE_RE.match(number):
        raise ValidationError(_("手机号格式不正确：应为1开头的11位数字"), code="mobile")
    return number
