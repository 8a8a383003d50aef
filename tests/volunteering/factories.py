"""Volunteering test data, made through the services: a team in community 0 led by ``leader``,
a project, an activity in progress (open for sign-up, check-in now possible) and volunteers with
accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from quanyu.core.idnumber import id_check_digit
from quanyu.core.roles import Role
from quanyu.volunteering import services
from quanyu.volunteering.models import Activity, Project, Team, Volunteer
from tests.factories import City, make_user


def make_id(seq: int) -> str:
    first17 = f"370602199001{(seq % 28) + 1:02d}{(seq % 500) * 2 + 1:03d}"
    return first17 + id_check_digit(first17)


@dataclass
class Setup:
    team: Team
    project: Project
    activity: Activity
    leader: Any
    volunteers: list[Volunteer] = field(default_factory=list)


def add_volunteer(city: City, seq: int, *, community: int = 0, with_user: bool = True) -> Volunteer:
    user = make_user(f"vol{seq}", Role.RESIDENT, city.communities[community]) if with_user else None
    return services.volunteer_register(
        actor=city.users["community_x"] if community == 0 else city.users["district_admin"],
        person=services.VolunteerInput(name=f"志愿者{seq}号", id_number=make_id(seq), phone=f"139{seq:08d}"),
        community=city.communities[community],
        user=user,
    )


def make_activity(
    city: City,
    project: Project,
    *,
    capacity: int = 2,
    starts_in: dt.timedelta = dt.timedelta(minutes=-5),
    length: dt.timedelta = dt.timedelta(hours=2),
) -> Activity:
    starts = timezone.now() + starts_in
    return services.activity_create(
        actor=city.users["community_x"],
        project=project,
        title="四点半课堂·作业辅导",
        starts_at=starts,
        ends_at=starts + length,
        address="幸福社区党群服务中心二楼",
        latitude=37.53,
        longitude=121.39,
        capacity=capacity,
        signup_opens=starts - dt.timedelta(days=3),
        signup_closes=starts + length - dt.timedelta(minutes=1),
    )


def make_setup(city: City, *, capacity: int = 2, volunteers: int = 3) -> Setup:
    leader = make_user("team_leader", Role.RESIDENT, city.communities[0])
    team = services.team_create(
        actor=city.users["community_x"],
        name="幸福社区党员志愿服务队",
        kind="member",
        community=city.communities[0],
        organisation="幸福社区党委",
        leader=leader,
        responsible_person="王主任",
        contact_phone="0535-6000000",
    )
    project = services.project_create(
        actor=city.users["community_x"], team=team, name="四点半课堂", kind="after_school"
    )
    activity = make_activity(city, project, capacity=capacity)
    vols = [add_volunteer(city, i + 1) for i in range(volunteers)]
    for v in vols:
        services.team_add_member(actor=leader, team=team, volunteer=v)
    return Setup(team=team, project=project, activity=activity, leader=leader, volunteers=vols)
