"""Indicators from the micro-wishes (app ``wishes``).

Areas: ``wishes.realised_per_1000`` — wishes realised (confirmed, on the local day of their
confirmation, as ``wishes.figures`` counts them) in the period by the wish's community / the
residents of the area in thousands (the population of its grids, as the area register sums it).
Both parts add up from grids and communities to every level."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment.indicators.registry import (
    AREA,
    Figure,
    Provider,
    Target,
    common_path,
    register,
    rollup_by_path,
)
from quanyu.assessment.periods import Period
from quanyu.wishes.models import Wish
from quanyu.wishes.selectors import wish_list_for
from quanyu.wishes.states import WishStatus

THOUSAND = Decimal(1000)


def population_by_path(under: str, shared: dict[str, Any]) -> list[tuple[str, int]]:
    """The population of each grid under ``under`` (read once per run)."""
    key = f"areas.population.{under}"
    if key not in shared:
        shared[key] = list(
            Area.objects.filter(kind=AreaKind.GRID, path__startswith=under).values_list("path", "population")
        )
    return shared[key]


def _realised(period: Period) -> QuerySet[Wish]:
    return Wish.objects.filter(
        status=WishStatus.CONFIRMED, confirmed_at__gte=period.start_at, confirmed_at__lt=period.end_at
    )


def _realised_per_1000(
    targets: Sequence[Target], period: Period, shared: dict[str, Any]
) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    under = common_path(areas)
    rows = (
        _realised(period)
        .filter(scope_path__startswith=under)
        .values("scope_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    done = rollup_by_path(((r["scope_path"], Decimal(r["n"]), None) for r in rows), areas)
    people = rollup_by_path(((p, Decimal(n or 0), None) for p, n in population_by_path(under, shared)), areas)
    return {t.pk: Figure(done[t.pk].numerator, people[t.pk].numerator / THOUSAND) for t in areas}


def _rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return wish_list_for(actor=actor).filter(
        status=WishStatus.CONFIRMED,
        confirmed_at__gte=period.start_at,
        confirmed_at__lt=period.end_at,
        scope_path__startswith=target.path,
    )


def _describe(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.community.name} {obj.public_text or obj.get_kind_display()}", "", []


register(
    Provider(
        key="wishes.realised_per_1000",
        label=_("每千名居民实现微心愿"),
        unit="个/千人",
        kinds=frozenset({AREA}),
        compute=_realised_per_1000,
        rows=_rows,
        describe=_describe,
    )
)
