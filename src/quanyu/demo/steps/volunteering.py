"""Volunteer teams of every kind, their volunteers, service projects (四点半课堂, 送健康/送政策进社区,
老年助餐) with activities over the past year and a few to come: sign-ups up to the capacity and a
waiting list, check-ins (a few late, one left open for the sweep), no-shows, hours approved or
declined, a correction and a proof.

At the seeds' proportions for a Zhifu-sized district (issue 14: 600 teams, 20,000 volunteers, a
year of activities; Yangquan's 500 teams ran 2,940 services a year): ``SHOWCASE`` teams go through
the step-by-step services, with the accounts the guided tour uses (jumin_1 is a volunteer with a
record and a proof); the rest of the year is loaded with ``history_load``, the bulk service a
district uses to bring its past record over, so the step stays a few seconds.

Rooms (issue 15): the indoor projects (四点半课堂, the health and policy talks) are held in a room of
their community's centre when one is free at that time — the showcase's booked through
``activity_create`` by the community's staff (approved and checked in once held), the rest through
``history_load`` and venues' bulk loader; 老年助餐 brings meals to homes and books none."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanyu.accounts.models import RoleGrant
from quanyu.areas.models import Area
from quanyu.core.idnumber import id_check_digit
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext, Task
from quanyu.venues.models import Booking, Room, VenueKind
from quanyu.venues.services import bookings
from quanyu.venues.states import HOLDING, BookingStatus, VenueStatus
from quanyu.volunteering import services
from quanyu.volunteering.models import Volunteer

TITLE = "志愿服务"

TEAMS = 600  # at scale 1, showcase included
VOLUNTEERS = 20_000
SHOWCASE = 8
VOLUNTEERS_PER_TEAM = 10  # a showcase team
PAST_ACTIVITIES = 4  # per team, spread over the past year
UPCOMING_ACTIVITIES = 2
CAPACITY = 6
KINDS = ["member", "unit", "social", "resident"]
KIND_NAMES = {
    "member": "党员志愿服务队",
    "unit": "单位志愿服务队",
    "social": "志愿者协会",
    "resident": "居民志愿服务队",
}
PROJECTS = [
    ("after_school", "四点半课堂", "作业辅导"),
    ("health", "送健康进社区", "义诊与健康讲座"),
    ("policy", "送政策进社区", "医保政策宣讲"),
    ("meals", "老年助餐", "助餐送餐"),
]
INDOOR = frozenset({"after_school", "health", "policy"})  # held in a centre's room


class FreeRooms:
    """The bookable rooms of the in-use community centres per community, with the slots already
    held (the venues step's year of bookings): an activity is given a free room, or none, without
    a query per activity."""

    def __init__(self, communities: list[Area]) -> None:
        self.by_area: dict[int, list[Room]] = {}
        for room in (
            Room.objects.filter(
                bookable=True,
                venue__status=VenueStatus.IN_USE,
                venue__kind=VenueKind.COMMUNITY_CENTRE,
                venue__area__in=communities,
            )
            .select_related("venue")
            .order_by("pk")
        ):
            self.by_area.setdefault(room.venue.area_id, []).append(room)
        self.held: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        for room_id, start, end in Booking.objects.filter(
            venue__kind=VenueKind.COMMUNITY_CENTRE, status__in=HOLDING
        ).values_list("room_id", "starts_at", "ends_at"):
            self.held.setdefault(room_id, []).append((start, end))

    def take(self, community: Area, start: dt.datetime, end: dt.datetime) -> Room | None:
        rooms = self.by_area.get(community.pk, [])
        k = start.toordinal() % len(rooms) if rooms else 0  # spread over the rooms, no random draw
        for room in rooms[k:] + rooms[:k]:
            held = self.held.setdefault(room.pk, [])
            if all(e <= start or s >= end for s, e in held):
                held.append((start, end))
                return room
        return None


def _keepers(communities: list[Area]) -> dict[int, object]:
    """A community staff account per community: who books its centre's rooms."""
    out: dict[int, object] = {}
    for grant in (
        RoleGrant.objects.filter(role=Role.COMMUNITY_STAFF, area__in=communities)
        .select_related("user")
        .order_by("pk")
    ):
        out.setdefault(grant.area_id, grant.user)
    return out


def _id_number(ctx: DemoContext, serial: int) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=ctx.rng.randrange(0, 365 * 40))
    first17 = f"370602{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def run(ctx: DemoContext) -> None:
    staff = ctx.actor
    # The demo reads the clock once, as the tickets step does: activities sit around the build date.
    anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
    teams_total = max(4, round(TEAMS * ctx.scale))
    showcase = min(SHOWCASE, teams_total)
    communities = [ctx.communities[(i * 7) % len(ctx.communities)] for i in range(showcase)]
    task = ctx.progress("志愿服务队与活动", total=teams_total)
    residents = list(ctx.users.get(Role.RESIDENT, []))
    rooms = FreeRooms(list(ctx.communities))
    keepers = _keepers(communities)
    serial = 0
    used: set[str] = set()
    for t, community in enumerate(communities):
        kind = KINDS[t % len(KINDS)]
        team = services.team_create(
            actor=staff,
            name=f"{community.name}{KIND_NAMES[kind]}",
            kind=kind,
            community=community,
            organisation=f"{community.name}党委" if kind == "member" else f"{community.name}居民委员会",
            responsible_person=ctx.faker.name(),
            contact_phone=f"0535-6{ctx.rng.randrange(10**6):06d}",
            skills=ctx.rng.choice(["辅导作业", "理发", "义诊", "法律咨询", "家电维修"]),
        )
        volunteers: list[Volunteer] = []
        for _ in range(VOLUNTEERS_PER_TEAM):
            serial += 1
            number = _id_number(ctx, serial)
            while number in used:
                number = _id_number(ctx, serial + ctx.rng.randrange(1, 999))
            used.add(number)
            user = None
            if t == 0 and residents and not volunteers:
                user = residents[0]  # jumin_1: a volunteer with a record
            volunteers.append(
                services.volunteer_register(
                    actor=staff,
                    person=services.VolunteerInput(
                        name=ctx.faker.name(),
                        id_number=number,
                        phone=f"1{ctx.rng.choice('3578')}{ctx.rng.randrange(10**9):09d}",
                    ),
                    community=community,
                    user=user,
                )
            )
        for v in volunteers:
            services.team_add_member(actor=staff, team=team, volunteer=v, joined_on=anchor.date())
        code, pname, title = PROJECTS[t % len(PROJECTS)]
        project = services.project_create(actor=staff, team=team, name=pname, kind=code)
        for n in range(PAST_ACTIVITIES + UPCOMING_ACTIVITIES):
            upcoming = n >= PAST_ACTIVITIES
            days = (n - PAST_ACTIVITIES + 1) * 7 if upcoming else -(30 + n * 80 + ctx.rng.randrange(0, 20))
            starts = (anchor + dt.timedelta(days=days)).replace(hour=16, minute=30)
            ends = starts + dt.timedelta(hours=2)
            room = rooms.take(community, starts, ends) if code in INDOOR else None
            activity = services.activity_create(
                actor=keepers.get(community.pk, staff) if room is not None else staff,
                project=project,
                title=f"{pname}·{title}",
                starts_at=starts,
                ends_at=ends,
                address=f"{community.name}党群服务中心",
                capacity=CAPACITY,
                signup_opens=starts - dt.timedelta(days=21),
                signup_closes=starts - dt.timedelta(hours=1),
                room=room,
            )
            if upcoming:
                for v in volunteers[: CAPACITY - 2]:
                    services.signup_create(actor=staff, activity=activity, volunteer=v, at=anchor)
                continue
            order = ctx.rng.sample(volunteers, CAPACITY + 1)  # one more than the places: a waiting list
            if t == 0 and volunteers[0] not in order:
                order[0] = volunteers[0]  # jumin_1 served every time
            elif t == 0:
                order.remove(volunteers[0])
                order.insert(0, volunteers[0])
            signups = [
                services.signup_create(
                    actor=staff, activity=activity, volunteer=v, at=starts - dt.timedelta(days=3, minutes=i)
                )
                for i, v in enumerate(order)
            ]
            confirmed = [s for s in signups if s.status == "confirmed"]
            for i, s in enumerate(confirmed):
                if i == len(confirmed) - 1:
                    services.signup_no_show(actor=staff, signup=s)
                    continue
                late = ctx.rng.random() < 0.15
                arrived = starts + dt.timedelta(minutes=ctx.rng.randrange(20, 40) if late else -5)
                services.rollcall_check_in(actor=staff, signup=s, at=arrived)
                if t == 1 and n == 0 and i == 0:
                    continue  # left open: the sweep closes and flags it
                left = ends - dt.timedelta(minutes=ctx.rng.randrange(0, 30))
                out = services.rollcall_check_out(actor=staff, signup=s, at=left)
                if ctx.rng.random() < 0.9:
                    services.hours_decide(actor=staff, signup=out, approve=True)
                else:
                    services.hours_decide(actor=staff, signup=out, approve=False, note="未按要求完成服务")
            if activity.booking is not None:  # held: the room's booking approved and checked in
                booking = activity.booking
                if booking.status == BookingStatus.REQUESTED:
                    booking = bookings.booking_approve(actor=staff, booking=booking)
                bookings.booking_check_in(actor=staff, booking=booking, attendance=len(confirmed) - 1)
        if t == 0 and volunteers[0].user is not None:
            user = volunteers[0].user
            if volunteers[0].signups.filter(hours_status="approved").exists():
                services.certificate_issue(actor=user, volunteer=volunteers[0], team=team)
        task.advance(1)
    _load_history(ctx, anchor, showcase, teams_total, task, rooms)
    services.sweep_attendance(now=anchor)


def _history_id(ctx: DemoContext, serial: int) -> str:
    """Unique by construction: each thousand serials gets its own span of birth dates."""
    group, seq = divmod(serial, 1000)
    born = dt.date(1955, 1, 1) + dt.timedelta(days=group * 700 + ctx.rng.randrange(0, 650))
    first17 = f"370611{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def _past_activity(
    ctx: DemoContext, anchor: dt.datetime, n: int, upcoming: bool, size: int, community_name: str, title: str
) -> services.PastActivity:
    if upcoming:
        starts = (anchor + dt.timedelta(days=ctx.rng.randrange(3, 28))).replace(hour=9, minute=0)
    else:
        # Spread over the past year, one every two months or so, on a weekend morning or a 16:30 class.
        days = 20 + n * 70 + ctx.rng.randrange(0, 50)
        starts = (anchor - dt.timedelta(days=days)).replace(hour=ctx.rng.choice([9, 16]), minute=0)
    ends = starts + dt.timedelta(hours=ctx.rng.choice([2, 2, 3]))
    capacity = ctx.rng.randrange(5, 10)
    count = min(size, capacity + ctx.rng.choice([-2, -1, 0, 0, 1, 2]))
    chosen = ctx.rng.sample(range(size), count)
    times = sorted(starts - dt.timedelta(days=ctx.rng.randrange(2, 14), minutes=i) for i in range(count))
    signups = []
    for i, (v, at) in enumerate(zip(chosen, times, strict=True)):
        arrived = left = None
        if not upcoming and i < capacity and ctx.rng.random() > 0.06:  # about 6 % no-shows
            late = ctx.rng.random() < 0.1
            arrived = starts + dt.timedelta(
                minutes=ctx.rng.randrange(16, 40) if late else -ctx.rng.randrange(0, 15)
            )
            left = ends - dt.timedelta(minutes=ctx.rng.randrange(0, 20))
        roll = ctx.rng.random()
        hours = "declined" if roll < 0.03 else "pending" if roll < 0.08 else "approved"
        note = "未按要求完成服务" if hours == "declined" else ""
        signups.append(
            services.PastSignup(volunteer=v, at=at, arrived=arrived, left=left, hours=hours, note=note)
        )
    return services.PastActivity(
        title=title,
        starts_at=starts,
        ends_at=ends,
        address=f"{community_name}党群服务中心",
        capacity=capacity,
        signups=signups,
    )


def _load_history(
    ctx: DemoContext, anchor: dt.datetime, start: int, total: int, task: Task, rooms: FreeRooms
) -> None:
    """Teams ``start``..``total`` with their year, loaded in chunks of 100 teams."""
    count = total - start
    if count <= 0:
        return
    size = max(4, round((VOLUNTEERS * ctx.scale - start * VOLUNTEERS_PER_TEAM) / count))
    serial = 0
    for first in range(start, total, 100):
        batch = []
        for t in range(first, min(total, first + 100)):
            community = ctx.communities[(t * 7) % len(ctx.communities)]
            kind = KINDS[t % len(KINDS)]
            code, pname, title = PROJECTS[t % len(PROJECTS)]
            people = []
            for _ in range(size):
                people.append(
                    services.VolunteerInput(
                        name=ctx.faker.name(),
                        id_number=_history_id(ctx, serial),
                        phone=f"1{ctx.rng.choice('3578')}{ctx.rng.randrange(10**9):09d}",
                    )
                )
                serial += 1
            activities = [
                _past_activity(
                    ctx, anchor, n, n >= PAST_ACTIVITIES + 1, size, community.name, f"{pname}·{title}"
                )
                for n in range(PAST_ACTIVITIES + 2)
            ]
            if code in INDOOR:
                for past in activities:
                    past.room = rooms.take(community, past.starts_at, past.ends_at)
            batch.append(
                services.TeamHistory(
                    name=f"{community.name}{KIND_NAMES[kind]}{t // len(ctx.communities) + 1}队",
                    kind=kind,
                    community=community,
                    organisation=f"{community.name}党委"
                    if kind == "member"
                    else f"{community.name}居民委员会",
                    project_name=pname,
                    project_kind=code,
                    responsible_person=ctx.faker.name(),
                    contact_phone=f"0535-6{ctx.rng.randrange(10**6):06d}",
                    skills=ctx.rng.choice(["辅导作业", "理发", "义诊", "法律咨询", "家电维修"]),
                    joined_on=(anchor - dt.timedelta(days=400)).date(),
                    volunteers=people,
                    activities=activities,
                )
            )
        services.history_load(actor=ctx.actor, teams=batch, now=anchor)
        task.advance(len(batch))
