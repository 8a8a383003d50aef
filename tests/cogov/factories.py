"""Co-governance data for tests, made through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import AdmissionItem, Body, Contract, Deliberation, Session, Task
from quanyu.core.roles import Role
from tests.factories import City, make_user

YEAR = 2026


def draft_contract(city: City, *, community: int = 0, year: int = YEAR) -> Contract:
    return services.contract_create(
        actor=city.users["district_admin"],
        area=city.communities[community],
        year=year,
        title="共建文明社区",
        units=[city.units[community]],
        offers=[{"kind": "venue", "text": "会议室每周开放两次"}, {"kind": "people", "text": "志愿者10人"}],
        needs="老年助餐场地；青少年课后托管",
        projects=[
            {
                "name": "老年助餐点",
                "owner": "张三",
                "starts": dt.date(year, 3, 1),
                "ends": dt.date(year, 6, 30),
            },
            {
                "name": "四点半课堂",
                "owner": "李四",
                "starts": dt.date(year, 3, 1),
                "ends": dt.date(year, 12, 31),
            },
        ],
    )


def signed_contract(city: City, **kw) -> Contract:
    c = draft_contract(city, **kw)
    admin = city.users["district_admin"]
    services.contract_sign(actor=admin, contract=c, side="unit")
    return services.contract_sign(actor=admin, contract=c, side="area")


def supervised_contract(city: City, **kw) -> Contract:
    c = signed_contract(city, **kw)
    progress = {p.pk: 50 for p in c.projects.all()}
    return services.contract_supervise(actor=city.users["district_admin"], contract=c, progress=progress)


def reported_contract(city: City, **kw) -> Contract:
    c = supervised_contract(city, **kw)
    return services.contract_unit_report(
        actor=city.users["district_admin"], contract=c, report="全年完成项目两个"
    )


def evaluated_contract(city: City, **kw) -> Contract:
    c = reported_contract(city, **kw)
    scores = {"履约情况": 38, "项目成效": 28, "群众满意度": 18, "资源投入": 9}
    return services.contract_evaluate(
        actor=city.users["district_admin"], contract=c, scores=scores, feedback="履约良好"
    )


def body_with_members(city: City, *, street: int = 0) -> Body:
    admin = city.users["district_admin"]
    body = services.body_create(
        actor=admin, area=city.streets[street], kind="joint_meeting", name="街道联席会议"
    )
    services.body_add_member(actor=admin, body=body, name="王五", post="书记")
    services.body_add_member(actor=admin, body=body, name="赵六", unit=city.units[0])
    return body


def planned_session(city: City, *, street: int = 0, day: dt.date = dt.date(YEAR, 3, 20)) -> Session:
    body = body_with_members(city, street=street)
    return services.session_plan(
        actor=city.users["district_admin"], body=body, title="一季度联席会议", held_on=day
    )


def held_session_with_task(city: City, *, street: int = 0, due: dt.date = dt.date(YEAR, 4, 30)) -> Task:
    session = planned_session(city, street=street)
    members = list(session.body.members.values_list("pk", flat=True))
    tasks = services.session_hold(
        actor=city.users["district_admin"],
        session=session,
        attendance=members,
        minutes="议定事项一项",
        resolutions=[{"resolution": "整治背街小巷停车", "owner_unit": city.units[-1], "due": due}],
    )
    return tasks[0]


def next_session(city: City, task: Task, day: dt.date = dt.date(YEAR, 6, 20)) -> Session:
    admin = city.users["district_admin"]
    body = task.session.body
    s = services.session_plan(actor=admin, body=body, title="二季度联席会议", held_on=day)
    members = list(body.members.values_list("pk", flat=True))
    services.session_hold(actor=admin, session=s, attendance=members, minutes="审议上次决议")
    s.refresh_from_db()
    return s


# --- residents' deliberation ----------------------------------------------------------------------


def residents(city: City, n: int, start: int = 0):
    return [make_user(f"r{start + i}", Role.RESIDENT, city.communities[0]) for i in range(n)]


def opened(city: City, *, method: str = "yizheng") -> Deliberation:
    return services.deliberation_open(
        actor=city.users["community_x"],
        community=city.communities[0],
        title="小区违建棚舍清理",
        opinions_close=timezone.now() + dt.timedelta(days=7),
        method=method,
    )


TWO_COMMITTEES = [{"kind": "party", "name": "王书记"}, {"kind": "residents_committee", "name": "李主任"}]
YIWEI_MEETING = [
    {"kind": "party", "name": "王书记"},
    {"kind": "council", "name": "陈议事"},
    {"kind": "supervisory", "name": "周监事"},
    {"kind": "old_member", "name": "老刘"},
    {"kind": "police", "name": "赵警官"},
]


def voting(city: City, entitled: int = 6, *, method: str = "yizheng", opinions=()) -> Deliberation:
    staff = city.users["community_x"]
    d = opened(city, method=method)
    for who in opinions:
        services.opinion_post(actor=who, deliberation=d, text="棚舍占用绿地，建议清理")
    d = services.deliberation_propose(actor=staff, deliberation=d, proposal="拆除违建棚舍，恢复绿地")
    d = services.deliberation_committees(
        actor=staff,
        deliberation=d,
        note="同意提交表决",
        participants=YIWEI_MEETING if method == "yiwei" else TWO_COMMITTEES,
    )
    return services.deliberation_open_vote(
        actor=staff, deliberation=d, entitled=entitled, vote_close=timezone.now() + dt.timedelta(days=1)
    )


def decided(city: City, *, method: str = "yizheng", opinions=()) -> Deliberation:
    """A decision taken by 2 of 3 entitled residents (the vote closed by a keeper), after opinions
    from ``opinions``."""
    d = voting(city, entitled=3, method=method, opinions=opinions)
    second = residents(city, 1, start=1000 + d.pk)  # a new resident for every decision
    for who in [city.users["resident"], *second]:
        services.vote_cast(actor=who, deliberation=d, choice="for")
    return services.deliberation_close_vote(
        actor=city.users["community_x"], deliberation=d, decision="清理违建"
    )


# --- admission ------------------------------------------------------------------------------------


def listed(city: City) -> AdmissionItem:
    return services.admission.item_add(
        actor=city.users["district_admin"],
        district=city.district,
        department=city.units[-1],
        title="市容环境卫生巡查",
        legal_basis="《城市市容和环境卫生管理条例》",
        funding_follows=True,
    )
