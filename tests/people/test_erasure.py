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


# --- Forms of address (make_scrub) ---------------------------------------------------------------

GONE = "（已匿名化）"
# fmt: off
KIN_AND_TITLES = (
    "阿姨", "大爷", "大妈", "奶奶", "爷爷", "师傅", "女士", "先生", "老师", "书记", "主任", "大姐",
    "大哥", "叔", "婶", "姐", "哥", "伯", "老", "叔叔", "婶婶", "姐姐", "哥哥", "伯伯",
)
# fmt: on


@pytest.mark.parametrize("suffix", KIN_AND_TITLES)
def test_the_surname_with_each_word_of_kinship_or_title_is_taken_out(suffix):
    scrub = erasure.make_scrub("王建国")
    assert scrub(f"楼下的王{suffix}反映漏水。") == f"楼下的{GONE}反映漏水。"


def test_the_given_name_and_old_and_young_forms_are_taken_out():
    scrub = erasure.make_scrub("王建国", "13912345678")
    assert scrub("王建国说") == f"{GONE}说"
    assert scrub("建国昨天来过，老王和小王都在") == f"{GONE}昨天来过，{GONE}和{GONE}都在"
    assert scrub("王老师带着王叔叔，电话13912345678") == f"{GONE}带着{GONE}，电话139****5678"
    # A one-character given name is not taken out alone (it would eat the character everywhere).
    assert erasure.make_scrub("王芳")("芳草地的王姐") == f"芳草地的{GONE}"


def test_unrelated_text_stays():
    scrub = erasure.make_scrub("王建国")
    untouched = (
        "去王府井买东西",  # the surname inside a word, no form matched
        "李阿姨和老李、小张、张师傅",  # other surnames
        "国王建设路",  # the characters of the name, not in any form's order
        "王",
    )
    for text in untouched:
        assert scrub(text) == text


def test_compound_surnames_take_two_characters():
    scrub = erasure.make_scrub("欧阳娜娜")
    assert scrub("欧阳主任、娜娜、老欧阳、小欧阳、欧阳阿姨") == "、".join([GONE] * 5)
    assert scrub("欧阳修的诗、老欧和小欧") == "欧阳修的诗、老欧和小欧"  # 欧 alone is not their surname
    assert erasure.make_scrub("诸葛亮")("诸葛先生，老诸葛") == f"{GONE}，{GONE}"
    # Two characters that happen to be a compound surname: the first is the surname.
    assert erasure.make_scrub("司马")("老司和司马") == f"{GONE}和{GONE}"


def test_ordinary_words_that_look_like_a_form_are_read_as_words():
    scrub = erasure.make_scrub("区志明")
    assert scrub("小区门口区阿姨说老区改造，志明也说") == f"小区门口{GONE}说老区改造，{GONE}也说"
    assert erasure.make_scrub("高峰")("小高层的高师傅，小高") == f"小高层的{GONE}，{GONE}"
    assert erasure.make_scrub("古月")("古老的院子里古老师在") == f"古老的院子里{GONE}在"
    assert erasure.make_scrub("班长顺")("班主任和班大姐") == f"班主任和{GONE}"


def test_names_not_written_in_han_characters_are_matched_whole_only():
    scrub = erasure.make_scrub("古丽·买买提")
    assert scrub("古丽·买买提和古阿姨") == f"{GONE}和古阿姨"
    assert erasure.make_scrub("Li Lei")("Li Lei and Mr Li") == f"{GONE} and Mr Li"
    assert erasure.make_scrub("张")("张阿姨") == "张阿姨"  # one character: nothing to go on


def test_a_members_own_records_lose_their_nicknames_too(city, branches):
    import datetime as dt

    from quanyu.people import services
    from quanyu.people.models import PointEntry

    member = add_member(city, branches, 12, name="孙志红")
    other = add_member(city, branches, 13, name="孙立")
    for who, note in ((member, "老孙和志红一起值守，孙阿姨带队"), (other, "孙阿姨带队值守")):
        services.points_record_action(
            actor=city.users["community_x"],
            member=who,
            rule="duty_logged",
            occurred_on=dt.date(2024, 5, 1),
            reason=note,
        )
    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    assert PointEntry.objects.get(member=member).reason == f"{GONE}和{GONE}一起值守，{GONE}带队"
    assert PointEntry.objects.get(member=other).reason == "孙阿姨带队值守"  # not linked to them
