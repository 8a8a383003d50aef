"""Micro-wishes in every state: vulnerable residents (with protected tags) for whom community staff
post, residents posting from their phones, members claiming and fulfilling, wishers confirming, a
few thank-yous, disputes, lapses and cancellations. Every step through ``quanyu.wishes.services``.

The seeds' proportions (Zhifu: about 3,000 wishes a year for a district): ``WISHES`` at
``ctx.scale`` 1 go through the step-by-step services, in every state (900 took 24 s on the shared
machine); the rest of the year, ``HISTORY`` wishes already settled (realised and confirmed, a few
rejected at review or cancelled), is loaded with ``wishes_history_load``, the bulk service a
community uses to bring its past ledger over, with the same events, 双报到 links and points.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.areas.models import Area
from quanyu.core.idnumber import id_check_digit
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.orgs.models import Unit
from quanyu.people import services as people
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services import PersonInput
from quanyu.volunteering import services as volunteering
from quanyu.volunteering.models import Team
from quanyu.wishes import services
from quanyu.wishes.models import Wish
from quanyu.wishes.services import PastWish

TITLE = "微心愿"

WISHES = 300
HISTORY = 2_700
TAGS = ["空巢老人", "留守儿童", "残疾人", "低收入"]
# (kind, what the person wrote, the public text staff publish)
WISHES_TEXT = [
    ("companionship", "独居，子女在外地，希望每周有人来陪着说说话", "某小区一位独居老人希望每周有人陪伴聊天"),
    ("goods", "冬天到了，想要一床厚被子", "某小区一位老人希望得到一床冬被"),
    ("study", "孩子上四年级，数学跟不上，希望有人辅导", "某小区一名留守儿童希望得到数学辅导"),
    ("repair", "家里的水龙头一直漏水，自己修不了", "某小区一户居民希望有人帮忙修理水龙头"),
    ("goods", "腿脚不便，希望有一副助行器", "某小区一位行动不便的居民希望得到一副助行器"),
    ("service", "希望有人帮忙理发", "某小区一位老人希望有人上门理发"),
    ("goods", "孩子想要一套课外书", "某小区一名儿童希望得到一套课外读物"),
]
# Shares of the final states, after the seeds (most wishes come true; a few wait or are refused).
PLAN = (
    ["submitted"] * 8
    + ["rejected"] * 3
    + ["published"] * 17
    + ["claimed"] * 12
    + ["fulfilled"] * 8
    + ["confirmed"] * 45
    + ["disputed"] * 2
    + ["lapsed"] * 3
    + ["cancelled"] * 2
)


def _id(ctx: DemoContext, serial: int) -> str:
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=ctx.rng.randrange(0, 365 * 20))  # 66 and older
    first17 = f"370602{born:%Y%m%d}{(700 + serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


def _elders(ctx: DemoContext) -> list[Resident]:
    """One resident with a protected tag in every community (two at full scale)."""
    per = 2 if ctx.scale >= 0.5 else 1
    elders = []
    for i, community in enumerate(ctx.communities):
        for j in range(per):
            elders.append(
                people.resident_create(
                    actor=ctx.actor,
                    person=PersonInput(
                        name=ctx.faker.name(),
                        id_number=_id(ctx, i * per + j),
                        phone=f"1{ctx.rng.choice('3578')}{ctx.rng.randrange(10**9):09d}",
                    ),
                    community=community,
                    room=f"{ctx.rng.randrange(1, 12)}号楼{ctx.rng.randrange(1, 7)}0{ctx.rng.randrange(1, 4)}",
                    tags=ctx.rng.choice(TAGS),
                )
            )
    return elders


def _link_members(ctx: DemoContext) -> dict[int, list[User]]:
    """The demo's party-member accounts by community: the people step linked each to a member of
    its community (``people.services.member_update(user=…)``)."""
    by_community: dict[int, list[User]] = defaultdict(list)
    accounts = ctx.users.get(Role.PARTY_MEMBER, [])
    linked = set(PartyMember.objects.filter(user__in=accounts).values_list("user_id", flat=True))
    for user in accounts:
        grant = user.grants.select_related("area").first()
        if grant is not None and user.pk in linked:
            by_community[grant.area.pk].append(user)
    return by_community


def _residents_by_community(ctx: DemoContext) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for user in ctx.users.get(Role.RESIDENT, []):
        grant = user.grants.select_related("area").first()
        if grant is not None:
            found[grant.area.pk].append(user)
    return found


def _post(ctx: DemoContext, i: int, community: Area, elder: Resident | None, resident: User | None) -> Wish:
    kind, text, _public = WISHES_TEXT[i % len(WISHES_TEXT)]
    value = ctx.rng.choice([None, 50, 80, 120, 200])
    if resident is not None and (elder is None or i % 3 == 0):
        return services.wish_submit(
            actor=resident, community=community, kind=kind, text=text, estimated_value=value
        )
    assert elder is not None
    shares = 3 if kind == "goods" and i % 5 == 0 else 1
    return services.wish_submit_on_behalf(
        actor=ctx.actor, resident=elder, kind=kind, text=text, estimated_value=value, shares=shares
    )


def _wisher(ctx: DemoContext, wish: Wish) -> Any:
    return wish.wisher if wish.wisher is not None else ctx.actor


def _team_led_by(ctx: DemoContext, wish: Wish, leader: User) -> Team:
    """The community's 红马甲 volunteer team led by ``leader`` (made on first use)."""
    found = Team.objects.filter(
        name="红马甲志愿服务队", community_id=wish.community_id, leader=leader
    ).first()
    if found is None:
        found = volunteering.team_create(
            actor=ctx.actor,
            name="红马甲志愿服务队",
            kind="resident",
            community=wish.community,
            organisation=f"{wish.community.name}党委",
            leader=leader,
        )
    return found


def _advance(ctx: DemoContext, i: int, wish: Wish, target: str, claimants: list[User]) -> None:
    if target == "submitted":
        return
    if target == "rejected":
        services.wish_reject(actor=ctx.actor, wish=wish, reason="不属于微心愿范围，已转其他渠道办理")
        return
    wish = services.wish_approve(actor=ctx.actor, wish=wish, public_text=WISHES_TEXT[i % len(WISHES_TEXT)][2])
    if target == "published":
        return
    if target == "cancelled":
        services.wish_cancel(actor=ctx.actor, wish=wish, reason="许愿人已搬离本社区")
        return
    if not claimants:
        return
    claims = []
    for n in range(wish.shares):
        who = claimants[(i + n) % len(claimants)]
        if n and who == claimants[i % len(claimants)]:
            # Back at the first claimant: the team he leads takes the shares still open (a team
            # holds one claim per wish).
            team = _team_led_by(ctx, wish, who)
            left = wish.shares - n
            claims.append(
                services.wish_claim(actor=who, wish=wish, claimant_kind="team", team=team, shares=left)
            )
            break
        else:
            claims.append(services.wish_claim(actor=who, wish=wish))
    if target == "lapsed":
        services.wish_claim_release(actor=ctx.actor, claim=claims[0], note="认领人长期未联系，退回心愿墙")
        return
    for claim in claims:
        services.wish_claim_progress(actor=claim.by_user, claim=claim, note="已联系许愿人，正在准备")
    if target == "claimed":
        return
    for claim in claims:
        services.wish_fulfil(actor=claim.by_user, claim=claim, note="已送达并当面交给许愿人")
    wish.refresh_from_db()
    if target == "fulfilled":
        return
    if target == "disputed":
        services.wish_dispute(actor=_wisher(ctx, wish), wish=wish, reason="东西与心愿不一致")
        return
    by_phone = wish.wisher is None
    wish = services.wish_confirm(
        actor=_wisher(ctx, wish), wish=wish, by_phone=by_phone, note="电话回访，已收到" if by_phone else ""
    )
    if i % 4 == 0:
        services.wish_thank(actor=_wisher(ctx, wish), wish=wish, text="感谢社区和志愿者的关心帮助！")


def run(ctx: DemoContext) -> None:
    elders = _elders(ctx)
    elders_by_community: dict[int, list[Resident]] = defaultdict(list)
    for person in elders:
        elders_by_community[person.community_id].append(person)
    members = _link_members(ctx)
    residents = _residents_by_community(ctx)
    _history(ctx, elders_by_community, residents)
    everyone = [u for users in members.values() for u in users]
    total = max(len(PLAN) // 4, round(WISHES * ctx.scale))
    task = ctx.progress("微心愿", total=total)
    for i in range(total):
        community = ctx.communities[i % len(ctx.communities)]
        elder_list = elders_by_community.get(community.pk, [])
        resident_list = residents.get(community.pk, [])
        elder = elder_list[i % len(elder_list)] if elder_list else None
        resident = resident_list[i % len(resident_list)] if resident_list else None
        wish = _post(ctx, i, community, elder, resident)
        claimants = members.get(community.pk) or everyone
        _advance(ctx, i, wish, PLAN[(i * 7) % len(PLAN)], claimants)
        task.advance(1)


def _history(ctx: DemoContext, elders: dict[int, list[Resident]], residents: dict[int, list[User]]) -> None:
    """The year's settled wishes before the ones in flight: 85 % realised, the rest rejected or cancelled."""
    total = round(HISTORY * ctx.scale)
    if total <= 0:
        return
    task = ctx.progress("微心愿（往期）", total=total)
    now = timezone.now()
    members: dict[int, list[PartyMember]] = defaultdict(list)
    for member in PartyMember.objects.filter(user__isnull=False, community__isnull=False).select_related(
        "user"
    ):
        members[member.community_id].append(member)  # type: ignore[index]
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in ctx.units:
        if unit.pk in ctx.unit_community:
            units[ctx.communities[ctx.unit_community[unit.pk]].pk].append(unit)
    batch: list[PastWish] = []
    for i in range(total):
        community = ctx.communities[(i * 11) % len(ctx.communities)]
        kind, text, public = WISHES_TEXT[i % len(WISHES_TEXT)]
        mine = residents.get(community.pk, [])
        theirs = elders.get(community.pk, [])
        wisher = mine[i % len(mine)] if mine and (i % 3 == 0 or not theirs) else None
        resident = None if wisher is not None else (theirs[i % len(theirs)] if theirs else None)
        if wisher is None and resident is None:
            continue
        roll = ctx.rng.random()
        outcome = "confirmed" if roll < 0.85 else "rejected" if roll < 0.93 else "cancelled"
        claimant: Any = None
        claimed_by = None
        if outcome == "confirmed":
            here = members.get(community.pk)
            if here and ctx.rng.random() < 0.6:
                claimant = ctx.rng.choice(here)
                claimed_by = claimant.user
            elif units.get(community.pk):
                claimant = ctx.rng.choice(units[community.pk])
            elif here:
                claimant = ctx.rng.choice(here)
                claimed_by = claimant.user
            else:
                outcome = "cancelled"
        batch.append(
            PastWish(
                community=community,
                kind=kind,
                text=text,
                public_text=public,
                submitted_at=now
                - datetime.timedelta(days=ctx.rng.randrange(40, 360), hours=ctx.rng.randrange(0, 12)),
                outcome=outcome,
                estimated_value=ctx.rng.choice([None, 50, 80, 120, 200]),
                wisher=wisher,
                resident=resident,
                claimant=claimant,
                claimed_by=claimed_by,
                reviewed_after=datetime.timedelta(days=ctx.rng.randrange(1, 4)),
                done_after=datetime.timedelta(days=ctx.rng.randrange(5, 25)),
                by_phone=wisher is None,
                reason="不属于微心愿范围，已转其他渠道办理"
                if outcome == "rejected"
                else "许愿人已搬离本社区",
                note="已送达并当面交给许愿人",
                thanks="感谢社区和志愿者的关心帮助！" if i % 4 == 0 else "",
            )
        )
    for first in range(0, len(batch), 500):
        services.wishes_history_load(actor=ctx.actor, wishes=batch[first : first + 500], now=now)
        task.advance(len(batch[first : first + 500]))
