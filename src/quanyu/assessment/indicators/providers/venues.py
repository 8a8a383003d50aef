"""Indicators from the party-service venues (app ``venues``).

Areas (venues located in the area; closed venues are left out):

* ``venues.compliance`` — venues compliant with the default standard profile (阵地建设标准: floor
  area, ground-floor share, required functions, area per 100 households, as
  ``venues.standards.check_venue`` judges them) / venues the profile applies to;
* ``venues.use`` — hours of bookings used (已使用) that started in the period / venues in use
  (hours per venue);
* ``venues.cold_share`` — venues in use that were "cold" over the period (重管轻用: built, then
  hardly used — fewer used hours per week on average than ``VENUES_COLD_HOURS_PER_WEEK``, the
  threshold of the venues' own warning) / venues in use; lower is better.

Both parts of each add up from the venues' areas to every level."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
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
from quanyu.venues import conf as venues_conf
from quanyu.venues.models import Booking, Room, Venue
from quanyu.venues.selectors import booking_list_for, default_profile, venue_list_for
from quanyu.venues.standards import applies, check_venue
from quanyu.venues.states import BookingStatus, VenueStatus

HOUR = Decimal(3600)


def _households(paths: set[str], under: str) -> dict[str, int]:
    """Households of each venue area: its own figure, else the sum over its grids (two queries)."""
    own = dict(Area.objects.filter(path__in=paths).values_list("path", "households"))
    grids = list(
        Area.objects.filter(kind=AreaKind.GRID, path__startswith=under, households__gt=0).values_list(
            "path", "households"
        )
    )
    return {p: own.get(p) or sum(n for g, n in grids if g.startswith(p)) for p in paths}


def _compliance(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    profile = default_profile()
    if profile is None:
        return {}
    under = common_path(areas)
    venues = [
        v
        for v in Venue.objects.filter(area__path__startswith=under)
        .exclude(status=VenueStatus.CLOSED)
        .values("pk", "kind", "floor_area", "ground_floor_area", "area__path")
        if applies(profile, v["kind"])
    ]
    functions: dict[int, set[str]] = defaultdict(set)
    for venue_id, function in Room.objects.filter(venue_id__in=[v["pk"] for v in venues]).values_list(
        "venue_id", "function"
    ):
        functions[venue_id].add(function)
    households = _households({v["area__path"] for v in venues}, under)
    parts = []
    for v in venues:
        failures = check_venue(
            profile=profile,
            kind=v["kind"],
            floor_area=v["floor_area"],
            ground_floor_area=v["ground_floor_area"],
            functions=functions[v["pk"]],
            households=households.get(v["area__path"], 0),
        )
        parts.append((v["area__path"], Decimal(0 if failures else 1), Decimal(1)))
    return rollup_by_path(parts, areas)


def _used(under: str, period: Period, shared: dict[str, Any]) -> list[tuple[int, str, Decimal]]:
    """(venue, its area's path, hours) of each used booking under ``under`` that started in the
    period: read once per run for ``venues.use`` and ``venues.cold_share``."""
    key = f"venues.used.{period.key}.{under}"
    if key not in shared:
        shared[key] = [
            (venue_id, path, Decimal((end - start).total_seconds()) / HOUR)
            for venue_id, path, start, end in Booking.objects.filter(
                status=BookingStatus.USED,
                starts_at__gte=period.start_at,
                starts_at__lt=period.end_at,
                venue__area__path__startswith=under,
            ).values_list("venue_id", "venue__area__path", "starts_at", "ends_at")
        ]
    return shared[key]


def _in_use(under: str, shared: dict[str, Any]) -> list[tuple[int, str]]:
    """(venue, its area's path) of each venue in use under ``under``, read once per run."""
    key = f"venues.in_use.{under}"
    if key not in shared:
        shared[key] = list(
            Venue.objects.filter(status=VenueStatus.IN_USE, area__path__startswith=under).values_list(
                "pk", "area__path"
            )
        )
    return shared[key]


def _use(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    under = common_path(areas)
    hours = rollup_by_path(((path, h, None) for _pk, path, h in _used(under, period, shared)), areas)
    venues = rollup_by_path(((path, Decimal(1), None) for _pk, path in _in_use(under, shared)), areas)
    return {t.pk: Figure(hours[t.pk].numerator, venues[t.pk].numerator) for t in areas}


def _cold_ids(under: str, period: Period, shared: dict[str, Any]) -> tuple[list[tuple[int, str]], set[int]]:
    """The in-use venues under ``under`` (id, area path) and those cold over ``period``."""
    weeks = Decimal((period.end - period.start).days) / 7
    floor = Decimal(str(venues_conf.get("VENUES_COLD_HOURS_PER_WEEK"))) * weeks
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for venue_id, _path, h in _used(under, period, shared):
        hours[venue_id] += h
    venues = _in_use(under, shared)
    return venues, {pk for pk, _path in venues if hours[pk] < floor}


def _cold_share(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    areas = [t for t in targets if t.kind == AREA]
    venues, cold = _cold_ids(common_path(areas), period, shared)
    return rollup_by_path(((path, Decimal(1 if pk in cold else 0), Decimal(1)) for pk, path in venues), areas)


def _cold_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    _venues, cold = _cold_ids(target.path, period, {})
    return venue_list_for(actor=actor).filter(pk__in=sorted(cold))


def _venue_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return (
        venue_list_for(actor=actor)
        .exclude(status=VenueStatus.CLOSED)
        .filter(area__path__startswith=target.path)
    )


def _booking_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return booking_list_for(actor=actor).filter(
        status=BookingStatus.USED,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
        venue__area__path__startswith=target.path,
    )


def _venue(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.name} {obj.get_status_display()}", "", []


def _booking(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.venue.name} {obj.purpose}", "", []


register(
    Provider(
        key="venues.compliance",
        label=_("党群服务阵地达标率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_compliance,
        rows=_venue_rows,
        describe=_venue,
        percent=True,
    )
)
register(
    Provider(
        key="venues.use",
        label=_("阵地使用时长（小时/阵地）"),
        unit="小时/阵地",
        kinds=frozenset({AREA}),
        compute=_use,
        rows=_booking_rows,
        describe=_booking,
    )
)
register(
    Provider(
        key="venues.cold_share",
        label=_("闲置阵地占比（重管轻用）"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_cold_share,
        rows=_cold_rows,
        describe=_venue,
        direction="lower",
        percent=True,
    )
)
