"""Wishes test data, made through the services: members with accounts, a vulnerable resident, and
wishes in each state."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from quanyu.accounts.models import User
from quanyu.core.roles import Role
from quanyu.people import services as people
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services import PersonInput
from quanyu.volunteering import services as volunteering
from quanyu.volunteering.models import Team
from quanyu.wishes import services
from quanyu.wishes.models import Wish, WishClaim
from tests.factories import make_user
from tests.people.helpers import add_member, make_branches, make_id, phone

RESIDENT_NAME = "王秀英"
RESIDENT_PHONE = phone(777)
RESIDENT_ID = make_id(77, born="19400101", male=False)
RESIDENT_ROOM = "3单元502"


def jpeg(color: str = "red") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="JPEG")
    out.seek(0)
    out.name = "evidence.jpg"
    return out


def member_with_account(
    city: Any, branches: Any, seq: int, *, community: int = 0
) -> tuple[PartyMember, User]:
    member = add_member(city, branches, seq, community=community)
    user = make_user(f"member{seq}", Role.PARTY_MEMBER, city.communities[community])
    PartyMember.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    return member, user


@dataclass
class WishWorld:
    city: Any
    members: list[PartyMember] = field(default_factory=list)
    member_users: list[User] = field(default_factory=list)
    elder: Resident | None = None
    unit_contact: User | None = None
    team: Team | None = None  # a volunteer team led by member_users[1]


def make_world(city: Any) -> WishWorld:
    branches = make_branches(city)
    world = WishWorld(city=city)
    for seq in (1, 2):
        m, u = member_with_account(city, branches, seq)
        world.members.append(m)
        world.member_users.append(u)
    world.elder = people.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name=RESIDENT_NAME, id_number=RESIDENT_ID, phone=RESIDENT_PHONE, address="1号楼"),
        community=city.communities[0],
        tags="空巢老人",
    )
    Resident.objects.filter(pk=world.elder.pk).update(room=RESIDENT_ROOM)
    world.elder.refresh_from_db()
    world.unit_contact = make_user("unit_contact", Role.RESIDENT, city.communities[0], unit=city.units[0])
    world.team = volunteering.team_create(
        actor=city.users["community_x"],
        name="红马甲服务队",
        kind="resident",
        community=city.communities[0],
        organisation="社区党委",
        leader=world.member_users[1],
    )
    return world


def resident_wish(city: Any, **extra: Any) -> Wish:
    return services.wish_submit(
        actor=city.users["resident"],
        community=city.communities[0],
        kind=extra.pop("kind", "goods"),
        text=extra.pop("text", "家里的台灯坏了，希望有人帮忙换一个"),
        contact_phone=extra.pop("contact_phone", phone(555)),
        address_detail=extra.pop("address_detail", "2号楼101"),
        **extra,
    )


def behalf_wish(world: WishWorld, **extra: Any) -> Wish:
    assert world.elder is not None
    return services.wish_submit_on_behalf(
        actor=world.city.users["community_x"],
        resident=world.elder,
        kind=extra.pop("kind", "companionship"),
        text=extra.pop("text", f"{RESIDENT_NAME}老人独居，{RESIDENT_ROOM}，希望每周有人陪她聊天"),
        **extra,
    )


def published(wish: Wish, city: Any, *, shares: int | None = None) -> Wish:
    return services.wish_approve(
        actor=city.users["community_x"],
        wish=wish,
        public_text="某小区一位独居老人希望有人陪伴聊天",
        shares=shares,
    )


def claimed(world: WishWorld, wish: Wish, who: int = 0) -> WishClaim:
    return services.wish_claim(actor=world.member_users[who], wish=wish)


def fulfilled(world: WishWorld, claim: WishClaim, who: int = 0) -> WishClaim:
    return services.wish_fulfil(
        actor=world.member_users[who], claim=claim, note="已陪老人聊天两小时", photos=[jpeg()]
    )
