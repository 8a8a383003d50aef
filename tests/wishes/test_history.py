"""Loading settled wishes in bulk (``wishes_history_load``): the fields, events, 双报到 link and
points the step-by-step services leave; every row checked first, nothing written on an error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quanyu.people import services as people
from quanyu.people.models import PointEntry
from quanyu.wishes import hooks, services
from quanyu.wishes.models import Wish, WishClaim, WishEvent
from quanyu.wishes.services import PastWish
from tests.wishes.factories import RESIDENT_NAME

pytestmark = pytest.mark.django_db


def _wishes(world, now):
    city = world.city
    ago = now - dt.timedelta(days=60)
    return [
        PastWish(  # posted by the resident, realised by a member, thanked
            community=city.communities[0],
            kind="repair",
            text="家里的水龙头一直漏水，自己修不了",
            public_text="某小区一户居民希望有人帮忙修理水龙头",
            submitted_at=ago,
            outcome="confirmed",
            wisher=city.users["resident"],
            claimant=world.members[0],
            claimed_by=world.member_users[0],
            thanks="谢谢！",
        ),
        PastWish(  # posted by staff for the elder, realised by a unit, confirmed after a call
            community=city.communities[0],
            kind="companionship",
            text="独居，子女在外地，希望每周有人来陪着说说话",
            public_text="某小区一位独居老人希望每周有人陪伴聊天",
            submitted_at=ago,
            outcome="confirmed",
            resident=world.elder,
            claimant=city.units[0],
            by_phone=True,
        ),
        PastWish(
            community=city.communities[0],
            kind="goods",
            text="想要一台新电视，旧的还能看",
            submitted_at=ago,
            outcome="rejected",
            wisher=city.users["resident"],
            reason="不属于微心愿范围",
        ),
        PastWish(
            community=city.communities[0],
            kind="goods",
            text="冬天到了，想要一床厚被子",
            public_text="某小区一位老人希望得到一床冬被",
            submitted_at=ago,
            outcome="cancelled",
            resident=world.elder,
            reason="许愿人已搬离本社区",
        ),
    ]


def test_settled_wishes_load_as_the_services_would_leave_them(
    world, city, django_capture_on_commit_callbacks
):
    now = timezone.now()
    member, user = world.members[0], world.member_users[0]
    report = people.report_submit_member(actor=user, member=member, community=city.communities[0])
    people.report_confirm(actor=city.users["community_x"], report=report)
    told: list[frozenset[int]] = []
    hooks.on_wish_changed(told.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            written = services.wishes_history_load(
                actor=city.users["community_x"], wishes=_wishes(world, now), now=now
            )
    finally:
        hooks.remove_wish_listener(told.append)
    assert written == 4
    wishes = list(Wish.objects.order_by("id"))
    assert [w.status for w in wishes] == ["confirmed", "confirmed", "rejected", "cancelled"]
    mine, elders, rejected, cancelled = wishes
    assert mine.street == city.streets[0] and mine.wisher == city.users["resident"] and not mine.on_behalf
    assert elders.on_behalf and elders.resident == world.elder and elders.confirmed_by_phone
    assert RESIDENT_NAME not in elders.public_text
    assert mine.reviewed_at < mine.fulfilled_at < mine.confirmed_at <= now
    assert rejected.published_at is None and rejected.reject_reason == "不属于微心愿范围"
    assert cancelled.cancel_reason == "许愿人已搬离本社区" and cancelled.claimed_shares == 0

    claim = WishClaim.objects.get(wish=mine)
    assert (claim.claimant_kind, claim.member, claim.by_user, claim.status) == (
        "member",
        member,
        user,
        "fulfilled",
    )
    assert claim.report_id == report.pk  # counted under the member's 双报到 of that year
    assert WishClaim.objects.get(wish=elders).unit == city.units[0]
    entry = PointEntry.objects.get(source=f"wish:{mine.pk}")
    assert entry.member == member and entry.points > 0

    def kinds(wish):
        return list(WishEvent.objects.filter(wish=wish).order_by("at", "id").values_list("kind", flat=True))

    assert kinds(mine) == ["submitted", "approved", "claimed", "fulfilled", "confirmed", "thanked"]
    assert kinds(elders) == ["submitted", "approved", "claimed", "fulfilled", "confirmed"]
    assert kinds(rejected) == ["submitted", "rejected"] and kinds(cancelled) == [
        "submitted",
        "approved",
        "cancelled",
    ]
    confirmed = WishEvent.objects.get(wish=mine, kind="confirmed")
    assert confirmed.payload["point_entries"] == [entry.pk] and confirmed.actor == city.users["resident"]
    assert WishEvent.objects.get(wish=elders, kind="confirmed").payload["by_phone"] is True
    assert told == [frozenset(w.pk for w in wishes)]  # once, after the commit


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (
            1,
            {"public_text": f"{RESIDENT_NAME}希望每周有人陪伴聊天"},
            "第2条心愿：公开内容不能含有许愿人的姓名",
        ),
        (0, {"claimant": None}, "第1条心愿：已确认的心愿须有认领方"),
        (2, {"outcome": "published"}, "第3条心愿：只能导入已确认、已退回或已取消的心愿"),
        (3, {"wisher": "resident"}, "第4条心愿：许愿人账号与代为登记的居民须有且只有一个"),
        (1, {"by_phone": False}, "第2条心愿：工作人员须电话回访许愿人后代为确认"),
        (0, {"done_after": dt.timedelta(days=90)}, "第1条心愿：各步的时间须依次在过去"),
        (3, {"kind": "money"}, "第4条心愿：心愿类别无效"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(world, city, index, change, message):
    now = timezone.now()
    rows = _wishes(world, now)
    for name, value in change.items():
        setattr(rows[index], name, city.users[value] if name == "wisher" else value)
    with pytest.raises(ValidationError) as caught:
        services.wishes_history_load(actor=city.users["community_x"], wishes=rows, now=now)
    assert message in " ".join(caught.value.messages)
    assert not Wish.objects.exists() and not WishEvent.objects.exists() and not PointEntry.objects.exists()


def test_staff_of_another_community_cannot_load_them(world, city):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.wishes_history_load(actor=city.users["community_y"], wishes=_wishes(world, now), now=now)
    assert not Wish.objects.exists()
