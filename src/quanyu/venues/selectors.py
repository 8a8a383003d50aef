"""Reads of the venues domain, each taking the actor (docs/WORKFLOWS.md §6); out of scope → 404.

- The register: office roles read their subtree; anyone holding a role also sees the venues of the
  nodes above their grants (a resident sees the street's centre) — the bookable ones.
- Bookings: the venue's office roles see the bookings of their subtree; everyone sees their own.
- Public: in-use venues and their month's plan are public pages (``venue_public_get``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from quanyu.areas.models import Area, AreaKind
from quanyu.core.permissions import grants_for
from quanyu.core.scoping import actor_scope_paths, scope_q
from quanyu.venues import conf
from quanyu.venues.access import READERS
from quanyu.venues.models import (
    ActivityPlan,
    Booking,
    BookingEvent,
    PlanItem,
    Room,
    StandardProfile,
    Venue,
    VenuePhoto,
    VenueProject,
)
from quanyu.venues.standards import applies, check_venue, target_for
from quanyu.venues.states import BookingStatus, VenueStatus

STEP = 4  # Area.steplen


def office_q(actor: Any, field: str) -> Q | None:
    """Q over ``field`` (an area path) for the actor's office grants; None = everything."""
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return None
    paths = tuple(g.area.path for g in grants_for(actor) if g.role in READERS)
    return scope_q(paths, field) if paths else Q(pk__in=[])


def _ancestors_q(actor: Any, field: str) -> Q:
    prefixes = {g.area.path[:n] for g in grants_for(actor) for n in range(STEP, len(g.area.path) + 1, STEP)}
    subtree = scope_q(tuple(g.area.path for g in grants_for(actor)), field)
    by_ancestor = Q(**{f"{field}__in": sorted(prefixes)}) if prefixes else Q(pk__in=[])
    return by_ancestor | subtree if subtree is not None else Q()


def venue_queryset_for(actor: Any) -> QuerySet[Venue]:
    qs = Venue.objects.select_related("area", "unit")
    office = office_q(actor, "area__path")
    if office is None or actor_scope_paths(actor) == ("",):
        return qs
    return qs.filter(office | (_ancestors_q(actor, "area__path") & Q(status=VenueStatus.IN_USE)))


def office_venues_for(actor: Any) -> QuerySet[Venue]:
    """The venues of the actor's office scope (reports, dashboards): no ancestors' venues."""
    qs = Venue.objects.select_related("area", "unit")
    office = office_q(actor, "area__path")
    return qs if office is None else qs.filter(office)


def venue_list_for(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Venue]:
    return _filtered(venue_queryset_for(actor), filters or {})


def _filtered(qs: QuerySet[Venue], filters: dict[str, Any]) -> QuerySet[Venue]:
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("area"):
        qs = qs.filter(area__path__startswith=filters["area"])
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    return qs.order_by("name", "id")


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise Http404 from None


def venue_get_for(*, actor: Any, venue_id: Any) -> Venue:
    return _get(venue_queryset_for(actor).prefetch_related("rooms"), venue_id)


def venue_public_get(*, venue_id: Any) -> Venue:
    """A venue's public page: only venues in use."""
    return _get(Venue.objects.select_related("area").filter(status=VenueStatus.IN_USE), venue_id)


def room_get_for(*, actor: Any, room_id: Any) -> Room:
    venues = venue_queryset_for(actor).values("pk")
    return _get(Room.objects.select_related("venue__area").filter(venue__in=venues), room_id)


def bookable_rooms_for(actor: Any) -> QuerySet[Room]:
    """The rooms the actor may book (``access.may_book``): bookable rooms of venues in use at a place
    where the actor holds a role, under it or above it. Other apps (volunteering) offer these."""
    qs = Room.objects.select_related("venue__area").filter(bookable=True, venue__status=VenueStatus.IN_USE)
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return qs.order_by("venue__name", "name", "id")
    if not getattr(actor, "is_authenticated", False) or not grants_for(actor):
        return qs.none()
    return qs.filter(_ancestors_q(actor, "venue__area__path")).order_by("venue__name", "name", "id")


def photo_get_for(*, actor: Any, photo_id: Any) -> VenuePhoto:
    """A photo of a venue in the actor's office scope (where its staff manage it)."""
    return _get(
        VenuePhoto.objects.select_related("venue__area").filter(venue__in=office_venues_for(actor)), photo_id
    )


def venue_timeline(*, venue: Venue) -> QuerySet[Any]:
    return venue.events.order_by("at", "id")


# --- bookings -----------------------------------------------------------------------------------


def booking_queryset_for(actor: Any) -> QuerySet[Booking]:
    qs = Booking.objects.select_related("room", "venue__area", "booker", "org", "unit")
    office = office_q(actor, "venue__area__path")
    if office is None:
        return qs
    own = (
        Q(booker_id=getattr(actor, "pk", None)) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    )
    return qs.filter(office | own)


def booking_list_for(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Booking]:
    filters = filters or {}
    qs = booking_queryset_for(actor)
    if filters.get("mine"):
        qs = qs.filter(booker_id=getattr(actor, "pk", None))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("venue"):
        qs = qs.filter(venue_id=filters["venue"])
    if filters.get("room"):
        qs = qs.filter(room_id=filters["room"])
    if filters.get("after"):
        qs = qs.filter(ends_at__gt=filters["after"])
    if filters.get("before"):
        qs = qs.filter(starts_at__lt=filters["before"])
    return qs.order_by("starts_at", "id")


def booking_get_for(*, actor: Any, booking_id: Any) -> Booking:
    return _get(booking_queryset_for(actor), booking_id)


def booking_timeline(*, booking: Booking) -> QuerySet[BookingEvent]:
    return booking.events.order_by("at", "id")


def room_calendar(
    *, room: Room, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The taken slots of a room between ``start`` and ``end`` (no names: anyone may see them)."""
    rows = Booking.objects.filter(
        room=room,
        status__in=(BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED),
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("starts_at", "ends_at")
    return list(rows)


# --- plans --------------------------------------------------------------------------------------


def plan_item_get_for(*, actor: Any, item_id: Any) -> PlanItem:
    """One activity of a plan of a venue the actor may see (else 404)."""
    try:
        return PlanItem.objects.select_related("plan__venue__area").get(
            pk=item_id, plan__venue__in=venue_list_for(actor=actor)
        )
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def plan_for_month(*, venue: Venue, month: dt.date) -> ActivityPlan | None:
    return (
        ActivityPlan.objects.filter(venue=venue, month=month.replace(day=1))
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.select_related("room")))
        .first()
    )


# --- compliance -----------------------------------------------------------------------------------


def default_profile() -> StandardProfile | None:
    return StandardProfile.objects.filter(is_default=True).first() or StandardProfile.objects.first()


def profile_get(code: str | None) -> StandardProfile:
    if not code:
        profile = default_profile()
        if profile is None:
            raise Http404
        return profile
    try:
        return StandardProfile.objects.get(code=code)
    except StandardProfile.DoesNotExist:
        raise Http404 from None


def _households(areas: list[Area]) -> dict[int, int]:
    """Households of each area: its own figure, else the sum over its grids."""
    out: dict[int, int] = {}
    for area in areas:
        if area.households:
            out[area.pk] = area.households
            continue
        total = (
            Area.objects.filter(path__startswith=area.path, kind=AreaKind.GRID).aggregate(
                n=Sum("households")
            )["n"]
            or 0
        )
        out[area.pk] = int(total)
    return out


def compliance_for(
    *, actor: Any, profile: StandardProfile, filters: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One row per venue the profile judges (not closed): compliant or not, and what fails by how much."""
    venues = [
        v
        for v in _filtered(office_venues_for(actor), filters or {})
        .exclude(status=VenueStatus.CLOSED)
        .prefetch_related("rooms")
        if applies(profile, v.kind)
    ]
    households = _households(list({v.area_id: v.area for v in venues}.values()))
    rows = []
    for v in venues:
        failures = check_venue(
            profile=profile,
            kind=v.kind,
            floor_area=v.floor_area,
            ground_floor_area=v.ground_floor_area,
            functions={r.function for r in v.rooms.all()},
            households=households.get(v.area_id, 0),
        )
        rows.append(
            {
                "venue": v,
                "compliant": not failures,
                "failures": [f.as_dict() for f in failures],
            }
        )
    return rows


def compliance_rollup(
    rows: list[dict[str, Any]], *, profile: StandardProfile, year_of_plan: int | None = None
) -> dict[str, Any]:
    """Per street and per district: venues, compliant, share, and the failures by rule (count and
    the summed shortfall in m² for area rules)."""
    levels: dict[str, dict[str, dict[str, Any]]] = {"district": {}, "street": {}}
    length = {"district": 2 * STEP, "street": 3 * STEP}
    names = {
        a.path: a.name
        for a in Area.objects.filter(
            path__in={r["venue"].area.path[: length[lv]] for r in rows for lv in length}
        ).only("path", "name")
    }
    for row in rows:
        for level, n in length.items():
            path = row["venue"].area.path[:n]
            if len(path) < n:
                continue
            bucket = levels[level].setdefault(
                path,
                {
                    "path": path,
                    "name": names.get(path, ""),
                    "venues": 0,
                    "compliant": 0,
                    "by_rule": defaultdict(lambda: {"count": 0, "short_m2": Decimal(0)}),
                },
            )
            bucket["venues"] += 1
            bucket["compliant"] += int(row["compliant"])
            for f in row["failures"]:
                rule = bucket["by_rule"][f["rule"]]
                rule["count"] += 1
                if f["rule"] != "functions":
                    rule["short_m2"] += Decimal(f["short"])
    total = len(rows)
    compliant = sum(1 for r in rows if r["compliant"])
    target = target_for(profile, year_of_plan=year_of_plan) if year_of_plan else None

    def finish(b: dict[str, Any]) -> dict[str, Any]:
        b["share"] = round(b["compliant"] / b["venues"], 4) if b["venues"] else None
        b["by_rule"] = {
            k: {"count": v["count"], "short_m2": str(v["short_m2"])} for k, v in b["by_rule"].items()
        }
        return b

    return {
        "profile": profile.code,
        "venues": total,
        "compliant": compliant,
        "share": round(compliant / total, 4) if total else None,
        "target": target,
        "on_track": (compliant / total >= target) if (target is not None and total) else None,
        "districts": [finish(b) for b in sorted(levels["district"].values(), key=lambda b: b["path"])],
        "streets": [finish(b) for b in sorted(levels["street"].values(), key=lambda b: b["path"])],
    }


# --- use and the "重管轻用" signal ------------------------------------------------------------------


def usage_for(
    *, actor: Any, weeks: int | None = None, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Per in-use venue in the actor's office scope: hours used, bookings, people and plan
    activities in each of the last ``weeks`` weeks, and ``cold`` when every week stayed below
    ``VENUES_COLD_HOURS_PER_WEEK`` (built, then hardly used: 重管轻用)."""
    weeks = weeks or conf.get("VENUES_COLD_WEEKS")
    threshold = float(conf.get("VENUES_COLD_HOURS_PER_WEEK"))
    now = now or timezone.now()
    since = now - dt.timedelta(weeks=weeks)
    venues = list(office_venues_for(actor).filter(status=VenueStatus.IN_USE))
    ids = [v.pk for v in venues]
    hours: dict[int, list[float]] = {pk: [0.0] * weeks for pk in ids}
    people: dict[int, int] = defaultdict(int)
    count: dict[int, int] = defaultdict(int)
    for venue_id, start, end, attendance in Booking.objects.filter(
        venue_id__in=ids, status=BookingStatus.USED, starts_at__gte=since, starts_at__lt=now
    ).values_list("venue_id", "starts_at", "ends_at", "attendance"):
        week = min(weeks - 1, int((start - since) / dt.timedelta(weeks=1)))
        hours[venue_id][week] += (end - start).total_seconds() / 3600
        people[venue_id] += attendance or 0
        count[venue_id] += 1
    activities: dict[int, int] = defaultdict(int)
    for venue_id, came in PlanItem.objects.filter(
        plan__venue_id__in=ids, day__gte=since.date(), day__lt=now.date()
    ).values_list("plan__venue_id", "attendance"):
        activities[venue_id] += 1
        people[venue_id] += came or 0
    return [
        {
            "venue": v,
            "hours_by_week": [round(h, 1) for h in hours[v.pk]],
            "hours": round(sum(hours[v.pk]), 1),
            "bookings": count[v.pk],
            "people": people[v.pk],
            "activities": activities[v.pk],
            "cold": all(h < threshold for h in hours[v.pk]),
        }
        for v in venues
    ]


# --- venue projects ---------------------------------------------------------------------------------


def project_queryset_for(actor: Any) -> QuerySet[VenueProject]:
    """Office roles see the projects of their subtree; a department handler those whose steps its
    unit owns."""
    qs = VenueProject.objects.select_related("area", "venue")
    office = office_q(actor, "area__path")
    if office is None:
        return qs
    units = [g.unit_id for g in grants_for(actor) if g.unit_id]
    mine = Q(pk__in=[])
    for unit in units:
        for step in ("planning", "land", "presale", "quality", "acceptance", "registration"):
            mine |= Q(**{f"owners__{step}": unit})
    return qs.filter(office | mine)


def project_get_for(*, actor: Any, project_id: Any) -> VenueProject:
    return _get(project_queryset_for(actor), project_id)
