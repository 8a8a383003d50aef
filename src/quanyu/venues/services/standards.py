"""Standards profiles: seed the cities' profiles, save a profile (admin / organisation department)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.venues.access import require_standard_editor
from quanyu.venues.models import RoomFunction, StandardProfile, VenueKind
from quanyu.venues.standards import SEEDED


def profiles_seed() -> list[StandardProfile]:
    """Create the seeded profiles (Lianyungang, Yangquan) that do not exist yet; idempotent."""
    made = []
    for spec in SEEDED:
        profile, _created = StandardProfile.objects.get_or_create(code=spec["code"], defaults=dict(spec))
        made.append(profile)
    return made


def _kinds(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or any(k not in VenueKind.values for k in value):
        raise ValidationError({field: [_("应为阵地类型列表")]})
    return list(value)


def clean_profile(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out and not (out["name"] or "").strip():
        raise ValidationError({"name": [_("名称不能为空")]})
    if "min_area" in out:
        table = out["min_area"]
        if not isinstance(table, dict) or any(k not in VenueKind.values for k in table):
            raise ValidationError({"min_area": [_("应为“阵地类型: 面积”")]})
        for kind, m2 in table.items():
            if isinstance(m2, bool) or not isinstance(m2, int | float) or not 0 <= m2 <= 1_000_000:
                raise ValidationError({"min_area": [_("%(k)s的面积应为0到1000000") % {"k": kind}]})
    for field in ("ground_floor_kinds", "function_kinds", "household_kinds"):
        if field in out:
            out[field] = _kinds(out[field], field)
    if "required_functions" in out and (
        not isinstance(out["required_functions"], list)
        or any(f not in RoomFunction.values for f in out["required_functions"])
    ):
        raise ValidationError({"required_functions": [_("应为功能室功能列表")]})
    for field, high in (("ground_floor_share", Decimal(1)), ("area_per_100_households", Decimal(1000))):
        if field in out:
            try:
                number = Decimal(str(out[field]))
            except (InvalidOperation, ValueError):
                raise ValidationError({field: [_("应为数字")]}) from None
            if not number.is_finite() or not 0 <= number <= high:
                raise ValidationError({field: [_("应在0到%(h)s之间") % {"h": high}]})
            out[field] = number
    if "yearly_targets" in out:
        targets = out["yearly_targets"]
        if not isinstance(targets, dict) or any(
            not str(k).isdigit() or isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1
            for k, v in targets.items()
        ):
            raise ValidationError({"yearly_targets": [_("应为“年次: 0到1的达标比例”")]})
    return out


PROFILE_FIELDS = (
    "name",
    "source",
    "min_area",
    "ground_floor_share",
    "ground_floor_kinds",
    "required_functions",
    "function_kinds",
    "area_per_100_households",
    "household_kinds",
    "yearly_targets",
)


def profile_save(*, actor: Any, code: str, **fields: Any) -> StandardProfile:
    """Create or change the profile ``code``."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("不能设置该字段")]})
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 40:
        raise ValidationError({"code": [_("代码应为字母、数字、下划线或连字符")]})
    values = clean_profile(fields)
    require_standard_editor(actor)
    with transaction.atomic():
        profile, _created = StandardProfile.objects.select_for_update().get_or_create(
            code=code, defaults={"name": values.get("name") or code}
        )
        for field, value in values.items():
            setattr(profile, field, value)
        profile.save()
        return profile


def profile_make_default(*, actor: Any, profile: StandardProfile) -> StandardProfile:
    require_standard_editor(actor)
    with transaction.atomic():
        StandardProfile.objects.exclude(pk=profile.pk).filter(is_default=True).update(is_default=False)
        StandardProfile.objects.filter(pk=profile.pk).update(is_default=True)
        profile.refresh_from_db()
        return profile
