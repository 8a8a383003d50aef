"""Indicator sets through their services: the computed scores against hand-computed figures,
freezing (a frozen period never changes), the evidence workflow, deductions and vetoes, and the
permission matrix with "nothing written"."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.assessment.indicators import selectors, services
from quanyu.assessment.models import (
    EntryStatus,
    IndicatorEvent,
    IndicatorSet,
    Level,
    PeriodStatus,
    Score,
    ScorePeriod,
    SetStatus,
    Source,
)
from quanyu.assessment.periods import parse_period
from quanyu.core.workflow import TransitionError
from quanyu.tickets.models import RatingLevel
from quanyu.tickets.states import TicketStatus
from tests.asserts import nothing_written
from tests.assessment.factories import DAY, community_set, community_ticket

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


@pytest.fixture
def march_tickets(city):
    """社区1-1: 4 counted, 3 resolved in time, ratings 2 satisfied + 1 dissatisfied;
    社区1-2: 2 counted, 1 in time, 1 basically satisfied rating, plus a cancelled one."""
    c0 = [
        community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED),
        community_ticket(city, 0, resolved=DAY, rating=RatingLevel.SATISFIED),
        community_ticket(city, 0, resolved=2 * DAY, rating=RatingLevel.DISSATISFIED),
        community_ticket(city, 0, resolved=5 * DAY),
    ]
    c1 = [
        community_ticket(city, 1, resolved=DAY, rating=RatingLevel.BASICALLY),
        community_ticket(city, 1),
        community_ticket(city, 1, resolved=DAY, status=TicketStatus.CANCELLED),
    ]
    return c0, c1


def _totals(sp: ScorePeriod) -> dict[str, tuple[D, int | None]]:
    return {s.target_name: (s.score, s.rank) for s in Score.objects.filter(score_period=sp, indicator=None)}


def test_scores_match_the_hand_computed_figures(city, people, march_tickets):
    admin = people["district_admin"]
    s = community_set(city, admin)
    manual = s.indicators.get(source=Source.MANUAL)
    entry = services.entry_submit(
        actor=people["community_x"],
        indicator=manual,
        period=MARCH,
        statement="阵地已建成",
        target_area=city.communities[0],
    )
    services.entry_score(actor=admin, entry=entry, score="20", comment="基本达标")
    sp = services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    ranking = selectors.ranking_for(actor=admin, indicator_set=s, period=MARCH)
    assert ranking is not None
    rows = {r.name: r for r in ranking.rows}
    c0, c1 = rows["社区1-1"], rows["社区1-2"]
    # 社区1-1: in time 3/4 = 0.75 → 40 × (0.75−0.5)/0.4 = 25; satisfaction 2/3 ≥ 0.6 → 30 × 0.5 = 15;
    # manual 20: total 60. 社区1-2: 1/2 = 0.5 → 0; 1/1 → 30; manual none → 0: total 30.
    assert [c.score for c in c0.cells] == [D("25.00"), D("15.00"), D("20.00")]
    assert [c.value for c in c0.cells][:2] == [D("0.7500"), D("0.6667")]
    assert (c0.cells[0].numerator, c0.cells[0].denominator) == (4 - 1, 4)
    assert [c.score for c in c1.cells] == [D("0.00"), D("30.00"), D("0.00")]
    assert (c0.total, c0.rank, c1.total, c1.rank) == (D("60.00"), 1, D("30.00"), 2)
    # A deduction and a veto apply at the next computation.
    services.deduction_record(
        actor=admin, score_period=sp, points="5", reason="安全事故", target_area=city.communities[0]
    )
    services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    assert _totals(sp) == {"社区1-1": (D("55.00"), 1), "社区1-2": (D("30.00"), 2)}
    services.deduction_record(
        actor=admin, score_period=sp, veto=True, reason="一票否决事项", target_area=city.communities[0]
    )
    services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    assert _totals(sp) == {"社区1-1": (D("0.00"), 2), "社区1-2": (D("30.00"), 1)}


def test_frozen_period_never_changes(city, people, march_tickets):
    admin = people["district_admin"]
    s = community_set(city, admin)
    sp = services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    services.period_freeze(actor=admin, score_period=sp, note="通报")
    before = list(
        Score.objects.filter(score_period=sp).values_list(
            "target_name", "indicator_id", "value", "score", "rank"
        )
    )
    # The data changes: a late ticket becomes in time, new tickets arrive.
    community_ticket(city, 1, resolved=DAY, rating=RatingLevel.SATISFIED)
    community_ticket(city, 1, resolved=DAY, rating=RatingLevel.SATISFIED)
    sp.refresh_from_db()
    with nothing_written(sp), pytest.raises(TransitionError):
        services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    with nothing_written(sp), pytest.raises(TransitionError):
        services.period_freeze(actor=admin, score_period=sp)
    with nothing_written(sp), pytest.raises(TransitionError):
        services.deduction_record(
            actor=admin, score_period=sp, points=3, reason="x", target_area=city.communities[0]
        )
    after = list(
        Score.objects.filter(score_period=sp).values_list(
            "target_name", "indicator_id", "value", "score", "rank"
        )
    )
    assert after == before
    assert sp.status == PeriodStatus.FROZEN
    assert IndicatorEvent.objects.filter(kind="period_frozen", payload__period="2025-03").count() == 1


def test_evidence_workflow_submit_return_resubmit_score(city, people):
    admin, cx = people["district_admin"], people["community_x"]
    s = community_set(city, admin)
    manual = s.indicators.get(source=Source.MANUAL)
    entry = services.entry_submit(
        actor=cx, indicator=manual, period=MARCH, statement="材料一", target_area=city.communities[0]
    )
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.due_on is not None and entry.due_on > entry.submitted_at.date()
    entry = services.entry_return(actor=admin, entry=entry, comment="缺少照片")
    assert (entry.status, entry.comment) == (EntryStatus.RETURNED, "缺少照片")
    with nothing_written(entry), pytest.raises(TransitionError):
        services.entry_score(actor=admin, entry=entry, score=10)
    entry = services.entry_submit(
        actor=cx, indicator=manual, period=MARCH, statement="材料二", target_area=city.communities[0]
    )
    with nothing_written(entry), pytest.raises(ValidationError) as exc:
        services.entry_score(actor=admin, entry=entry, score=31)
    assert "score" in exc.value.message_dict
    entry = services.entry_score(actor=admin, entry=entry, score="28.5", comment="好")
    assert (entry.status, entry.score) == (EntryStatus.SCORED, D("28.5"))
    kinds = list(IndicatorEvent.objects.filter(entry=entry).values_list("kind", flat=True))
    assert kinds == ["entry_submitted", "entry_returned", "entry_submitted", "entry_scored"]
    with nothing_written(entry), pytest.raises(TransitionError):
        services.entry_submit(
            actor=cx, indicator=manual, period=MARCH, statement="再改", target_area=city.communities[0]
        )


def test_publish_checks_the_weights_and_locks_the_indicators(city, people):
    admin = people["district_admin"]
    s = community_set(city, admin, publish=False)
    services.indicator_add(actor=admin, indicator_set=s, name="多余", weight=5, source=Source.MANUAL)
    s.refresh_from_db()
    with nothing_written(s), pytest.raises(ValidationError) as exc:
        services.indicator_set_publish(actor=admin, indicator_set=s)
    assert "weight" in exc.value.message_dict
    services.indicator_remove(actor=admin, indicator=s.indicators.get(name="多余"))
    s = services.indicator_set_publish(actor=admin, indicator_set=s)
    assert s.status == SetStatus.PUBLISHED
    with nothing_written(s), pytest.raises(TransitionError):
        services.indicator_add(actor=admin, indicator_set=s, name="后加", weight=5, source=Source.MANUAL)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("weight", {"weight": "abc"}),
        ("weight", {"weight": 0}),
        ("provider", {"provider": "nope.nothing"}),
        ("provider", {"provider": "people.unit_reported"}),
        ("target", {"floor": "0.5", "target": ""}),
        ("floor", {"floor": "0.9", "target": "0.5"}),
        ("thresholds", {"rule": "thresholds", "thresholds": [[0.9, 2]]}),
        ("name", {"name": ""}),
    ],
)
def test_bad_indicator_names_its_field(city, people, field, kwargs):
    admin = people["district_admin"]
    s = community_set(city, admin, publish=False)
    base = {
        "name": "按时办结率",
        "weight": 10,
        "source": Source.COMPUTED,
        "provider": "tickets.resolved_in_time",
        "floor": "0.5",
        "target": "0.9",
    }
    with nothing_written(s), pytest.raises(ValidationError) as exc:
        services.indicator_add(actor=admin, indicator_set=s, **{**base, **kwargs})
    assert field in exc.value.message_dict


EDITORS = {"district_admin", "org_dept", "street_staff"}
ALL = [
    "district_admin",
    "org_dept",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
    "leader",
    "auditor",
]


@pytest.mark.parametrize("who", ALL)
def test_matrix_create_and_publish(city, people, who):
    actor = people[who]
    if who in EDITORS:
        s = community_set(city, actor)
        assert s.status == SetStatus.PUBLISHED
        assert IndicatorEvent.objects.filter(indicator_set=s, kind="published", actor=actor).exists()
        return
    with nothing_written(), pytest.raises(PermissionDenied):
        services.indicator_set_create(actor=actor, year=2025, level=Level.COMMUNITY, area=city.streets[0])
    assert not IndicatorSet.objects.exists()
    draft = community_set(city, people["district_admin"], publish=False)
    with nothing_written(draft), pytest.raises(PermissionDenied):
        services.indicator_set_publish(actor=actor, indicator_set=draft)


@pytest.mark.parametrize("who", ALL)
def test_matrix_compute_freeze_score(city, people, who):
    admin = people["district_admin"]
    s = community_set(city, admin)
    actor = people[who]
    manual = s.indicators.get(source=Source.MANUAL)
    entry = services.entry_submit(
        actor=admin, indicator=manual, period=MARCH, statement="x", target_area=city.communities[0]
    )
    if who in EDITORS:
        sp = services.period_compute(actor=actor, indicator_set=s, period=MARCH)
        services.entry_score(actor=actor, entry=entry, score=1)
        services.period_freeze(actor=actor, score_period=sp)
        assert IndicatorEvent.objects.filter(kind="period_frozen", actor=actor).exists()
        return
    with nothing_written(s), pytest.raises(PermissionDenied):
        services.period_compute(actor=actor, indicator_set=s, period=MARCH)
    assert not ScorePeriod.objects.exists()
    sp = services.period_compute(actor=admin, indicator_set=s, period=MARCH)
    with nothing_written(sp), pytest.raises(PermissionDenied):
        services.period_freeze(actor=actor, score_period=sp)
    with nothing_written(entry), pytest.raises(PermissionDenied):
        services.entry_score(actor=actor, entry=entry, score=1)
    with nothing_written(sp), pytest.raises(PermissionDenied):
        services.deduction_record(
            actor=actor, score_period=sp, points=1, reason="x", target_area=city.communities[0]
        )


SUBMITTERS = EDITORS | {"community_x"}


@pytest.mark.parametrize("who", ALL)
def test_matrix_submit_evidence_for_community(city, people, who):
    s = community_set(city, people["district_admin"])
    manual = s.indicators.get(source=Source.MANUAL)
    actor = people[who]
    if who in SUBMITTERS:
        entry = services.entry_submit(
            actor=actor, indicator=manual, period=MARCH, statement="自评", target_area=city.communities[0]
        )
        assert entry.submitted_by == actor
        return
    with nothing_written(s), pytest.raises(PermissionDenied):
        services.entry_submit(
            actor=actor, indicator=manual, period=MARCH, statement="自评", target_area=city.communities[0]
        )


def test_target_outside_the_set_is_refused(city, people):
    s = community_set(city, people["district_admin"])
    manual = s.indicators.get(source=Source.MANUAL)
    with nothing_written(s), pytest.raises(ValidationError) as exc:
        services.entry_submit(
            actor=people["district_admin"],
            indicator=manual,
            period=MARCH,
            statement="x",
            target_area=city.communities[2],
        )
    assert "target" in exc.value.message_dict


def test_messages_in_english(city, people):
    from django.utils import translation

    s = community_set(city, people["district_admin"], publish=False)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.indicator_add(
            actor=people["district_admin"], indicator_set=s, name="x", weight=0, source=Source.MANUAL
        )
    assert exc.value.message_dict["weight"] == ["The weight must be above 0 and at most 100"]
