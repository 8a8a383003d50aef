from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quanyu.core.workflow import ConflictError, TransitionError
from quanyu.people import services as people
from quanyu.people.models import PointEntry
from quanyu.wishes import selectors, services
from quanyu.wishes.models import WishClaim, WishEvent, WishPhoto
from quanyu.wishes.states import ClaimStatus, WishStatus
from tests.asserts import nothing_written
from tests.people.helpers import make_id, phone
from tests.wishes.factories import behalf_wish, claimed, fulfilled, published, resident_wish


def kinds(wish):
    return list(WishEvent.objects.filter(wish=wish).values_list("kind", flat=True))


def test_a_resident_wish_goes_from_the_wall_to_points(world, city):
    wish = resident_wish(city)
    assert wish.status == WishStatus.SUBMITTED
    wish = published(wish, city)
    claim = claimed(world, wish)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    fulfilled(world, claim)
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    assert WishPhoto.objects.filter(claim=claim, kind=WishPhoto.Kind.EVIDENCE).count() == 1
    wish = services.wish_confirm(actor=city.users["resident"], wish=wish)
    assert wish.status == WishStatus.CONFIRMED and not wish.confirmed_by_phone
    entry = PointEntry.objects.get(member=world.members[0], rule__code="wish_fulfilled")
    assert entry.source == f"wish:{wish.pk}"
    services.wish_thank(actor=city.users["resident"], wish=wish, text="谢谢好心人送来的台灯")
    assert kinds(wish) == ["submitted", "approved", "claimed", "fulfilled", "confirmed", "thanked"]


def test_staff_confirm_only_after_a_phone_call_recorded_as_such(world, city):
    wish = published(behalf_wish(world), city)
    fulfilled(world, claimed(world, wish))
    wish.refresh_from_db()
    with nothing_written(wish), pytest.raises(ValidationError) as err:
        services.wish_confirm(actor=city.users["community_x"], wish=wish)
    assert "by_phone" in err.value.message_dict
    wish = services.wish_confirm(
        actor=city.users["community_x"], wish=wish, by_phone=True, note="电话回访王奶奶，已收到"
    )
    assert wish.confirmed_by_phone
    ev = WishEvent.objects.get(wish=wish, kind="confirmed")
    assert ev.payload["by_phone"] is True and ev.payload["point_entries"]


def test_the_yearly_record_counts_the_wish_under_the_members_report(world, city):
    member, user = world.members[0], world.member_users[0]
    report = people.report_submit_member(actor=user, member=member, community=city.communities[0])
    people.report_confirm(actor=city.users["community_x"], report=report)
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    assert claim.report_id == report.pk
    fulfilled(world, claim)
    services.wish_confirm(actor=city.users["resident"], wish=wish)
    record = selectors.member_wish_record(member=member, year=timezone.localdate().year)
    assert [c.pk for c in record.claims] == [claim.pk]
    assert record.realised == 1 and record.reports == [report]


def test_a_divisible_wish_takes_shares_until_full(world, city):
    wish = published(resident_wish(city), city, shares=3)
    first = services.wish_claim(actor=world.member_users[0], wish=wish, shares=2)
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED and wish.shares_left == 1
    with nothing_written(wish), pytest.raises(ValidationError) as err:
        services.wish_claim(actor=world.member_users[1], wish=wish, shares=2)
    assert "shares" in err.value.message_dict
    team = services.wish_claim(actor=world.member_users[1], wish=wish, claimant_kind="team", team=world.team)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.shares_left == 0
    services.wish_fulfil(actor=world.member_users[0], claim=first, note="送去两份")
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    services.wish_fulfil(actor=world.member_users[1], claim=team, note="送去一份")
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED


def test_a_unit_claims_through_its_contact(world, city):
    wish = published(resident_wish(city), city)
    claim = services.wish_claim(actor=world.unit_contact, wish=wish, claimant_kind="unit", unit=city.units[0])
    assert claim.unit_id == city.units[0].pk and claim.claimant_label == city.units[0].name


def test_a_claim_without_progress_lapses_back_to_the_wall(world, city, settings):
    settings.QUANYU_WISH_LAPSE_DAYS = 7
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    now = timezone.now()
    WishClaim.objects.filter(pk=claim.pk).update(progress_at=now - dt.timedelta(days=6))
    assert services.wish_lapse_sweep(now=now) == 0
    services.wish_claim_progress(actor=world.member_users[0], claim=claim, note="已买好台灯")
    assert services.wish_lapse_sweep(now=now + dt.timedelta(days=6)) == 0
    assert services.wish_lapse_sweep(now=now + dt.timedelta(days=8)) == 1
    assert services.wish_lapse_sweep(now=now + dt.timedelta(days=8)) == 0
    claim.refresh_from_db()
    wish.refresh_from_db()
    assert claim.status == ClaimStatus.LAPSED
    assert wish.status == WishStatus.PUBLISHED and wish.claimed_shares == 0
    # The lapsed claim cannot be fulfilled; another member claims the wish again.
    with nothing_written(wish, claim), pytest.raises(TransitionError):
        services.wish_fulfil(actor=world.member_users[0], claim=claim, note="晚了")
    claimed(world, wish, who=1)


def test_release_reassign_dispute_and_resolve(world, city):
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    services.wish_claim_release(actor=world.member_users[0], claim=claim, note="临时出差")
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED
    claim = claimed(world, wish, who=1)
    new = services.wish_claim_reassign(
        actor=city.users["community_x"], claim=claim, reason="原认领人生病", member=world.members[0]
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REASSIGNED and new.member_id == world.members[0].pk
    fulfilled(world, new)
    wish.refresh_from_db()
    wish = services.wish_dispute(actor=city.users["resident"], wish=wish, reason="台灯型号不对")
    wish = services.wish_resolve(actor=city.users["community_x"], wish=wish, upheld=True, note="请重新购买")
    new.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and new.status == ClaimStatus.ACTIVE
    fulfilled(world, new)
    wish.refresh_from_db()
    wish = services.wish_dispute(actor=city.users["resident"], wish=wish, reason="还是不对")
    wish = services.wish_resolve(
        actor=city.users["community_x"], wish=wish, upheld=False, note="核实后型号无误"
    )
    assert wish.status == WishStatus.CONFIRMED and wish.confirmed_by_phone
    assert "reassigned" in kinds(wish) and kinds(wish).count("disputed") == 2


def test_cancel_takes_the_claims_with_it(world, city):
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    wish.refresh_from_db()
    wish = services.wish_cancel(actor=city.users["community_x"], wish=wish, reason="老人已搬走")
    claim.refresh_from_db()
    assert wish.status == WishStatus.CANCELLED and claim.status == ClaimStatus.CANCELLED
    with nothing_written(wish), pytest.raises(TransitionError):
        services.wish_claim(actor=world.member_users[1], wish=wish)


def test_claiming_a_taken_wish_is_a_conflict(world, city):
    wish = published(resident_wish(city), city)
    stale = type(wish).objects.get(pk=wish.pk)
    claimed(world, wish)
    with nothing_written(stale), pytest.raises(ConflictError):
        services.wish_claim(actor=world.member_users[1], wish=stale)


def test_a_member_claims_a_divisible_wish_once(world, city):
    wish = published(resident_wish(city), city, shares=3)
    claimed(world, wish)
    wish.refresh_from_db()
    with nothing_written(wish), pytest.raises(ConflictError):
        claimed(world, wish)


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("kind", {"kind": "money"}),
        ("text", {"text": "短"}),
        ("estimated_value", {"estimated_value": "abc"}),
        ("estimated_value", {"estimated_value": "-1"}),
        ("wanted_by", {"wanted_by": dt.date(2000, 1, 1)}),
        ("contact_phone", {"contact_phone": "12345"}),
        ("photos", {"photos": [b"not an image"]}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(city, field, extra):
    with nothing_written(), pytest.raises(ValidationError) as err:
        resident_wish(city, **extra)
    assert field in err.value.message_dict


def test_the_public_text_may_not_carry_the_wishers_details(world, city):
    wish = behalf_wish(world)
    for text in (
        "王秀英老人希望有人陪伴",
        "某老人希望有人陪伴，电话13900000777",
        "某老人住3单元502希望有人陪伴",
    ):
        with nothing_written(wish), pytest.raises(ValidationError) as err:
            services.wish_approve(actor=city.users["community_x"], wish=wish, public_text=text)
        assert "public_text" in err.value.message_dict


def test_on_behalf_only_for_a_resident_with_a_protected_tag(world, city):
    plain = people.resident_create(
        actor=city.users["community_x"],
        person=people.PersonInput(name="李四", id_number=make_id(88), phone=phone(88)),
        community=city.communities[0],
    )
    with nothing_written(), pytest.raises(ValidationError) as err:
        services.wish_submit_on_behalf(
            actor=city.users["community_x"], resident=plain, kind="goods", text="需要一台收音机"
        )
    assert "resident" in err.value.message_dict


def test_bad_transitions_are_refused(world, city):
    wish = resident_wish(city)
    with nothing_written(wish), pytest.raises(TransitionError):
        services.wish_claim(actor=world.member_users[0], wish=wish)
    with nothing_written(wish), pytest.raises(TransitionError):
        services.wish_confirm(actor=city.users["resident"], wish=wish)
    wish = services.wish_reject(actor=city.users["community_x"], wish=wish, reason="不属于微心愿范围")
    with nothing_written(wish), pytest.raises(TransitionError):
        services.wish_approve(actor=city.users["community_x"], wish=wish, public_text="某居民希望得到帮助")
    assert WishClaim.objects.count() == 0


def test_the_sweep_command_and_task_lapse_stale_claims(world, city, settings):
    from django.core.management import call_command

    from quanyu.wishes.tasks import lapse_claims_task

    settings.QUANYU_WISH_LAPSE_DAYS = 1
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    WishClaim.objects.filter(pk=claim.pk).update(progress_at=timezone.now() - dt.timedelta(days=2))
    call_command("wishes_sweep")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LAPSED
    assert lapse_claims_task() == 0


def test_the_wisher_and_the_claimant_are_told(world, city, settings):
    from quanyu.notify.models import Notification

    settings.QUANYU_WISH_LAPSE_DAYS = 1
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    fulfilled(world, claim)
    kinds_told = list(
        Notification.objects.filter(recipient=city.users["resident"])
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds_told == ["wish_approved", "wish_claimed", "wish_fulfilled"]
    services.wish_confirm(actor=city.users["resident"], wish=wish)
    assert Notification.objects.filter(recipient=world.member_users[0], kind="wish_confirmed").count() == 1
    other = published(resident_wish(city), city)
    stale = claimed(world, other, who=1)
    WishClaim.objects.filter(pk=stale.pk).update(progress_at=timezone.now() - dt.timedelta(days=2))
    services.wish_lapse_sweep()
    assert Notification.objects.filter(recipient=world.member_users[1], kind="wish_lapsed").count() == 1
    behalf = published(behalf_wish(world), city)
    assert not Notification.objects.filter(link=f"/wishes/{behalf.pk}/").exists()
