"""The anonymisation slot (people.erasure): every app holding data about a person has its
eraser in it, and an eraser that fails undoes the whole anonymisation — nothing half-erased."""

from __future__ import annotations

import pytest

from quanyu.core.models import AuditEntry
from quanyu.people import erasure
from quanyu.people.models import PartyMember, name_sort_key
from quanyu.people.services import person_anonymise
from tests.people.helpers import add_member

pytestmark = pytest.mark.django_db


def test_the_apps_that_hold_personal_data_fill_the_slot():
    assert erasure.erasers() == ("tickets", "volunteering", "volunteering_teams", "wishes")


def test_a_failing_eraser_rolls_the_anonymisation_back(city, branches):
    member = add_member(city, branches, 9)
    seen: list[erasure.PersonGone] = []

    def broken(gone: erasure.PersonGone) -> int:
        seen.append(gone)
        raise RuntimeError("storage down")

    erasure.add_eraser("zz-broken", broken)
    try:
        with pytest.raises(RuntimeError):
            person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    finally:
        erasure._erasers.pop("zz-broken")
    assert seen[0].kind == "member" and seen[0].id_hash == member.id_hash  # keys, not plaintext
    member = PartyMember.objects.get(pk=member.pk)
    assert not member.anonymised and member.name == "党员9"
    assert not AuditEntry.objects.filter(action="anonymise").exists()

    PartyMember.objects.filter(pk=member.pk).update(board_unit_no="2单元")
    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    member.refresh_from_db()
    assert member.name_key == name_sort_key("（已匿名化）") and member.board_unit_no == ""
    entry = AuditEntry.objects.get(action="anonymise", target_type="people.partymember")
    assert entry.detail == {
        "elsewhere": {"tickets": 0, "volunteering": 0, "volunteering_teams": 0, "wishes": 0},
        "notes": 0,
        "account": {},
    }


def test_the_members_own_records_keep_their_text_without_name_or_numbers(city, branches):
    import datetime as dt

    from quanyu.people import services
    from quanyu.people.models import PointEntry

    member = add_member(city, branches, 10, name="赵志刚")
    other = add_member(city, branches, 11, name="钱多多")
    for who in (member, other):
        services.points_record_action(
            actor=city.users["community_x"],
            member=who,
            rule="duty_logged",
            occurred_on=dt.date(2024, 5, 1),
            reason=f"{who.name}值守，联系电话13912345678",
        )
    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    mine = PointEntry.objects.get(member=member)
    assert mine.reason == "（已匿名化）值守，联系电话139****5678" and mine.points == 2
    assert PointEntry.objects.get(member=other).reason == "钱多多值守，联系电话13912345678"
    entry = AuditEntry.objects.get(action="anonymise", target_type="people.partymember")
    assert entry.detail["notes"] == 1
