"""Plain-input checks shared by the services: each failure names its field in Chinese (→ 400)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if len(cleaned) > max_length:
        raise ValidationError({field: _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length}})
    return cleaned


def date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field: _("%(label)s不是有效日期") % {"label": label}}) from None


def number(value: Any, field: str, label: str, *, low: float, high: float) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("%(label)s必须是数字") % {"label": label}}) from None
    if not result.is_finite() or not low <= result <= high:
        raise ValidationError(
            {field: _("%(label)s必须在%(low)s到%(high)s之间") % {"label": label, "low": low, "high": high}}
        )
    return result


def percent(value: Any, field: str) -> int:
    try:
        result = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("进度必须是0到100的整数")}) from None
    if not 0 <= result <= 100:
        raise ValidationError({field: _("进度必须是0到100的整数")})
    return result
