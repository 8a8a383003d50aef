"""Venues at the seeds' proportions (issue 15): a centre per street and per community, two
stations per community, venues opened by resident units, sized so that about 70 % of the centres
meet the Lianyungang standard; rooms of the 一区五中心; a year of bookings up to the build's date
(some centres left cold — the "重管轻用" signal), a few waiting for approval, and this month's
activity plans. Written through the venues services (bulk where counted in hundreds); the build's
date is read once, as the tickets step does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.venues.models import Booking, Room, Venue, VenueKind
from quanyu.venues.services import bookings, plans
from quanyu.venues.services.bulk import (
    PastBooking,
    RoomSpec,
    VenueSpec,
    bookings_bulk_record,
    venues_bulk_create,
)
from quanyu.venues.services.network import network_from_grids
from quanyu.venues.services.register import OWNER_KINDS
from quanyu.venues.services.standards import profiles_seed
from quanyu.venues.states import BookingStatus, VenueStatus

TITLE = "党建阵地与场地预约"

SIX = ["party_activity", "deliberation", "public_safety", "culture_sports", "citizen_service", "exhibition"]
COMPLIANT_SHARE = 0.7
COLD_SHARE = 0.15
UNIT_VENUES = 80  # at full scale
PURPOSES = [
    "支部党员大会",
    "主题党日",
    "三会一课",
    "议事协商会",
    "合唱排练",
    "书法班",
    "居民议事会",
    "志愿服务培训",
]


def _centre_size(ctx: DemoContext, minimum: int, compliant: bool) -> tuple[Decimal, Decimal, list[str]]:
    if compliant:
        area = minimum + ctx.rng.randrange(0, minimum)
        return Decimal(area), Decimal(round(area * ctx.rng.uniform(0.5, 0.8))), SIX
    fault = ctx.rng.choice(["area", "ground", "functions"])
    area = (
        minimum - ctx.rng.randrange(50, minimum // 2)
        if fault == "area"
        else minimum + ctx.rng.randrange(0, 400)
    )
    ground = area * (ctx.rng.uniform(0.3, 0.45) if fault == "ground" else ctx.rng.uniform(0.5, 0.8))
    functions = SIX[:-1] if fault == "functions" else SIX
    return Decimal(area), Decimal(round(ground)), functions


def _rooms(functions: list[str], rng_capacity: int) -> list[RoomSpec]:
    rooms = [
        RoomSpec(
            name=f"{i + 1:02d} {f}", function=f, capacity=rng_capacity, auto_approve=f == "culture_sports"
        )
        for i, f in enumerate(functions)
    ]
    rooms.append(RoomSpec(name="会议室", function="meeting", capacity=30))
    return rooms


def run(ctx: DemoContext) -> None:
    profiles_seed()
    specs: list[VenueSpec] = []
    for street in ctx.streets:
        area, ground, functions = _centre_size(ctx, 1500, ctx.rng.random() < COMPLIANT_SHARE)
        specs.append(
            VenueSpec(
                VenueKind.STREET_CENTRE,
                street,
                f"{street.name}党群服务中心",
                floor_area=area,
                ground_floor_area=ground,
                fields={
                    "lon": street.lon,
                    "lat": street.lat,
                    "opening_hours": "周一至周日 8:30-20:30",
                    "accessible": True,
                },
                rooms=_rooms(functions, 60),
            )
        )
    for community in ctx.communities:
        status = (
            VenueStatus.IN_USE
            if ctx.rng.random() > 0.05
            else ctx.rng.choice([VenueStatus.PLANNED, VenueStatus.BUILDING])
        )
        area, ground, functions = _centre_size(ctx, 1000, ctx.rng.random() < COMPLIANT_SHARE)
        specs.append(
            VenueSpec(
                VenueKind.COMMUNITY_CENTRE,
                community,
                f"{community.name}党群服务中心",
                status=status,
                floor_area=area,
                ground_floor_area=ground,
                fields={
                    "lon": community.lon,
                    "lat": community.lat,
                    "opening_hours": "周一至周六 8:30-17:30",
                    "accessible": ctx.rng.random() < 0.8,
                },
                rooms=_rooms(functions, 40),
            )
        )
        for n in (1, 2):
            specs.append(
                VenueSpec(
                    VenueKind.STATION,
                    community,
                    f"{community.name}红色驿站{n}",
                    floor_area=Decimal(ctx.rng.randrange(40, 150)),
                    ground_floor_area=Decimal(40),
                    fields={
                        "lon": (community.lon or 0) + ctx.rng.uniform(-0.004, 0.004),
                        "lat": (community.lat or 0) + ctx.rng.uniform(-0.003, 0.003),
                    },
                    rooms=[RoomSpec(name="休息室", function="other", capacity=10, bookable=False)],
                )
            )
    units = [u for u in ctx.units if u.area.kind in OWNER_KINDS][: max(1, round(UNIT_VENUES * ctx.scale))]
    for unit in units:
        specs.append(
            VenueSpec(
                VenueKind.UNIT_VENUE,
                unit.area,
                f"{unit.name}共享活动室",
                floor_area=Decimal(ctx.rng.randrange(80, 400)),
                ground_floor_area=Decimal(60),
                fields={"unit": unit},
                rooms=[RoomSpec(name="活动室", function="meeting", capacity=40)],
            )
        )
    task = ctx.progress("阵地", total=len(specs))
    venues = venues_bulk_create(actor=ctx.actor, specs=specs)
    task.advance(len(specs))
    # The demo city's walking network: the boundaries of its grids (its blocks' streets).
    network_from_grids(actor=ctx.actor)

    _projects(ctx)
    _bookings(
        ctx,
        [
            v
            for v in venues
            if v.kind in (VenueKind.COMMUNITY_CENTRE, VenueKind.STREET_CENTRE)
            and v.status == VenueStatus.IN_USE
        ],
    )


def _bookings(ctx: DemoContext, centres: list[Venue]) -> None:
    today = timezone.localdate()  # the build's date: the year of bookings ends here
    bookers = ctx.users.get(Role.RESIDENT, []) + ctx.users.get(Role.PARTY_MEMBER, []) or [ctx.actor]
    branches = ctx.grid_branches or ctx.community_committees
    rooms: dict[int, list[Room]] = {}  # venue → its bookable rooms
    for room in Room.objects.filter(venue__in=centres, bookable=True).order_by("pk"):
        rooms.setdefault(room.venue_id, []).append(room)
    rows: list[PastBooking] = []
    weeks = 52
    for venue in centres:
        if ctx.rng.random() < COLD_SHARE:
            continue  # built, then hardly used
        per_week = ctx.rng.choice([2, 2, 3])
        for week in range(weeks):
            monday = today - dt.timedelta(days=today.weekday() + 7 * (weeks - week))
            # the last eight weeks in full (the usage figures read them), the year before sparsely
            for slot in range(per_week if week >= weeks - 8 else int(week % 4 == 0)):
                day = monday + dt.timedelta(days=ctx.rng.randrange(0, 6))
                hour = 9 + 3 * slot
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
                room = ctx.rng.choice(rooms[venue.pk])
                branch = ctx.rng.random() < 0.4 and branches
                status = ctx.rng.choices(
                    [
                        BookingStatus.USED,
                        BookingStatus.NO_SHOW,
                        BookingStatus.CANCELLED,
                        BookingStatus.DECLINED,
                    ],
                    weights=[85, 5, 7, 3],
                )[0]
                rows.append(
                    PastBooking(
                        room=room,
                        booker=ctx.rng.choice(bookers),
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=2),
                        purpose=ctx.rng.choice(PURPOSES),
                        status=status,
                        booker_kind=Booking.BookerKind.BRANCH if branch else Booking.BookerKind.RESIDENT,
                        org=ctx.rng.choice(branches) if branch else None,
                        expected=room.capacity // 2,
                        attendance=ctx.rng.randrange(5, max(6, room.capacity)),
                    )
                )
    task = ctx.progress("预约记录", total=len(rows))
    bookings_bulk_record(actor=ctx.actor, rows=rows)
    task.advance(len(rows))

    # A few live requests and this month's plans, through the one-at-a-time services.
    month = today.replace(day=1)
    live = centres[: max(3, len(centres) // 10)]
    for i, venue in enumerate(live):
        room = rooms[venue.pk][0]
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1 + i % 5), dt.time(19)))
        made = bookings.booking_request(
            actor=ctx.actor,
            room=room,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            purpose=ctx.rng.choice(PURPOSES),
        )
        if i % 2 and made.status == BookingStatus.REQUESTED:
            bookings.booking_approve(actor=ctx.actor, booking=made)
    for venue in centres:
        if ctx.rng.random() < COLD_SHARE:
            continue
        items = [
            {
                "day": month + dt.timedelta(days=d),
                "start": dt.time(9),
                "end": dt.time(11),
                "title": ctx.rng.choice(PURPOSES),
                "room": rooms[venue.pk][0].pk,
                "organiser": venue.area.name,
            }
            for d in sorted(ctx.rng.sample(range(0, 27), 4))
        ]
        plans.plan_post(actor=ctx.actor, venue=venue, month=month, items=items)


def _projects(ctx: DemoContext) -> None:
    """A few build-and-handover projects in every step (the last ones handed over)."""
    from quanyu.orgs.models import UnitKind
    from quanyu.venues.services import projects
    from quanyu.venues.states import PROJECT_ORDER

    departments = [u for u in ctx.departments.values() if u.kind == UnitKind.DEPARTMENT]
    if not departments or not ctx.communities:
        return
    for i, target in enumerate(PROJECT_ORDER):
        community = ctx.communities[(i * 7) % len(ctx.communities)]
        project = projects.project_create(
            actor=ctx.actor,
            name=f"{community.name}新建党群服务中心（{i + 1}期）",
            area=community,
            owners={s: ctx.rng.choice(departments).pk for s in projects.DEPARTMENT_STEPS},
            planned_floor_area=1000 + 100 * ctx.rng.randrange(0, 6),
            planned_ground_floor_area=600,
        )
        while project.step != target:
            built = {"built_floor_area": project.planned_floor_area, "built_ground_floor_area": 600}
            extra: dict[str, Any] = built if project.step == "presale" else {}
            project = projects.project_complete_step(
                actor=ctx.actor,
                project=project,
                documents=[{"name": f"{project.get_step_display()}材料"}],
                **extra,
            )
