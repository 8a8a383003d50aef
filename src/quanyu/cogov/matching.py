"""Matching (资源匹配): a community's need of one kind (venue, funds, people, equipment, expertise)
against what the units in its street offer under their co-building contracts, nearest first — as
suggestions for the community to follow up, never as an assignment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov.models import Contract, ResourceKind
from quanyu.cogov.states import ContractStatus

OFFERING = (
    ContractStatus.SIGNED,
    ContractStatus.SUPERVISED,
    ContractStatus.EVALUATED,
    ContractStatus.RENEWED,
)
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    unit: str
    kind: str
    text: str
    contract_id: int
    year: int
    distance_m: int | None
    already_partner: bool


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def suggest(*, community: Area, kind: str, limit: int = 20) -> list[Suggestion]:
    """The offers of ``kind`` by units under contract in the community's street (latest contract per
    unit), nearest first (units without coordinates last), partners of this community marked."""
    if community.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": _("请选择社区")})
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": _("资源类型无效")})
    street_path = community.path[: len(community.path) - Area.steplen]
    contracts = (
        Contract.objects.filter(area__path__startswith=street_path, status__in=OFFERING)
        .prefetch_related("units")
        .order_by("-year", "-id")
    )
    partners: set[int] = set()
    seen: dict[tuple[int, str], Suggestion] = {}
    here = (community.lon, community.lat) if community.lon is not None and community.lat is not None else None
    for contract in contracts.iterator(chunk_size=200):
        units = list(contract.units.all())
        if contract.area_id == community.pk:
            partners.update(u.pk for u in units)
        for offer in contract.offers or []:
            if not isinstance(offer, dict) or offer.get("kind") != kind:
                continue
            for unit in units:
                key = (unit.pk, str(offer.get("text", "")))
                if key in seen:
                    continue
                far = None
                if here and unit.lon is not None and unit.lat is not None:
                    far = round(distance_m(here[0], here[1], unit.lon, unit.lat))
                seen[key] = Suggestion(
                    unit.pk,
                    unit.name,
                    kind,
                    str(offer.get("text", "")),
                    contract.pk,
                    contract.year,
                    far,
                    False,
                )
    rows = [Suggestion(**{**s.__dict__, "already_partner": s.unit_id in partners}) for s in seen.values()]
    rows.sort(key=lambda s: (s.distance_m is None, s.distance_m or 0, s.unit))
    return rows[:limit]


def as_dict(s: Suggestion) -> dict[str, Any]:
    return dict(s.__dict__)
