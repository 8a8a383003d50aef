"""Co-governance: co-building contracts across a year's cycle (150 at full scale: the seeds'
1,200 units under contract in Luoyang and 600+ in Yangquan suggest for one district), and a
joint-meeting body per street (its part-time committee members and department representatives)
with a year of quarterly sessions whose resolutions are tasks, some done and reviewed, some
overdue. Everything goes through ``quanyu.cogov.services``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import Contract, Task
from quanyu.demo.context import DemoContext
from quanyu.orgs.models import PartTimeMember

TITLE = "共建共治"
CONTRACTS = 150  # the seeds speak of 600; through the services that is ~25 s of the build
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


def _contract(ctx: DemoContext, n: int, year: int, total: int) -> Contract:
    community = ctx.communities[n % len(ctx.communities)]
    units = [u for u in ctx.units if ctx.unit_community.get(u.pk) == n % len(ctx.communities)] or ctx.units
    unit = units[(n // len(ctx.communities)) % len(units)]
    picks = ctx.rng.sample(PROJECTS, 2)
    projects = [
        {
            "name": name,
            "owner": ctx.faker.name(),
            "owner_unit": unit,
            "starts": dt.date(year, ctx.rng.randrange(1, 5), 1),
            "ends": dt.date(year, ctx.rng.randrange(7, 13), 1) - dt.timedelta(days=1),
        }
        for name, _ in picks
    ]
    offers = [{"kind": kind, "text": f"{unit.name}提供{name}所需支持"} for name, kind in picks]
    return services.contract_create(
        actor=ctx.actor,
        area=community,
        year=year,
        title=f"{unit.name}与{community.name}共建契约",
        units=[unit],
        offers=offers,
        needs="、".join(name for name, _ in picks),
        projects=projects,
    )


def _advance(ctx: DemoContext, contract: Contract, stage: str) -> None:
    a = ctx.actor
    if stage == "draft":
        return
    contract = services.contract_sign(actor=a, contract=contract, side="unit")
    contract = services.contract_sign(actor=a, contract=contract, side="area")
    if stage == "signed":
        return
    progress = {p.pk: ctx.rng.randrange(20, 101, 10) for p in contract.projects.all()}
    contract = services.contract_supervise(actor=a, contract=contract, progress=progress, note="按计划推进")
    if stage == "supervised":
        return
    contract = services.contract_unit_report(
        actor=a, contract=contract, report="全年履约情况良好，项目按期完成。"
    )
    scores = {
        name: ctx.rng.randrange(top * 6, top * 10 + 1) / 10
        for name, top in services.EVALUATION_INDICATORS.items()
    }
    contract = services.contract_evaluate(
        actor=a, contract=contract, scores=scores, feedback="感谢贵单位支持社区建设。"
    )
    if stage == "renewed":
        carry = [p.pk for p in contract.projects.all() if p.progress < 100][:1]
        services.contract_renew(actor=a, contract=contract, carry=carry)


def _meetings(ctx: DemoContext, year: int, today: dt.date) -> None:
    a = ctx.actor
    departments = list(ctx.departments.values()) or ctx.units
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
            services.session_add_agenda(actor=a, session=session, title=ctx.rng.choice(RESOLUTIONS) + "问题")
            if held_on > today or not members:
                continue
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


def run(ctx: DemoContext) -> None:
    today = timezone.localdate()
    year = today.year
    total = max(MIN_CONTRACTS, round(CONTRACTS * ctx.scale))
    task = ctx.progress("共建契约", total=total)
    for n in range(total):
        contract = _contract(ctx, n, year, total)
        _advance(ctx, contract, _stage(n / total))
        task.advance()
    task = ctx.progress("联席会议", total=len(ctx.streets))
    _meetings(ctx, year, today)
    task.advance(len(ctx.streets))
