"""Publishing a bulletin freezes the period; the scoring rules are a checked, audited setting."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.assessment import services
from quanyu.assessment.models import Bulletin, BulletinRow, ScoringConfig
from quanyu.assessment.periods import current_month, parse_period
from quanyu.assessment.selectors import department_ranking, ranking_for
from quanyu.core.models import AuditEntry
from quanyu.tickets.models import RatingLevel, Whistle
from quanyu.tickets.states import WhistleStatus
from tests.assessment.helpers import H, add_whistle, local_dt

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")


@pytest.fixture
def march(city, depts):
    at = local_dt(2025, 3, 12, 9)
    cg, housing = depts["cg"], depts["housing"]
    ws = {
        "cg_ok": add_whistle(city, cg, at=at, responded=H, resolved=H, rating=RatingLevel.SATISFIED),
        "cg_late": add_whistle(city, cg, at=at, responded=3 * H),
        "h_ok": add_whistle(city, housing, at=at, responded=H, resolved=H, rating=RatingLevel.BASICALLY),
    }
    return ws


@pytest.mark.parametrize(
    "who", ["street_staff", "department_handler", "leader", "auditor", "community_x", "resident", "outsider"]
)
def test_only_org_department_and_admin_publish(people, march, who):
    with pytest.raises(PermissionDenied):
        services.bulletin_publish(actor=people[who], period=MARCH)
    assert not Bulletin.objects.exists()
    assert not BulletinRow.objects.exists()
    assert not AuditEntry.objects.filter(action="assessment.bulletin_publish").exists()


@pytest.mark.parametrize("who", ["org_dept", "district_admin"])
def test_publish_snapshots_every_department(people, march, depts, who):
    bulletin = services.bulletin_publish(actor=people[who], period=MARCH, note="请各部门对照整改")
    rows = {r.department_name: r for r in bulletin.rows.all()}
    assert set(rows) == {"区城管局", "区住建局", "区水务局"}
    assert (rows["区住建局"].rank, str(rows["区住建局"].score)) == (1, "100.00")
    # 区城管局: response 1/2, completion 1/2, satisfaction 1/1 → 5 + 20 + 50.
    assert (rows["区城管局"].rank, str(rows["区城管局"].score)) == (2, "75.00")
    assert (rows["区水务局"].rank, rows["区水务局"].score, rows["区水务局"].received) == (None, None, 0)
    assert bulletin.title == "2025年3月职能部门考核通报"
    assert bulletin.settings["weight_satisfaction"] == 50
    entry = AuditEntry.objects.get(action="assessment.bulletin_publish")
    assert entry.actor == people[who] and entry.target_id == str(bulletin.pk)


def test_published_period_is_frozen(city, people, march, depts):
    bulletin = services.bulletin_publish(actor=people["org_dept"], period=MARCH)
    # Later the late response is corrected and a new whistle arrives in March.
    Whistle.objects.filter(pk=march["cg_late"].pk).update(
        status=WhistleStatus.RESOLVED,
        responded_at=march["cg_late"].whistled_at + H,
        resolved_at=march["cg_late"].whistled_at + H,
    )
    add_whistle(city, depts["water"], at=local_dt(2025, 3, 20, 9))
    from quanyu.assessment.rollup import assessment_refresh

    assessment_refresh(MARCH)
    live = {r.department_name: r for r in department_ranking(period=MARCH)}
    assert str(live["区城管局"].score) == "100.00"
    assert live["区水务局"].counts.received == 1
    # What was published has not moved.
    frozen = {r.department_name: r for r in Bulletin.objects.get(pk=bulletin.pk).rows.all()}
    assert str(frozen["区城管局"].score) == "75.00"
    assert frozen["区水务局"].received == 0
    # The ranking of the period answers the bulletin, unless asked for live figures.
    shown = ranking_for(actor=people["leader"], period=MARCH)
    assert shown.frozen and {r.department_name: str(r.score) for r in shown.rows}["区城管局"] == "75.00"
    assert not ranking_for(actor=people["leader"], period=MARCH, live=True).frozen


def test_publish_twice_or_an_open_period_is_refused(people, march):
    services.bulletin_publish(actor=people["org_dept"], period=MARCH)
    with pytest.raises(ValidationError) as info:
        services.bulletin_publish(actor=people["district_admin"], period=MARCH)
    assert "period" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.bulletin_publish(actor=people["org_dept"], period=current_month())
    assert "尚未结束" in info.value.message_dict["period"][0]
    assert Bulletin.objects.count() == 1


def test_scoring_rules_update(people, march):
    services.bulletin_publish(actor=people["org_dept"], period=MARCH)
    with pytest.raises(ValidationError) as info:
        services.scoring_config_update(
            actor=people["org_dept"],
            weight_response=20,
            weight_completion=40,
            weight_satisfaction=50,
            basically_counts=True,
            no_rating_policy="rescale",
        )
    assert "weight_satisfaction" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.scoring_config_update(
            actor=people["street_staff"],
            weight_response=20,
            weight_completion=30,
            weight_satisfaction=50,
            basically_counts=True,
            no_rating_policy="rescale",
        )
    assert not ScoringConfig.objects.filter(weight_response=20).exists()
    services.scoring_config_update(
        actor=people["org_dept"],
        weight_response=20,
        weight_completion=30,
        weight_satisfaction=50,
        basically_counts=False,
        no_rating_policy="zero",
    )
    assert AuditEntry.objects.filter(action="assessment.scoring_config_update").count() == 1
    live = {r.department_name: r for r in department_ranking(period=MARCH)}
    assert str(live["区住建局"].score) == "50.00"  # 20 + 30 + 0 (基本满意 no longer counts)
    # The bulletin keeps the rules it was computed with.
    shown = ranking_for(actor=people["leader"], period=MARCH)
    assert shown.rules.weight_response == 10
    assert {r.department_name: str(r.score) for r in shown.rows}["区住建局"] == "100.00"
