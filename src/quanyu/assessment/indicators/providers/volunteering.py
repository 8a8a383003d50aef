"""Indicators from volunteer service (app ``volunteering``).

Areas: ``volunteering.hours_per_volunteer`` — service hours recognised (认定: hours status
approved) for activities that started in the period, by the volunteer's community / volunteers
registered in the area. Both parts add up from communities to every level."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

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
from quanyu.volunteering.models import Signup, Volunteer
from quanyu.volunteering.selectors import signup_list_for
from quanyu.volunteering.states import HoursStatus

MINUTES = Decimal(60)


def _recognised(period: Period) -> QuerySet[Signup]:
    return Signup.objects.filter(
        hours_status=HoursStatus.APPROVED,
        activity__starts_at__gte=period.start_at,
        activity__starts_at__lt=period.end_at,
    )


def _hours(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    under = common_path(areas)
    minutes = (
        _recognised(period)
        .filter(volunteer__scope_path__startswith=under)
        .values("volunteer__scope_path")
        .annotate(m=Sum("minutes"))
        .order_by()
    )
    heads = (
        Volunteer.objects.filter(scope_path__startswith=under)
        .values("scope_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    got = rollup_by_path(
        ((r["volunteer__scope_path"], Decimal(r["m"] or 0) / MINUTES, None) for r in minutes), areas
    )
    people = rollup_by_path(((r["scope_path"], Decimal(r["n"]), None) for r in heads), areas)
    return {t.pk: Figure(got[t.pk].numerator, people[t.pk].numerator) for t in areas}


def _rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return signup_list_for(actor=actor, hours_status=HoursStatus.APPROVED).filter(
        activity__starts_at__gte=period.start_at,
        activity__starts_at__lt=period.end_at,
        volunteer__scope_path__startswith=target.path,
    )


def _describe(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.activity.title} {obj.volunteer.name} {obj.hours}h", "", []


register(
    Provider(
        key="volunteering.hours_per_volunteer",
        label=_("志愿者人均服务时长"),
        unit="小时/人",
        kinds=frozenset({AREA}),
        compute=_hours,
        rows=_rows,
        describe=_describe,
    )
)
