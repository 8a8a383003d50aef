"""Random sequences of steps by random people keep a wish sound: the event history replays through
the table, the shares add up, a refused step writes nothing and an accepted one writes an event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quanyu.wishes import services
from quanyu.wishes.models import Wish, WishClaim, WishEvent
from quanyu.wishes.states import ALLOWED, HOLDING, ClaimStatus, WishStatus
from tests.wishes.factories import resident_wish


def _claim(wish: Wish) -> WishClaim | None:
    return wish.claims.filter(status__in=list(HOLDING)).order_by("pk").first()


def _by_claim(fn):  # type: ignore[no-untyped-def]
    def run(actor, wish, world):  # type: ignore[no-untyped-def]
        claim = _claim(wish) or WishClaim.objects.filter(wish=wish).order_by("-pk").first()
        if claim is None:
            raise ValidationError("no claim")
        return fn(actor, claim)

    return run


ACTIONS = {
    "approve": lambda a, w, world: services.wish_approve(
        actor=a, wish=w, public_text="某居民的一个心愿", shares=2
    ),
    "reject": lambda a, w, world: services.wish_reject(actor=a, wish=w, reason="不属于心愿"),
    "claim": lambda a, w, world: services.wish_claim(actor=a, wish=w),
    "team": lambda a, w, world: services.wish_claim(actor=a, wish=w, claimant_kind="team", team=world.team),
    "progress": _by_claim(lambda a, c: services.wish_claim_progress(actor=a, claim=c, note="进展")),
    "release": _by_claim(lambda a, c: services.wish_claim_release(actor=a, claim=c)),
    "fulfil": _by_claim(lambda a, c: services.wish_fulfil(actor=a, claim=c, note="完成了")),
    "confirm": lambda a, w, world: services.wish_confirm(actor=a, wish=w, by_phone=True, note="电话确认"),
    "dispute": lambda a, w, world: services.wish_dispute(actor=a, wish=w, reason="不对"),
    "redo": lambda a, w, world: services.wish_resolve(actor=a, wish=w, upheld=True, note="重做"),
    "settle": lambda a, w, world: services.wish_resolve(actor=a, wish=w, upheld=False, note="确认"),
    "thank": lambda a, w, world: services.wish_thank(actor=a, wish=w, text="谢谢"),
    "cancel": lambda a, w, world: services.wish_cancel(actor=a, wish=w, reason="不要了"),
}
PEOPLE = ["community_x", "community_y", "resident", "member0", "member1", "outsider"]


def _actor(city, world, who):  # type: ignore[no-untyped-def]
    return world.member_users[int(who[-1])] if who.startswith("member") else city.users[who]


def _snapshot(wish: Wish) -> tuple:
    row = Wish.objects.filter(pk=wish.pk).values().get()
    claims = list(WishClaim.objects.filter(wish=wish).order_by("pk").values_list("status", "shares"))
    return row, claims, WishEvent.objects.filter(wish=wish).count()


def _sound(wish: Wish) -> None:
    wish.refresh_from_db()
    held = sum(c.shares for c in wish.claims.filter(status__in=list(HOLDING)))
    assert held == wish.claimed_shares <= wish.shares
    if wish.status == WishStatus.CLAIMED:
        assert wish.claimed_shares == wish.shares
    if wish.status == WishStatus.PUBLISHED:
        assert wish.claimed_shares < wish.shares
    if wish.status in (WishStatus.FULFILLED, WishStatus.CONFIRMED):
        assert not wish.claims.filter(status=ClaimStatus.ACTIVE).exists()
    status = ""
    for ev in wish.events.order_by("at", "id"):
        assert ev.from_status == status
        if status:
            assert ev.to_status in ALLOWED[WishStatus(status)], (status, ev.kind, ev.to_status)
        status = ev.to_status
    assert status == wish.status


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(sorted([*ACTIONS, "lapse"])), st.sampled_from(PEOPLE)),
        min_size=1,
        max_size=12,
    )
)
def test_random_steps_keep_the_wish_sound(world, city, steps):
    wish = resident_wish(city)
    for action, who in steps:
        before = _snapshot(wish)
        if action == "lapse":
            services.wish_lapse_sweep(now=timezone.now() + dt.timedelta(days=365))
            _sound(wish)
            continue
        try:
            ACTIONS[action](_actor(city, world, who), Wish.objects.get(pk=wish.pk), world)
        except (PermissionDenied, ValidationError):
            assert _snapshot(wish) == before, f"{action} by {who} was refused but wrote something"
        else:
            assert _snapshot(wish)[2] > before[2], f"{action} by {who} wrote no event"
        _sound(wish)
        event(f"visited: {wish.status}")
