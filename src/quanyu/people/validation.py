"""Field checks shared by the services and the importers. Each returns the cleaned value or raises
``FieldError`` naming the field (its Chinese header) and the reason in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.idnumber import id_birth_date, id_gender, validate_id_number, validate_mobile
from quanyu.people.models import Gender, MemberCategory, MemberStatus, ProtectedTag


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


GENDER_TEXT = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
CATEGORY_TEXT = (
    {str(c.label): c.value for c in MemberCategory}
    | {
        "社区": MemberCategory.COMMUNITY,
        "在职": MemberCategory.IN_SERVICE,
        "离退休": MemberCategory.RETIRED,
        "退休": MemberCategory.RETIRED,
        "流动": MemberCategory.FLOATING,
        "企业": MemberCategory.ENTERPRISE,
    }
    | {c.value: c.value for c in MemberCategory}
)
STATUS_TEXT = (
    {str(s.label): s.value for s in MemberStatus}
    | {
        "正式": MemberStatus.FORMAL,
        "预备": MemberStatus.PROBATIONARY,
    }
    | {s.value: s.value for s in MemberStatus}
)
TAG_TEXT = {str(t.label): t.value for t in ProtectedTag} | {t.value: t.value for t in ProtectedTag}


def clean_name(value: Any) -> str:
    name = str(value or "").strip()
    if not name:
        raise FieldError("姓名", _("姓名不能为空"))
    if len(name) > 50:
        raise FieldError("姓名", _("姓名过长（最多50个字）"))
    return name


def clean_id_number(value: Any, *, today: dt.date | None = None) -> tuple[str, dt.date, str]:
    """(normalised ID, birth date, gender code)."""
    try:
        number = validate_id_number(str(value or ""), today=today)
    except ValidationError as exc:
        raise FieldError("身份证号", exc.messages[0]) from None
    return number, id_birth_date(number), id_gender(number)


def clean_gender(value: Any, *, from_id: str) -> str:
    text = str(value or "").strip()
    if not text:
        return from_id
    gender = GENDER_TEXT.get(text.upper() if len(text) == 1 else text)
    if gender is None:
        raise FieldError("性别", _("性别应为“男”或“女”"))
    if from_id and gender != from_id:
        raise FieldError("性别", _("性别与身份证号不符"))
    return gender


def clean_phone(value: Any, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if not text:
        if required:
            raise FieldError("手机号", _("手机号不能为空"))
        return ""
    try:
        return validate_mobile(text)
    except ValidationError as exc:
        raise FieldError("手机号", exc.messages[0]) from None


def clean_category(value: Any) -> str:
    category = CATEGORY_TEXT.get(str(value or "").strip())
    if category is None:
        raise FieldError(
            "党员类别",
            _("党员类别应为以下之一：%(v)s") % {"v": "、".join(str(c.label) for c in MemberCategory)},
        )
    return category


def clean_status(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return MemberStatus.FORMAL
    status = STATUS_TEXT.get(text)
    if status is None:
        raise FieldError("党员状态", _("党员状态应为“正式党员”或“预备党员”"))
    return status


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _parse_date_text(text: str) -> dt.date | None:
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def clean_date(
    value: Any, *, field: str, required: bool = False, today: dt.date | None = None
) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise FieldError(field, _("%(f)s不能为空") % {"f": field})
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        parsed = _parse_date_text(text)
        if parsed is None:
            raise FieldError(field, _("日期“%(v)s”无法识别，请写成 2020-07-01") % {"v": text})
        day = parsed
    if day > (today or dt.date.today()) or day.year < 1921:
        raise FieldError(field, _("日期%(d)s不合理") % {"d": day.isoformat()})
    return day


def clean_tags(value: Any) -> str:
    """'空巢老人、低收入' → ',elderly_alone,low_income,'."""
    text = str(value or "").strip()
    if not text:
        return ""
    codes = []
    for part in text.replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code = TAG_TEXT.get(part)
        if code is None:
            raise FieldError(
                "标签",
                _("未知标签“%(t)s”，可选：%(v)s")
                % {"t": part, "v": "、".join(str(t.label) for t in ProtectedTag)},
            )
        if code not in codes:
            codes.append(code)
    return "," + ",".join(codes) + ","
