"""The standards profiles seeded from the city reports, and the compliance check (pure functions).

Sources (/work/shared/seeds/, PRODUCT.md's city reports):

- **Lianyungang** (004_d5bd8193871cfdfb.txt, 连云港市 "党建阵地达标建设"): "要求新建街道党建阵地面积不低于
  1500平方米，社区党建阵地面积力争超过1000平方米，并且一层建筑面积不小于总面积50%"; the 一区五中心 layout
  "党员活动中心、协商议事中心、公共安全服务中心、文体活动中心、为民(便民)服务中心和基本情况展示区"; the
  three-year plan "首年60%达标，次年80%达标，第三年100%达标".
- **Yangquan** (000_f3c7ff17adbfc41f.txt, 阳泉市): "全市500平米以上的活动场所高达94.5%以上" — 500 m² as the
  centres' floor.
- Both carry the 完整社区 rule (住房和城乡建设部《完整社区建设指南》, 2022): at least 30 m² of community
  service floor per 100 households, applied to community centres.

A minimum is met at exactly the figure ("不低于", "不小于"); Lianyungang's "力争超过1000" is read as
the same floor of 1,000 m².
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

RULE_LABELS = {
    "min_area": _("建筑面积"),
    "ground_floor": _("一层面积"),
    "functions": _("功能室"),
    "households": _("每百户面积"),
}

SIX_FUNCTIONS = [
    "party_activity",
    "deliberation",
    "public_safety",
    "culture_sports",
    "citizen_service",
    "exhibition",
]

LIANYUNGANG: dict[str, Any] = {
    "code": "lianyungang",
    "name": "连云港标准（党建阵地达标建设三年行动计划）",
    "source": "seeds/004_d5bd8193871cfdfb.txt：新建街道党建阵地面积不低于1500平方米，社区党建阵地面积力争超过"
    "1000平方米，一层建筑面积不小于总面积50%；一区五中心；首年60%、次年80%、第三年100%达标。"
    "每百户30平方米：《完整社区建设指南》（2022）。",
    "min_area": {"street_centre": 1500, "community_centre": 1000},
    "ground_floor_share": Decimal("0.5"),
    "ground_floor_kinds": ["street_centre", "community_centre"],
    "required_functions": SIX_FUNCTIONS,
    "function_kinds": ["community_centre"],
    "area_per_100_households": Decimal("30"),
    "household_kinds": ["community_centre"],
    "yearly_targets": {"1": 0.6, "2": 0.8, "3": 1.0},
    "is_default": True,
}

YANGQUAN: dict[str, Any] = {
    "code": "yangquan",
    "name": "阳泉标准（500平方米以上）",
    "source": "seeds/000_f3c7ff17adbfc41f.txt：全市500平米以上的活动场所高达94.5%以上。"
    "每百户30平方米：《完整社区建设指南》（2022）。",
    "min_area": {"street_centre": 500, "community_centre": 500},
    "ground_floor_share": Decimal("0"),
    "ground_floor_kinds": [],
    "required_functions": [],
    "function_kinds": [],
    "area_per_100_households": Decimal("30"),
    "household_kinds": ["community_centre"],
    "yearly_targets": {},
    "is_default": False,
}

SEEDED = (LIANYUNGANG, YANGQUAN)


@dataclass(frozen=True)
class Failure:
    rule: str  # min_area | ground_floor | functions | households
    required: str
    actual: str
    short: str  # by how much (m², share or the missing functions)

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "label": str(RULE_LABELS[self.rule]),
            "required": self.required,
            "actual": self.actual,
            "short": self.short,
        }


def _m2(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def check_venue(
    *,
    profile: Any,
    kind: str,
    floor_area: Decimal,
    ground_floor_area: Decimal,
    functions: set[str],
    households: int,
) -> list[Failure]:
    """What the venue fails under ``profile`` (empty: compliant). Every minimum is inclusive."""
    failures: list[Failure] = []
    floor_area = Decimal(floor_area)
    minimum = profile.min_area.get(kind)
    if minimum is not None and floor_area < Decimal(str(minimum)):
        need = Decimal(str(minimum))
        failures.append(Failure("min_area", _m2(need), _m2(floor_area), _m2(need - floor_area)))
    share = Decimal(profile.ground_floor_share or 0)
    if share and kind in profile.ground_floor_kinds:
        need = floor_area * share
        ground = Decimal(ground_floor_area)
        if ground < need:
            failures.append(Failure("ground_floor", _m2(need), _m2(ground), _m2(need - ground)))
    if kind in profile.function_kinds:
        missing = [f for f in profile.required_functions if f not in functions]
        if missing:
            failures.append(
                Failure(
                    "functions",
                    ",".join(profile.required_functions),
                    ",".join(sorted(functions)),
                    ",".join(missing),
                )
            )
    per_100 = Decimal(profile.area_per_100_households or 0)
    if per_100 and kind in profile.household_kinds and households:
        need = per_100 * Decimal(households) / Decimal(100)
        if floor_area < need:
            failures.append(Failure("households", _m2(need), _m2(floor_area), _m2(need - floor_area)))
    return failures


def applies(profile: Any, kind: str) -> bool:
    """Whether the profile judges venues of ``kind`` at all (centres with a minimum area, …)."""
    return (
        kind in profile.min_area
        or kind in profile.ground_floor_kinds
        or kind in profile.function_kinds
        or kind in profile.household_kinds
    )


def target_for(profile: Any, *, year_of_plan: int) -> float | None:
    """The plan's target share for its ``year_of_plan``-th year (1 = the first), None past the plan."""
    value = profile.yearly_targets.get(str(year_of_plan))
    return float(value) if value is not None else None
