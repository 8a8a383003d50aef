"""Cell validators of the organisation sheets: credit codes, phone numbers, dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.idnumber import normalize_phone

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: Any) -> str:
    """The normalised unified social credit code (统一社会信用代码) or ValidationError."""
    code = str(value or "").strip().replace(" ", "").upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)})
    if not _CREDIT_RE.match(code):
        raise ValidationError(_("统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z，第3-8位为数字）"))
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位错误（应为%(c)s）") % {"c": credit_check_char(code[:17])}
        )
    return code


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area codes: 010 and 020–029 have three digits, the others four.
_LANDLINE_RE = re.compile(
    r"^(01\d|02\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:(?:-|转|#|ext\.?)(\d{1,6}))?$", re.IGNORECASE
)
_SERVICE_RE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


def validate_phone(value: Any) -> str:
    """A mainland mobile number, a landline with area code (0535-6661234, extension allowed) or a
    400/800 number, normalised; ValidationError otherwise."""
    raw = str(value or "").strip()
    text = re.sub(r"[\s()（）]", "", raw)
    if text.startswith("+86"):
        text = text[3:]
    mobile = normalize_phone(text)
    if _MOBILE_RE.match(mobile):
        return mobile
    match = _LANDLINE_RE.match(text)
    if match:
        area_code, number, extension = match.groups()
        return f"{area_code}-{number}" + (f"-{extension}" if extension else "")
    match = _SERVICE_RE.match(text)
    if match:
        return "-".join(match.groups())
    raise ValidationError(_("联系电话“%(v)s”格式不正确：应为手机号或带区号的固定电话") % {"v": raw})


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for separator in ("-", "/", ".", "年"):
        text = text.replace(separator, "-")
    text = text.replace("月", "-").replace("日", "").strip("-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("日期“%(v)s”无法识别，应为 2024-01-01 这样的格式") % {"v": value}) from None
