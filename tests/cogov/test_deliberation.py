"""Residents' deliberation (一征三议两公开): opinions and support inside the window, proposal, the two
committees, a vote that meets quorum (or not), publication held by the supervisory council's
objection, the result after the notice period; a vote twice or after the window, a publication
while an objection is open: a clear 4xx, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanyu.cogov import services
from quanyu.cogov.models import Deliberation, DeliberationEvent, Vote
from quanyu.cogov.states import DELIBERATION_ALLOWED, DeliberationStatus
from quanyu.core.workflow import TransitionError
from tests.asserts import nothing_written, snapshot
from tests.cogov.factories import TWO_COMMITTEES, YIWEI_MEETING, opened, residents, voting

pytestmark = pytest.mark.django_db
D = DeliberationStatus


def test_table_is_closed():
    assert set(DELIBERATION_ALLOWED) == set(D.values)
    for targets in DELIBERATION_ALLOWED.values():
        assert targets <= set(D.values)


def test_from_opinions_to_the_published_result(city):
    staff = city.users["community_x"]
    d = opened(city)
    opinion = services.opinion_post(
        actor=city.users["resident"], deliberation=d, text="棚舍占用绿地，建议清理"
    )
    people = residents(city, 5)
    services.opinion_support(actor=people[0], opinion=opinion)
    assert services.opinion_support(actor=people[1], opinion=opinion).supporters == 2
    d = services.deliberation_propose(actor=staff, deliberation=d, proposal="清理违建")
    # The two committees must be recorded as present (一征三议两公开's 两委商议): without them, a
    # refusal naming both, nothing written.
    with nothing_written(d), pytest.raises(ValidationError) as missing:
        services.deliberation_committees(actor=staff, deliberation=d, note="同意")
    assert "社区党组织、居民委员会" in missing.value.message_dict["participants"][0]
    d = services.deliberation_committees(
        actor=staff, deliberation=d, note="同意", participants=TWO_COMMITTEES
    )
    d = services.deliberation_open_vote(
        actor=staff, deliberation=d, entitled=6, vote_close=timezone.now() + dt.timedelta(days=1)
    )
    for who, choice in zip(
        [city.users["resident"], *people[:3]], ["for", "for", "for", "against"], strict=True
    ):
        services.vote_cast(actor=who, deliberation=d, choice=choice)
    d = services.deliberation_close_vote(actor=staff, deliberation=d, decision="限期清理违建棚舍")
    assert d.status == D.DECIDED and (d.votes_for, d.votes_against) == (3, 1)
    objection = services.objection_raise(actor=people[4], deliberation=d, text="清理期限过短")
    with nothing_written(d), pytest.raises(TransitionError):
        services.deliberation_publish(actor=staff, deliberation=d)
    services.objection_answer(actor=staff, objection=objection, answer="期限延长至30天")
    today = timezone.localdate()
    d = services.deliberation_publish(actor=staff, deliberation=d, today=today)
    assert d.status == D.PUBLISHED and d.notice_until == today + dt.timedelta(days=7)
    with nothing_written(d), pytest.raises(TransitionError):
        services.deliberation_publish_result(actor=staff, deliberation=d, result="已清理", today=today)
    d = services.deliberation_publish_result(
        actor=staff, deliberation=d, result="棚舍已全部清理", today=today + dt.timedelta(days=7)
    )
    assert d.status == D.RESULT_PUBLISHED
    kinds = list(d.events.values_list("kind", flat=True))
    assert kinds[0] == "opened" and kinds[-1] == "result_published"


def test_quorum_missed_is_rejected(city):
    d = voting(city, entitled=6)
    for who in residents(city, 3):  # 3 of 6: under two thirds
        services.vote_cast(actor=who, deliberation=d, choice="for")
    d = services.deliberation_close_vote(actor=city.users["community_x"], deliberation=d)
    assert d.status == D.REJECTED


def test_majority_missed_is_rejected(city):
    d = voting(city, entitled=4)
    for who, choice in zip(residents(city, 4), ["for", "for", "against", "abstain"], strict=True):
        services.vote_cast(actor=who, deliberation=d, choice=choice)
    d = services.deliberation_close_vote(actor=city.users["community_x"], deliberation=d)
    assert d.status == D.REJECTED  # 2 of 4 is not more than half


def test_vote_twice_is_refused_and_writes_nothing(city):
    d = voting(city)
    resident = city.users["resident"]
    services.vote_cast(actor=resident, deliberation=d, choice="for")
    with nothing_written(d), pytest.raises(ValidationError) as err:
        services.vote_cast(actor=resident, deliberation=d, choice="against")
    assert "choice" in err.value.message_dict
    assert Vote.objects.filter(deliberation=d).count() == 1


def test_vote_after_the_window_is_refused(city):
    d = voting(city)
    with nothing_written(d), pytest.raises(TransitionError):
        services.vote_cast(
            actor=city.users["resident"],
            deliberation=d,
            choice="for",
            now=timezone.now() + dt.timedelta(days=2),
        )


def test_opinion_after_the_window_is_refused(city):
    d = opened(city)
    with nothing_written(d), pytest.raises(TransitionError):
        services.opinion_post(
            actor=city.users["resident"],
            deliberation=d,
            text="晚了",
            now=timezone.now() + dt.timedelta(days=8),
        )


def test_support_twice_is_refused(city):
    d = opened(city)
    opinion = services.opinion_post(actor=city.users["resident"], deliberation=d, text="建议")
    other = residents(city, 1)[0]
    services.opinion_support(actor=other, opinion=opinion)
    with nothing_written(d, opinion), pytest.raises(ValidationError):
        services.opinion_support(actor=other, opinion=opinion)


@pytest.mark.parametrize("persona", ["community_y", "grid_worker", "department_handler", "outsider"])
def test_outsiders_may_not_vote_or_post(city, persona):
    d = voting(city)
    with nothing_written(d), pytest.raises(PermissionDenied):
        services.vote_cast(actor=city.users[persona], deliberation=d, choice="for")


@pytest.mark.parametrize("persona", ["resident", "community_y", "grid_worker", "outsider"])
def test_only_keepers_take_the_steps(city, persona):
    d = opened(city)
    with nothing_written(d), pytest.raises(PermissionDenied):
        services.deliberation_propose(actor=city.users[persona], deliberation=d, proposal="x")


STEPS = {
    "propose": lambda s, d: services.deliberation_propose(actor=s, deliberation=d, proposal="提议"),
    "committees": lambda s, d: services.deliberation_committees(
        actor=s, deliberation=d, note="商议", participants=TWO_COMMITTEES
    ),
    "open_vote": lambda s, d: services.deliberation_open_vote(
        actor=s, deliberation=d, entitled=3, vote_close=timezone.now() + dt.timedelta(days=1)
    ),
    "close_vote": lambda s, d: services.deliberation_close_vote(actor=s, deliberation=d, decision="决议"),
    "publish": lambda s, d: services.deliberation_publish(actor=s, deliberation=d),
    "result": lambda s, d: services.deliberation_publish_result(
        actor=s, deliberation=d, result="结果", today=timezone.localdate() + dt.timedelta(days=30)
    ),
    "withdraw": lambda s, d: services.deliberation_withdraw(actor=s, deliberation=d, reason="撤回"),
}


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.sampled_from(sorted(STEPS)), max_size=9))
def test_random_steps_stay_in_the_table(city, steps):
    staff = city.users["community_x"]
    d = opened(city)
    for name in steps:
        before = Deliberation.objects.get(pk=d.pk).status
        n = DeliberationEvent.objects.count()
        state = snapshot(d)
        try:
            STEPS[name](staff, Deliberation.objects.get(pk=d.pk))
        except (TransitionError, ValidationError):
            assert snapshot(d) == state
            continue
        after = Deliberation.objects.get(pk=d.pk).status
        assert after in DELIBERATION_ALLOWED[before]
        assert DeliberationEvent.objects.count() == n + 1


def test_yiwei_meeting_needs_the_council_and_the_supervisory_council(city):
    """一委三会: under the party organisation the deliberation council deliberates with the
    supervisory council present (the seed's case adds old members and the community police)."""
    staff = city.users["community_x"]
    d = opened(city, method="yiwei")
    d = services.deliberation_propose(actor=staff, deliberation=d, proposal="清理违建棚舍和菜地")
    short = [{"kind": "party", "name": "王书记"}, {"kind": "council", "name": "陈议事"}]
    for participants in (short, None):
        with nothing_written(d), pytest.raises(ValidationError) as err:
            services.deliberation_committees(
                actor=staff, deliberation=d, note="同意", participants=participants
            )
        assert "participants" in err.value.message_dict
        assert "居务监事会" in err.value.message_dict["participants"][0]
    with nothing_written(d), pytest.raises(ValidationError) as err:
        services.deliberation_committees(
            actor=staff,
            deliberation=d,
            note="同意",
            participants=[*YIWEI_MEETING, {"kind": "mayor", "name": "x"}],
        )
    assert "participants" in err.value.message_dict
    d = services.deliberation_committees(actor=staff, deliberation=d, note="同意", participants=YIWEI_MEETING)
    assert d.status == D.DELIBERATED and {r["kind"] for r in d.participants} >= {
        "council",
        "supervisory",
        "police",
    }
    event = d.events.get(kind="deliberated")
    assert event.payload["participants"] == sorted({r["kind"] for r in YIWEI_MEETING})
    assert "周监事" not in str(event.payload)  # the kinds, not the names


def test_two_committees_are_required_when_participants_are_given(city):
    staff = city.users["community_x"]
    d = opened(city)
    d = services.deliberation_propose(actor=staff, deliberation=d, proposal="清理")
    with nothing_written(d), pytest.raises(ValidationError) as err:
        services.deliberation_committees(
            actor=staff, deliberation=d, note="同意", participants=[{"kind": "party", "name": "王书记"}]
        )
    assert "居民委员会" in err.value.message_dict["participants"][0]


def test_unknown_method_is_refused(city):
    with pytest.raises(ValidationError) as err:
        services.deliberation_open(
            actor=city.users["community_x"],
            community=city.communities[0],
            title="x",
            opinions_close=timezone.now() + dt.timedelta(days=1),
            method="referendum",
        )
    assert "method" in err.value.message_dict
    assert not Deliberation.objects.exists()
