"""Party members of every community (the five categories), a few 双报到 reports confirmed, posts
with claims and duty, so that the member pages, rankings and reports have something to show."""

from __future__ import annotations

import datetime

from django.utils import timezone

from quanyu.core.idnumber import id_check_digit
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.people import services
from quanyu.people.models import Meeting, PartyMember
from quanyu.people.services import MemberSpec

TITLE = "党员与双报到"

MEMBERS_PER_BRANCH = 12  # at full scale: ~1,024 grid branches → ~12,000 members
FLOAT_PLACES = [
    "上海市浦东新区",
    "深圳市南山区",
    "青岛市黄岛区",
    "北京市朝阳区",
    "济南市历下区",
    "苏州工业园区",
]
CATEGORIES = ["社区党员", "在职党员", "在职党员", "离退休党员", "离退休党员", "流动党员", "企业党员"]
POSTS = ["环境监督岗", "政策宣传岗", "矛盾调解岗", "文明劝导岗"]
# 三会一课 of a demo member's branch: (kind, topic, days before the build date); the member was on leave
# for none, the others for the one 40 days back.
MEETINGS = [
    ("congress", "学习贯彻党的二十届三中全会精神", 70),
    ("committee", "研究部署在职党员双报到工作", 40),
    ("lecture", "书记讲党课：党建引领基层治理", 10),
]


def _id_number(ctx: DemoContext, serial: int) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=ctx.rng.randrange(0, 365 * 50))
    first17 = f"370602{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def run(ctx: DemoContext) -> None:
    # The build's date, as the tickets, venues and volunteering steps use: this year's 双报到,
    # duty and 三会一课 sit in the same year as everything else the demo shows (a fixed 2025 left
    # the current year's records and the assessment's 双报到 share empty).
    today = timezone.localdate()
    per_branch = max(2, round(MEMBERS_PER_BRANCH * ctx.scale))
    community_by_path = {c.path: c for c in ctx.communities}
    specs: list[MemberSpec] = []
    used: set[str] = set()
    for branch in ctx.grid_branches:
        community = next((c for p, c in community_by_path.items() if branch.area.path.startswith(p)), None)
        if community is None:
            continue
        for _ in range(per_branch):
            number = _id_number(ctx, len(specs))
            while number in used:
                number = _id_number(ctx, len(specs) + ctx.rng.randrange(1, 999))
            used.add(number)
            born_year = int(number[6:10])
            specs.append(
                MemberSpec(
                    name=ctx.faker.name(),
                    id_number=number,
                    phone=f"1{ctx.rng.choice('3578')}{ctx.rng.randrange(10**9):09d}",
                    branch=branch,
                    community=community,
                    category=ctx.rng.choice(CATEGORIES),
                    joined_on=datetime.date(min(born_year + ctx.rng.randrange(20, 40), 2024), 7, 1),
                    work_unit_name=ctx.rng.choice(ctx.units).name if ctx.units else "",
                )
            )
    task = ctx.progress("党员", total=len(specs))
    services.members_bulk_create(actor=ctx.actor, members=specs)
    task.advance(len(specs))

    # In every community: posts, an in-service member's confirmed report, a claim with duty logged.
    task = ctx.progress("双报到与岗位", total=len(ctx.communities))
    for community in ctx.communities:
        members = list(PartyMember.objects.filter(community=community).order_by("id")[:6])
        post = services.post_create(
            actor=ctx.actor, community=community, name=ctx.rng.choice(POSTS), duties="按月履职", capacity=3
        )
        # 双报到: in-service members of every community report and are confirmed (never none).
        in_service = PartyMember.objects.filter(community=community, category="in_service").order_by("id")
        for member in in_service[:2]:
            report = services.report_submit_member(
                actor=ctx.actor, member=member, community=community, year=today.year
            )
            services.report_confirm(actor=ctx.actor, report=report)
        # 流动党员: the first of the category are registered (the rest shows as work left to do).
        floating = PartyMember.objects.filter(community=community, category="floating").order_by("id")
        for member in floating[:2]:
            services.floating_open(
                actor=ctx.actor,
                member=member,
                direction="out",
                place=ctx.rng.choice(FLOAT_PLACES),
                starts_on=today - datetime.timedelta(days=ctx.rng.randrange(30, 400)),
                contact_interval_days=90,
            )
        for member in members[2:4]:
            claim = services.post_claim(actor=ctx.actor, post=post, member=member)
            services.duty_log_add(actor=ctx.actor, claim=claim, on_date=today, hours=2, note="巡查与宣传")
        task.advance(1)

    # The demo party-member accounts (dangyuan_N) are members of their community with a log-in,
    # the first an in-service member (双报到), and their branches held 三会一课 they attended.
    for user in ctx.users[Role.PARTY_MEMBER]:
        grant = user.grants.select_related("area").first()
        if grant is None:
            continue
        found = (
            PartyMember.objects.filter(community=grant.area, user__isnull=True)
            .select_related("branch")
            .first()
        )
        if found is None:
            continue
        member = services.member_update(actor=ctx.actor, member=found, user=user, category="in_service")
        if not Meeting.objects.filter(branch=member.branch).exists():
            branch_members = PartyMember.objects.filter(branch=member.branch).values_list("pk", flat=True)
            for kind, topic, days in MEETINGS:
                services.meeting_record(
                    actor=ctx.actor,
                    branch=member.branch,
                    kind=kind,
                    held_on=today - datetime.timedelta(days=days),
                    topic=topic,
                    attendance={
                        pk: ("present" if pk == member.pk or days != 40 else "leave") for pk in branch_members
                    },
                )
