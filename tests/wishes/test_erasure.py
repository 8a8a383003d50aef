"""A resident anonymised: the wishes made for them lose the private text, the contact and the
room in the same transaction, each audited; other wishes are untouched."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from quanyu.core.models import AuditEntry
from quanyu.people.services import person_anonymise
from quanyu.wishes.erasure import forget_contacts
from quanyu.wishes.models import Wish
from tests.wishes.factories import RESIDENT_NAME, behalf_wish, published, resident_wish

pytestmark = pytest.mark.django_db


def test_anonymising_the_resident_erases_their_wishes(world, city):
    on_wall = published(behalf_wish(world), city)
    waiting = behalf_wish(world, text=f"{RESIDENT_NAME}想学用智能手机")
    Wish.objects.filter(pk=waiting.pk).update(contact_phone="13912345678", address_detail="3单元502")
    other = resident_wish(city)

    person_anonymise(actor=city.users["community_x"], person=world.elder, reason="已迁出，保存期满")

    on_wall.refresh_from_db()
    waiting.refresh_from_db()
    assert on_wall.text == "某小区一位独居老人希望有人陪伴聊天"  # the public text staff wrote
    assert (waiting.text, waiting.contact_phone, waiting.address_detail) == ("（已匿名化）", "", "")
    assert RESIDENT_NAME not in on_wall.text + waiting.text
    assert on_wall.resident_id == world.elder.pk  # the wish stays, with its claims and figures
    other.refresh_from_db()
    assert (other.contact_phone, other.address_detail) != ("", "")
    audited = AuditEntry.objects.filter(action="anonymise", target_type="wishes.wish")
    assert sorted(int(a.target_id) for a in audited) == sorted([on_wall.pk, waiting.pk])
    person = AuditEntry.objects.get(action="anonymise", target_type="people.resident")
    assert person.detail["elsewhere"]["wishes"] == 2


def test_retention_clears_the_contact_of_long_settled_wishes(world, city, settings):
    settings.QUANYU_WISH_CONTACT_DAYS = 30
    long_ago = timezone.now() - dt.timedelta(days=31)
    confirmed, cancelled, recent, open_wish = (resident_wish(city) for _ in range(4))
    Wish.objects.filter(pk=confirmed.pk).update(status="confirmed", confirmed_at=long_ago)
    Wish.objects.filter(pk=cancelled.pk).update(status="cancelled", created_at=long_ago)
    Wish.objects.filter(pk=recent.pk).update(status="confirmed", confirmed_at=timezone.now())
    Wish.objects.filter(pk=open_wish.pk).update(created_at=long_ago)  # still waiting: kept

    out = io.StringIO()
    call_command("retention", "--only", "wishes", "--dry-run", stdout=out)
    assert "wishes (微心愿联系方式): would clear 2" in out.getvalue()
    call_command("retention", "--only", "wishes", stdout=io.StringIO())
    for wish, cleared in ((confirmed, True), (cancelled, True), (recent, False), (open_wish, False)):
        wish.refresh_from_db()
        assert ((wish.contact_phone, wish.address_detail) == ("", "")) is cleared
    entry = AuditEntry.objects.get(action="anonymise", target_type="wishes.wish")
    assert sorted(entry.detail["wishes"]) == sorted([confirmed.pk, cancelled.pk])
    assert forget_contacts() == []  # nothing left; no second entry
    assert AuditEntry.objects.filter(action="anonymise").count() == 1


def test_the_notes_on_their_wishes_lose_their_name_and_numbers(world, city):
    from quanyu.wishes.models import WishEvent

    wish = behalf_wish(world)
    Wish.objects.filter(pk=wish.pk).update(
        public_text=f"{RESIDENT_NAME}老人希望有人陪伴", cancel_reason="联系13912345678未接"
    )
    event = WishEvent.objects.filter(wish=wish).first()
    assert event is not None
    WishEvent.objects.filter(pk=event.pk).update(payload={"note": f"{RESIDENT_NAME}的女儿代为提交"})

    person_anonymise(actor=city.users["community_x"], person=world.elder, reason="已迁出，保存期满")

    wish.refresh_from_db()
    event.refresh_from_db()
    assert wish.public_text == wish.text == "（已匿名化）老人希望有人陪伴"
    assert wish.cancel_reason == "联系139****5678未接"
    assert event.payload == {"note": "（已匿名化）的女儿代为提交"}
    entry = AuditEntry.objects.get(action="anonymise", target_type="wishes.wish")
    assert {"public_text", "cancel_reason"} <= set(entry.fields.split(",")) and entry.detail["events"] == 1
    assert RESIDENT_NAME not in entry.target_repr + str(entry.detail)
