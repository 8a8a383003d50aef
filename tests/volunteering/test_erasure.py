"""A person anonymised: their volunteer record (found by the member link, the ID number's hash or
the account) and its certificates lose name, numbers and skills in the same transaction, each
audited; a volunteer who only shares the phone number is untouched."""

from __future__ import annotations

import pytest

from quanyu.core.models import AuditEntry
from quanyu.people.models import PartyMember
from quanyu.people.services import PersonInput, person_anonymise, resident_create
from quanyu.volunteering import services
from quanyu.volunteering.models import Volunteer
from tests.people.helpers import add_member, make_branches
from tests.volunteering.factories import add_volunteer, make_id

pytestmark = pytest.mark.django_db


def _strip_check(volunteer: Volunteer) -> None:
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.id_number, volunteer.id_hash) == ("（已匿名化）", "", "")
    assert (volunteer.phone, volunteer.phone_hash, volunteer.skills, volunteer.user_id) == ("", "", "", None)


def test_a_member_anonymised_takes_their_volunteer_record_with_them(city):
    branches = make_branches(city)
    member = add_member(city, branches, 5)
    linked = add_volunteer(city, 1)
    Volunteer.objects.filter(pk=linked.pk).update(member=member, skills="钢琴")
    by_account = add_volunteer(city, 2)
    PartyMember.objects.filter(pk=member.pk).update(user=by_account.user)
    member.refresh_from_db()
    bystander = add_volunteer(city, 3)

    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")

    _strip_check(linked)
    _strip_check(by_account)
    bystander.refresh_from_db()
    assert bystander.name == "志愿者3号" and bystander.id_hash
    audited = AuditEntry.objects.filter(action="anonymise", target_type="volunteering.volunteer")
    assert sorted(int(a.target_id) for a in audited) == sorted([linked.pk, by_account.pk])
    assert all(a.detail["person"] == f"member:{member.pk}" for a in audited)


def test_a_resident_is_found_by_id_number_and_not_by_a_shared_phone(city):
    volunteer = add_volunteer(city, 7)
    shared = volunteer.phone
    same_phone = services.volunteer_register(
        actor=city.users["community_x"],
        person=services.VolunteerInput(name="家属", id_number=make_id(8), phone=shared),
        community=city.communities[0],
    )
    resident = resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="志愿者7号", id_number=make_id(7), phone=shared),
        community=city.communities[0],
    )

    person_anonymise(actor=city.users["community_x"], person=resident, reason="本人申请删除")

    _strip_check(volunteer)
    same_phone.refresh_from_db()
    assert (same_phone.name, same_phone.phone) == ("家属", shared)


def test_the_cache_holds_no_phone_number_nor_code(vs, settings):
    """等保 residual information: the SMS sign-up keeps its code and its rate-limit counters in the
    shared cache (Redis in production) under keyed hashes, the code itself as a digest."""
    import re

    from django.core.cache import cache
    from django.test import Client

    from quanyu.notify.channels import sms
    from quanyu.notify.outbox import notify_drain

    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    url = f"/volunteering/activities/{vs.activity.pk}/phone/"
    assert Client().post(url, {"action": "send", "phone": "13912345678"}).status_code == 200
    notify_drain()
    code = re.search(r"验证码 (\d{6})", sms.outbox[-1].text)
    assert code is not None
    held = cache._cache  # type: ignore[attr-defined]  # LocMemCache: key -> pickled value
    assert held, "the code and the counters are in the cache"
    for key, value in held.items():
        assert "13912345678" not in key and b"13912345678" not in value
        assert code.group(1).encode() not in value


def test_the_free_text_of_their_volunteer_records_loses_their_name_and_numbers(city):
    from quanyu.people.erasure import PersonGone
    from quanyu.volunteering.models import VolunteerEvent

    member = add_member(city, make_branches(city), 8, name="孙红梅")
    volunteer = add_volunteer(city, 4)
    Volunteer.objects.filter(pk=volunteer.pk).update(member=member)
    note = VolunteerEvent.objects.create(
        volunteer=volunteer, kind="note", actor_name="孙红梅", payload={"note": f"孙红梅，电话{member.phone}"}
    )
    other = VolunteerEvent.objects.create(
        volunteer=add_volunteer(city, 5), kind="note", payload={"note": "孙红梅来帮忙"}
    )
    seen: list[PersonGone] = []
    from quanyu.people import erasure

    erasure.add_eraser("zz-spy", lambda gone: seen.append(gone) or 0)
    try:
        person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    finally:
        erasure._erasers.pop("zz-spy")

    note.refresh_from_db()
    assert note.actor_name == "（已匿名化）"
    assert note.payload == {"note": f"（已匿名化），电话{member.phone[:3]}****{member.phone[-4:]}"}
    other.refresh_from_db()
    assert other.payload == {"note": "孙红梅来帮忙"}  # another volunteer's record
    entry = AuditEntry.objects.get(action="anonymise", target_type="volunteering.volunteer")
    assert entry.detail["events"] == 1
    # What an eraser is given names the person by keys only: no name or number in its repr.
    assert "孙红梅" not in repr(seen[0]) and member.phone not in repr(seen[0])
    assert seen[0].scrub("孙红梅") == "（已匿名化）"
