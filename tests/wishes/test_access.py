"""Every step × every persona: allowed ones go through and write an event; refused ones raise
PermissionDenied and write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from quanyu.wishes import services
from quanyu.wishes.models import WishEvent
from tests.asserts import nothing_written
from tests.wishes.factories import behalf_wish, claimed, fulfilled, published, resident_wish

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
    "member",
]
STAFF = {"district_admin", "street_staff", "community_x"}


def _submitted(world, city):
    return resident_wish(city)


def _published(world, city):
    return published(resident_wish(city), city)


def _claimed(world, city):
    return claimed(world, _published(world, city))


def _fulfilled(world, city):
    claim = _claimed(world, city)
    fulfilled(world, claim)
    wish = claim.wish
    wish.refresh_from_db()
    return wish


def _disputed(world, city):
    return services.wish_dispute(
        actor=city.users["resident"], wish=_fulfilled(world, city), reason="不是想要的"
    )


def _confirmed(world, city):
    return services.wish_confirm(actor=city.users["resident"], wish=_fulfilled(world, city))


Step = tuple[Callable[[Any, Any], Any], Callable[[Any, Any, Any], Any], set[str]]
STEPS: dict[str, Step] = {
    "submit": (
        lambda w, c: None,
        lambda a, o, w: services.wish_submit(
            actor=a, community=w.city.communities[0], kind="goods", text="需要一把轮椅"
        ),
        {"resident", "member"},
    ),
    "submit_on_behalf": (
        lambda w, c: None,
        lambda a, o, w: services.wish_submit_on_behalf(
            actor=a, resident=w.elder, kind="goods", text="需要一把轮椅"
        ),
        STAFF,
    ),
    "approve": (
        _submitted,
        lambda a, o, w: services.wish_approve(actor=a, wish=o, public_text="某居民希望有人帮忙换台灯"),
        STAFF,
    ),
    "reject": (
        _submitted,
        lambda a, o, w: services.wish_reject(actor=a, wish=o, reason="不属于微心愿"),
        STAFF,
    ),
    "cancel": (
        _submitted,
        lambda a, o, w: services.wish_cancel(actor=a, wish=o, reason="不需要了"),
        STAFF | {"resident"},
    ),
    "claim": (_published, lambda a, o, w: services.wish_claim(actor=a, wish=o), {"member"}),
    "progress": (
        _claimed,
        lambda a, o, w: services.wish_claim_progress(actor=a, claim=o, note="正在准备"),
        {"member"},
    ),
    "release": (_claimed, lambda a, o, w: services.wish_claim_release(actor=a, claim=o), STAFF | {"member"}),
    "reassign": (
        _claimed,
        lambda a, o, w: services.wish_claim_reassign(actor=a, claim=o, reason="改派", team=w.team),
        STAFF,
    ),
    "fulfil": (
        _claimed,
        lambda a, o, w: services.wish_fulfil(actor=a, claim=o, note="已完成"),
        STAFF | {"member"},
    ),
    "confirm": (
        _fulfilled,
        lambda a, o, w: services.wish_confirm(actor=a, wish=o, by_phone=True, note="电话回访已确认"),
        STAFF | {"resident"},
    ),
    "dispute": (
        _fulfilled,
        lambda a, o, w: services.wish_dispute(actor=a, wish=o, reason="不满意"),
        STAFF | {"resident"},
    ),
    "resolve": (
        _disputed,
        lambda a, o, w: services.wish_resolve(actor=a, wish=o, upheld=True, note="重新办理"),
        STAFF,
    ),
    "thank": (
        _confirmed,
        lambda a, o, w: services.wish_thank(actor=a, wish=o, text="谢谢大家"),
        STAFF | {"resident"},
    ),
}


def _actor(world, city, persona):
    return world.member_users[0] if persona == "member" else city.users[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_permission_matrix(world, city, step, persona):
    setup, call, allowed = STEPS[step]
    obj = setup(world, city)
    actor = _actor(world, city, persona)
    if persona in allowed:
        before = WishEvent.objects.count()
        call(actor, obj, world)
        assert WishEvent.objects.count() > before
        return
    objects = [o for o in (obj, getattr(obj, "wish", None)) if o is not None]
    with nothing_written(*objects), pytest.raises(PermissionDenied):
        call(actor, obj, world)


def test_staff_of_another_community_see_no_identity(world, city):
    from quanyu.wishes.selectors import wisher_identity

    wish = behalf_wish(world)
    assert wisher_identity(actor=city.users["community_x"], wish=wish).name == world.elder.name
    for persona in ("community_y", "grid_worker", "resident", "outsider", "department_handler"):
        assert wisher_identity(actor=city.users[persona], wish=wish) is None
