"""Volunteer teams of every kind, their volunteers, service projects (四点半课堂, 送健康/送政策进社区,
老年助餐) with activities over the past year and a few to come: sign-ups up to the capacity and a
waiting list, check-ins (a few late, one left open for the sweep), no-shows, hours approved or
declined, a correction and a proof. Scaled down from the seeds' proportions (Zhifu: 619 member
teams, 65,000 volunteers) about 25 times for the teams so the step takes a few seconds; the first
resident account is a volunteer with a record to show (jumin_1)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanyu.core.idnumber import id_check_digit
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.volunteering import services
from quanyu.volunteering.models import Volunteer

TITLE = "志愿服务"

TEAMS = 24  # at scale 1
VOLUNTEERS_PER_TEAM = 10
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


def _id_number(ctx: DemoContext, serial: int) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=ctx.rng.randrange(0, 365 * 40))
    first17 = f"370602{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def run(ctx: DemoContext) -> None:
    staff = ctx.actor
    # The demo reads the clock once, as the tickets step does: activities sit around the build date.
    anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
    teams_total = max(4, round(TEAMS * ctx.scale))
    communities = [ctx.communities[(i * 7) % len(ctx.communities)] for i in range(teams_total)]
    task = ctx.progress("志愿服务队与活动", total=teams_total)
    residents = list(ctx.users.get(Role.RESIDENT, []))
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
            activity = services.activity_create(
                actor=staff,
                project=project,
                title=f"{pname}·{title}",
                starts_at=starts,
                ends_at=ends,
                address=f"{community.name}党群服务中心",
                capacity=CAPACITY,
                signup_opens=starts - dt.timedelta(days=21),
                signup_closes=starts - dt.timedelta(hours=1),
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
        if t == 0 and volunteers[0].user is not None:
            user = volunteers[0].user
            if volunteers[0].signups.filter(hours_status="approved").exists():
                services.certificate_issue(actor=user, volunteer=volunteers[0], team=team)
        task.advance(1)
    services.sweep_attendance(now=anchor)
