"""Co-governance: co-building contracts across a year's cycle (600 at full scale, as Yangquan's
600+ resident units sign: each of the demo district's 300 resident units with its community, and
again with its street), and a
joint-meeting body per street (its part-time committee members and department representatives)
with a year of quarterly sessions (each in a room of its street centre, booked through the venues
when one is free) whose resolutions are tasks, some done and reviewed, some
overdue, and 80 secretary-led projects (Luoyang's 58 secretaries leading 80) with milestones,
quarterly comments, rectification orders and final ratings; residents' deliberations in every
state, two in each community before or at the vote (about a third by 一委三会), and in the first
street's communities, where the demo's residents live and vote, one decided, one published and one
with its result published, each with accountability items; the district's community-affairs
admission list and two departments' pushes per community, admitted, refused, pending, approved or
rejected. Everything goes through
``quanyu.cogov.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from quanyu.accounts.models import RoleGrant
from quanyu.cogov import services
from quanyu.cogov.models import Deliberation, Task
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.orgs.models import PartTimeMember
from quanyu.venues.models import Room, VenueKind
from quanyu.venues.services import bookings
from quanyu.venues.services.bookings import overlapping
from quanyu.venues.states import BookingStatus, VenueStatus

TITLE = "共建共治"
# Two per resident unit (the demo has 300; Yangquan 600+ units, 600 contracts): the first half
# with the unit's community, the second with its street. Through the step services one by one they
# took 7 s of a build on an idle 2-core machine; the year's cycle is loaded in bulk instead
# (``contracts_history_load``: the same rows and events), well under a second.
CONTRACTS = 600
MIN_CONTRACTS = 12
# Where the year's contracts stand (cumulative shares): draft, signed, supervised, evaluated, renewed.
STAGES = [("draft", 0.08), ("signed", 0.2), ("supervised", 0.55), ("evaluated", 0.9), ("renewed", 1.0)]
PROJECTS = [
    ("老年助餐点", "funds"),
    ("四点半课堂", "people"),
    ("共享会议室", "venue"),
    ("义诊进社区", "expertise"),
    ("楼道照明改造", "equipment"),
    ("文明养犬宣传", "people"),
    ("背街小巷整治", "funds"),
    ("青年志愿服务队", "people"),
]
RESOLUTIONS = ["施划停车位", "修复破损路面", "清理楼道杂物", "增设垃圾分类点", "整治占道经营", "更换路灯"]
SESSION_DAYS = [(3, 20), (6, 20), (9, 20), (12, 20)]


def _stage(share: float) -> str:
    return next(name for name, upto in STAGES if share < upto)


def _contract(ctx: DemoContext, n: int, year: int, total: int, stage: str) -> services.PastContract:
    half = max(1, total // 2)
    c = (n % half) % len(ctx.communities)
    units = [u for u in ctx.units if ctx.unit_community.get(u.pk) == c] or ctx.units
    unit = units[((n % half) // len(ctx.communities)) % len(units)]
    # The first half with the unit's community, the second with its street (大工委).
    area = ctx.communities[c] if n < half else ctx.streets[ctx.street_of_community(c)]
    picks = ctx.rng.sample(PROJECTS, 2)
    projects: list[dict[str, Any]] = [
        {
            "name": name,
            "owner": ctx.faker.name(),
            "owner_unit": unit,
            "starts": dt.date(year, ctx.rng.randrange(1, 5), 1),
            "ends": dt.date(year, ctx.rng.randrange(7, 13), 1) - dt.timedelta(days=1),
        }
        for name, _ in picks
    ]
    contract = services.PastContract(
        area=area,
        year=year,
        title=f"{unit.name}与{area.name}共建契约",
        units=[unit],
        stage=stage,
        offers=[{"kind": kind, "text": f"{unit.name}提供{name}所需支持"} for name, kind in picks],
        needs="、".join(name for name, _ in picks),
        projects=projects,
    )
    if stage in ("draft", "signed"):
        return contract
    # Supervision walks the projects as the contract lists them: by start date, then as added.
    listed = sorted(range(len(projects)), key=lambda i: projects[i]["starts"])
    progress = [0] * len(projects)
    for i in listed:
        progress[i] = ctx.rng.randrange(20, 101, 10)
    contract.progress, contract.note = progress, "按计划推进"
    if stage == "supervised":
        return contract
    contract.report = "全年履约情况良好，项目按期完成。"
    contract.scores = {
        name: ctx.rng.randrange(top * 6, top * 10 + 1) / 10
        for name, top in services.EVALUATION_INDICATORS.items()
    }
    contract.feedback = "感谢贵单位支持社区建设。"
    if stage == "renewed":
        contract.carry = [i for i in listed if progress[i] < 100][:1]
    return contract


MEETING_HOURS = [14, 9, 15, 10, 16]  # the first free one of the street centre's rooms


def _street_rooms(streets: list[Any]) -> dict[int, tuple[Any, list[Room]]]:
    """Per street: a street staff account (who books) and its in-use centre's bookable rooms, the
    协商议事 room first."""
    keepers: dict[int, Any] = {}
    for grant in (
        RoleGrant.objects.filter(role=Role.STREET_STAFF, area__in=streets)
        .select_related("user")
        .order_by("pk")
    ):
        keepers.setdefault(grant.area_id, grant.user)
    rooms: dict[int, list[Room]] = {}
    for room in (
        Room.objects.filter(
            bookable=True,
            venue__status=VenueStatus.IN_USE,
            venue__kind=VenueKind.STREET_CENTRE,
            venue__area__in=streets,
        )
        .select_related("venue")
        .order_by("pk")
    ):
        rooms.setdefault(room.venue.area_id, []).append(room)
    for listed in rooms.values():
        listed.sort(key=lambda r: r.function != "deliberation")
    return {s.pk: (keepers[s.pk], rooms[s.pk]) for s in streets if s.pk in keepers and s.pk in rooms}


def _book_room(session: Any, held_on: dt.date, place: tuple[Any, list[Room]] | None) -> Any:
    """The session books the first free slot of its street centre's rooms (``session_book_room``,
    by the street's staff); none free, no room."""
    if place is None:
        return session
    keeper, rooms = place
    for hour in MEETING_HOURS:
        start = timezone.make_aware(dt.datetime.combine(held_on, dt.time(hour)))
        end = start + dt.timedelta(hours=2)
        for room in rooms:
            if not overlapping(room.pk, start, end).exists():
                return services.session_book_room(
                    actor=keeper, session=session, room=room, starts_at=start, ends_at=end
                )
    return session


def _meetings(ctx: DemoContext, year: int, today: dt.date) -> None:
    a = ctx.actor
    departments = list(ctx.departments.values()) or ctx.units
    places = _street_rooms(list(ctx.streets))
    for i, street in enumerate(ctx.streets):
        body = services.body_create(
            actor=a, area=street, kind="joint_meeting", name=f"{street.name}党建联席会议"
        )
        committee = ctx.street_committees[i] if i < len(ctx.street_committees) else None
        seated = (
            PartTimeMember.objects.filter(committee=committee).select_related("unit")[:8] if committee else []
        )
        for member in seated:
            services.body_add_member(actor=a, body=body, part_time_member=member)
        for dept in ctx.rng.sample(departments, min(3, len(departments))):
            services.body_add_member(actor=a, body=body, name=ctx.faker.name(), post="部门代表", unit=dept)
        members = list(body.members.values_list("pk", flat=True))
        held: list[list[Task]] = []
        for q, (month, day) in enumerate(SESSION_DAYS):
            held_on = dt.date(year, month, day)
            session = services.session_plan(
                actor=a, body=body, title=f"{year}年第{q + 1}季度联席会议", held_on=held_on
            )
            session = _book_room(session, held_on, places.get(street.pk))
            services.session_add_agenda(actor=a, session=session, title=ctx.rng.choice(RESOLUTIONS) + "问题")
            if held_on > today or not members:
                continue
            if session.booking is not None and held_on < today:  # held there: approved, checked in
                booking = session.booking
                if booking.status == BookingStatus.REQUESTED:
                    booking = bookings.booking_approve(actor=a, booking=booking)
                bookings.booking_check_in(actor=a, booking=booking, attendance=len(members))
            resolutions = [
                {
                    "resolution": name,
                    "owner_unit": ctx.rng.choice(departments),
                    "due": held_on + dt.timedelta(days=ctx.rng.randrange(30, 80)),
                }
                for name in ctx.rng.sample(RESOLUTIONS, 2)
            ]
            tasks = services.session_hold(
                actor=a,
                session=session,
                attendance=members,
                minutes="会议研究了辖区治理难题。",
                resolutions=resolutions,
            )
            for previous in held[-1:]:
                for task in previous:
                    if ctx.rng.random() < 0.7:
                        task = services.task_complete(actor=a, task=task, note="已按期完成")
                        services.task_review(actor=a, task=task, session=session, accepted=True)
                    else:
                        services.task_report_progress(actor=a, task=task, progress=50, note="正在推进")
            held.append(tasks)
    services.tasks_sweep_overdue(today=today)


SECRETARY_PROJECTS = 80  # Luoyang: 58 street secretaries leading 80 projects
PROJECT_TITLES = [
    "红色物业提质",
    "老旧小区加装电梯",
    "一刻钟便民生活圈",
    "背街小巷改造",
    "智慧停车",
    "社区食堂",
]


def _projects(ctx: DemoContext, year: int, today: dt.date) -> int:
    """Secretary-led projects with milestones, a quarterly comment, some under rectification, some
    given their final rating; the secretary is a staff account of the place."""
    svc = services.projects
    a = ctx.actor
    staff = ctx.users.get(Role.COMMUNITY_STAFF) or [a]
    total = max(8, round(SECRETARY_PROJECTS * ctx.scale))
    for n in range(total):
        community = ctx.communities[n % len(ctx.communities)]
        p = svc.project_create(
            actor=a,
            area=community,
            secretary=staff[n % len(staff)],
            year=year,
            title=f"{community.name}{PROJECT_TITLES[n % len(PROJECT_TITLES)]}",
            goal="年内完成，群众满意度达到90%以上。",
            indicators="完成率100%；满意度90%",
            milestones=[
                {"name": "调研谋划", "due": dt.date(year, 3, 31)},
                {"name": "组织实施", "due": dt.date(year, 9, 30)},
                {"name": "验收评估", "due": dt.date(year, 12, 15)},
            ],
        )
        for m in p.milestones.all():
            if m.due < today and ctx.rng.random() < 0.8:
                svc.milestone_done(actor=staff[n % len(staff)], milestone=m, done_on=m.due)
        if today.month >= 4:
            svc.project_review(
                actor=a,
                project=p,
                kind="quarterly",
                rating=ctx.rng.choice(["excellent", "good", "fair"]),
                comment="推进有序，注意资金落实。",
                today=today,
            )
        share = n / total
        if share < 0.15:
            svc.project_review(
                actor=a,
                project=p,
                kind="rectification",
                comment="进度滞后，限期整改。",
                deadline=today + dt.timedelta(days=30),
                today=today,
            )
        elif share > 0.8 and today.month >= 11:
            svc.project_review(
                actor=a, project=p, kind="final", rating="good", comment="完成目标。", today=today
            )
    return total


DELIBERATIONS_PER_COMMUNITY = 2
TOPICS = [
    "小区加装电梯",
    "楼道堆物清理",
    "非机动车充电棚建设",
    "小区停车位施划",
    "清理违建棚舍和私搭菜地",  # Lianyungang's case, settled by 一委三会
    "垃圾分类投放点调整",
    "健身器材更新",
    "背街小巷路灯增设",
]
# Where the demo has no resident accounts, states that need no residents' votes, taken in turn from
# this cycle (every state within its first six; collecting and voting 5 in 20, proposed and
# deliberated 3, rejected and withdrawn 2); where residents live (the first street's communities)
# also one of each state after the vote.
CYCLE = ["collecting", "voting", "proposed", "deliberated", "rejected", "withdrawn"] * 2 + [
    "collecting",
    "voting",
    "collecting",
    "voting",
    "proposed",
    "deliberated",
    "collecting",
    "voting",
]
AFTER_THE_VOTE = ["decided", "published", "result_published"]
YIWEI_SHARE = 0.35  # Lianyungang's 一委三会 beside Luoyang's 一征三议两公开
ORDER = ["collecting", "proposed", "deliberated", "voting", "decided", "published", "result_published"]
MEETING = {  # who sits in the deliberation meeting (Lianyungang's case adds old members and the police)
    "yizheng": ["party", "residents_committee"],
    "yiwei": ["party", "council", "supervisory", "old_member", "resident_rep", "unit_rep", "police"],
}


def _voters(ctx: DemoContext) -> dict[int, list[Any]]:
    """The demo's residents and party members by the community of their grant (one query)."""
    people = [*ctx.users.get(Role.RESIDENT, []), *ctx.users.get(Role.PARTY_MEMBER, [])]
    by_user = {u.pk: u for u in people}
    grants = RoleGrant.objects.filter(user_id__in=list(by_user), role__in=[Role.RESIDENT, Role.PARTY_MEMBER])
    found: dict[int, list[Any]] = {}
    for user_id, area_id in grants.values_list("user_id", "area_id"):
        found.setdefault(area_id, []).append(by_user[user_id])
    return found


def _deliberate(ctx: DemoContext, community: Any, target: str, n: int, voters: list[Any]) -> Deliberation:
    a, now, today = ctx.actor, timezone.now(), timezone.localdate()
    method = "yiwei" if ctx.rng.random() < YIWEI_SHARE else "yizheng"
    topic = TOPICS[n % len(TOPICS)]
    d = services.deliberation_open(
        actor=a,
        community=community,
        title=f"{topic}",
        description=f"征集居民对{topic}的意见建议。",
        opinions_close=now + dt.timedelta(days=ctx.rng.randrange(3, 15)),
        method=method,
    )
    for who in voters[:2]:
        services.opinion_post(actor=who, deliberation=d, text=f"支持{topic}，建议尽快实施")
    if not voters:  # where the demo has no resident accounts: what a residents' forum said, recorded by staff
        services.opinion_post(actor=a, deliberation=d, text=f"居民座谈会意见：{topic}需兼顾低楼层住户")
    if target == "withdrawn":
        return services.deliberation_withdraw(actor=a, deliberation=d, reason="与其他议题合并")
    reach = ORDER.index("voting" if target == "rejected" else target)
    if reach >= 1:
        d = services.deliberation_propose(actor=a, deliberation=d, proposal=f"社区党组织提议：{topic}")
    if reach >= 2:
        participants = [{"kind": k, "name": ctx.faker.name()} for k in MEETING[method]]
        d = services.deliberation_committees(
            actor=a, deliberation=d, note="同意提交表决", participants=participants
        )
    if reach >= 3:
        d = services.deliberation_open_vote(
            actor=a, deliberation=d, entitled=max(1, len(voters)), vote_close=now + dt.timedelta(days=3)
        )
    if target in ORDER[:4]:  # collecting, proposed, deliberated or voting: no further
        return d
    if target != "rejected":
        for who in voters:
            services.vote_cast(actor=who, deliberation=d, choice="for")
    d = services.deliberation_close_vote(actor=a, deliberation=d, decision=f"同意{topic}，由居委会组织实施")
    if reach >= 5:
        d = services.deliberation_publish(actor=a, deliberation=d, today=today - dt.timedelta(days=10))
    _results(ctx, d, done=target == "result_published")
    if reach >= 6:
        d = services.deliberation_publish_result(actor=a, deliberation=d, result=f"{topic}已实施完毕")
    return d


def _results(ctx: DemoContext, d: Deliberation, *, done: bool) -> None:
    """Who does what by when: an item with two weighted sub-results, progress reported."""
    if d.status == "rejected":
        return
    acc, a = services.accountability, ctx.actor
    due = timezone.localdate() + dt.timedelta(days=ctx.rng.randrange(20, 90))
    parent = acc.result_add(actor=a, deliberation=d, title=f"落实：{d.title}", owner="社区居委会", due=due)
    steps = [("方案公示与施工", 3, "物业服务企业"), ("验收与回访", 1, "社区居务监事会")]
    children = [
        acc.result_add(
            actor=a, deliberation=d, title=title, owner=owner, due=due, weight=weight, parent=parent
        )
        for title, weight, owner in steps
    ]
    for child in children:
        progress = 100 if done else ctx.rng.choice([0, 30, 60, 100])
        if progress:
            acc.result_progress(actor=a, result=child, progress=progress, note="按计划推进")


def _deliberations(ctx: DemoContext) -> int:
    voters = _voters(ctx)
    n = 0
    for c, community in enumerate(ctx.communities):
        people = voters.get(community.pk, [])
        states = [
            CYCLE[(c * DELIBERATIONS_PER_COMMUNITY + j) % len(CYCLE)]
            for j in range(DELIBERATIONS_PER_COMMUNITY)
        ]
        if people:
            states += AFTER_THE_VOTE
        for state in states:
            _deliberate(ctx, community, state, n, people)
            n += 1
    return n


# The district's admission list (社区事务准入清单, as Yangquan's): what each department may push down.
ADMISSION_LIST = {
    "minzheng": [
        ("高龄津贴申请受理", "《山东省老年人权益保障条例》", True),
        ("低保对象入户核查", "《社会救助暂行办法》", True),
    ],
    "weijian": [("65岁以上老人健康体检通知", "《基本公共卫生服务规范》", True)],
    "renshe": [("城乡居民养老保险参保登记", "《社会保险法》", False)],
    "chengguan": [("门前三包宣传", "《城市市容和环境卫生管理条例》", False)],
    "yingji": [("防汛避险转移预案演练", "《突发事件应对法》", True)],
}
# Pushes outside the list that the demo's departments try (some sent for the district's approval).
OUTSIDE = ["代收违章停车罚款", "创城迎检资料台账", "企业安全生产检查", "统计报表代填", "商户证照核查"]
PUSHES_PER_COMMUNITY = 2


def _admission(ctx: DemoContext) -> int:
    """The list, and each community receiving pushes: inside the list admitted, outside refused or
    sent for approval, the district deciding most of those (every push with its events)."""
    svc, district = services.admission, ctx.district
    assert district is not None
    deciders = ctx.users.get(Role.ORG_DEPARTMENT) or [ctx.actor]
    handlers: dict[int, Any] = {}
    for user_id, unit_id in RoleGrant.objects.filter(role=Role.DEPARTMENT_HANDLER).values_list(
        "user_id", "unit_id"
    ):
        handlers.setdefault(unit_id, user_id)
    by_pk = {u.pk: u for u in ctx.users.get(Role.DEPARTMENT_HANDLER, [])}
    items = []
    for key, rows in ADMISSION_LIST.items():
        department = ctx.departments.get(key)
        if department is None:
            continue
        for title, basis, funded in rows:
            items.append(
                svc.item_add(
                    actor=deciders[0],
                    district=district,
                    department=department,
                    title=title,
                    legal_basis=basis,
                    funding_follows=funded,
                )
            )
    if not items:
        return 0
    n = waiting = 0
    for c, community in enumerate(ctx.communities):
        for j in range(PUSHES_PER_COMMUNITY):
            k = c * PUSHES_PER_COMMUNITY + j
            listed = k % 5 < 3  # three in five inside the list
            item = items[k % len(items)]
            department = item.department if listed else ctx.rng.choice(list(ctx.departments.values()))
            actor = by_pk.get(handlers.get(department.pk, 0), ctx.actor)
            push = svc.push(
                actor=actor,
                department=department,
                community=community,
                title=item.title if listed else OUTSIDE[k % len(OUTSIDE)],
                item=item if listed else None,
                ask_approval=not listed and k % 5 == 3,
            )
            if push.status == "pending":  # of every three: one left waiting, one approved, one rejected
                waiting += 1
                if waiting % 3:
                    approve = waiting % 3 == 2
                    note = "同意下沉，费随事转" if approve else "属部门职责，不得转嫁社区"
                    svc.decide(actor=deciders[0], request=push, approve=approve, note=note)
            n += 1
    return n


def run(ctx: DemoContext) -> None:
    today = timezone.localdate()
    year = today.year
    total = max(MIN_CONTRACTS, round(CONTRACTS * ctx.scale))
    task = ctx.progress("共建契约", total=total)
    half = max(1, total // 2)
    contracts = [_contract(ctx, n, year, total, _stage((n % half) / half)) for n in range(total)]
    services.contracts_history_load(actor=ctx.actor, contracts=contracts)
    task.advance(total)
    task = ctx.progress("联席会议", total=len(ctx.streets))
    _meetings(ctx, year, today)
    task.advance(len(ctx.streets))
    task = ctx.progress("书记领办项目", total=1)
    _projects(ctx, year, today)
    task.advance()
    task = ctx.progress("民主协商", total=1)
    _deliberations(ctx)
    task.advance()
    task = ctx.progress("社区事务准入", total=1)
    _admission(ctx)
    task.advance()
