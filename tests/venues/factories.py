"""Venues for tests, made through the services: a community centre in use in community 0 (rooms:
a meeting room that needs approval and an auto-approving activity room) and one in community 2."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from quanyu.areas.models import Area
from quanyu.venues.models import Room, Venue, VenueKind
from quanyu.venues.services import register
from quanyu.venues.states import VenueStatus
from tests.factories import City

SIX = ["party_activity", "deliberation", "public_safety", "culture_sports", "citizen_service", "exhibition"]


@dataclass
class Place:
    venue: Venue
    meeting: Room  # needs approval
    hall: Room  # auto-approves


def make_venue(
    city: City,
    area: Area,
    *,
    kind: str = VenueKind.COMMUNITY_CENTRE,
    floor_area: str = "1200",
    ground: str = "700",
    status: str = VenueStatus.IN_USE,
    functions: list[str] | None = None,
    name: str | None = None,
) -> Venue:
    admin = city.users["district_admin"]
    venue = register.venue_create(
        actor=admin,
        kind=kind,
        area=area,
        status=status,
        name=name or f"{area.name}党群服务中心",
        floor_area=Decimal(floor_area),
        ground_floor_area=Decimal(ground),
        lon=area.lon,
        lat=area.lat,
    )
    for i, function in enumerate(functions or []):
        register.room_add(actor=admin, venue=venue, name=f"室{i}", function=function, capacity=30)
    return venue


def make_place(city: City, community: int = 0) -> Place:
    venue = make_venue(city, city.communities[community])
    admin = city.users["district_admin"]
    meeting = register.room_add(actor=admin, venue=venue, name="议事室", function="deliberation", capacity=20)
    hall = register.room_add(
        actor=admin, venue=venue, name="活动室", function="party_activity", capacity=80, auto_approve=True
    )
    return Place(venue=venue, meeting=meeting, hall=hall)


def slot(days: int = 1, hour: int = 9, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=days
    )
    return start, start + dt.timedelta(hours=hours)
