"""The early-warning board over the platform's tickets: hot spots, spikes and repeats in the
actor's scope, alerts raised once, the district's heat formula, and the API and page over them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from quanyu.analytics import board, services
from quanyu.analytics.models import Alert, HeatSetting
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.notify.models import Notification
from quanyu.tickets.models import Ticket
from tests.asserts import nothing_written
from tests.factories import PASSWORD, make_user
from tests.tickets.factories import GRID_211, make_catalog, new_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(city):
    return make_catalog(city)


@pytest.fixture
def hot(city, cat):
    """Four residents of 社区1-1 about stalls (one of them twice), one about the lift, and one
    ticket about stalls in another street."""
    residents = [city.users["resident"]] + [
        make_user(f"neighbour{i}", Role.RESIDENT, city.communities[0]) for i in range(3)
    ]
    tickets = [new_ticket(city, r, text=f"楼下有人摆摊占道，第{i}次") for i, r in enumerate(residents)]
    tickets.append(new_ticket(city, residents[1], text="流动摊贩又来占道了"))
    new_ticket(city, residents[2], text="电梯困人")
    new_ticket(city, text="路口有人摆摊占道", point=GRID_211)
    return tickets


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_hot_spot_counts_residents_not_messages_and_stays_in_scope(city, cat, hot):
    (card,) = board.hotspot_cards(actor=city.users["street_staff"])
    assert (card["place_name"], card["problem_name"]) == ("社区1-1", "占道经营")
    assert card["inputs"]["requesters"] == 4 and card["inputs"]["messages"] == 5
    assert sorted(card["ticket_ids"]) == sorted(t.pk for t in hot)
    assert card["lon"] == pytest.approx(121.32) and card["lat"] == pytest.approx(37.52)
    assert board.hotspot_cards(actor=city.users["community_y"]) == []  # another community
    assert board.hotspot_cards(actor=city.users["district_admin"], formula="requesters")[0]["heat"] == 4


def test_repeats_name_the_same_resident_back_about_the_same_problem(city, cat, hot):
    groups = board.repeat_groups(actor=city.users["community_x"])
    (group,) = [g for g in groups if g["by"] == "requester"]
    assert group["count"] == 2 and sorted(group["ticket_ids"]) == sorted([hot[1].pk, hot[4].pk])


def test_a_spike_is_an_item_above_its_weekday_baseline(city, cat):
    now = timezone.now()
    history = [new_ticket(city, text=f"摆摊占道{i}") for i in range(8)]
    for week, ticket in enumerate(history, start=1):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(weeks=week))
    for i in range(7):
        new_ticket(city, text=f"今天很多摆摊占道{i}")
    (spike,) = board.spike_list(actor=city.users["street_staff"], now=now)
    assert (spike["community"], spike["item"], spike["observed"]) == ("社区1-1", "占道经营", 7)
    assert spike["expected"] == 1.0
    assert board.spike_list(actor=city.users["community_y"], now=now) == []


def test_alerts_are_raised_once_and_told_to_the_streets_and_communitys_staff(city, cat, hot):
    first = services.alerts_raise()
    assert first.raised == 1 and first.notified >= 2
    alert = Alert.objects.get()
    assert alert.kind == "hotspot" and alert.area == city.communities[0] and "占道经营" in alert.title
    told = set(
        Notification.objects.filter(kind="alert_hotspot").values_list("recipient__username", flat=True)
    )
    assert {"street_staff", "community_x"} <= told and "community_y" not in told
    again = services.alerts_raise()
    assert (again.raised, again.notified) == (0, 0)
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="alert_hotspot").count() == len(told)


def test_the_heat_formula_is_the_districts_choice_and_audited(city):
    admin = city.users["district_admin"]
    setting = services.heat_formula_set(actor=admin, district=city.district, formula="support")
    assert setting.formula == "support" and board.formula_for(city.users["street_staff"]) == "support"
    assert AuditEntry.objects.filter(target_type="analytics.heatsetting", reason="修改热度公式").exists()
    with nothing_written(setting), pytest.raises(PermissionDenied):
        services.heat_formula_set(
            actor=city.users["street_staff"], district=city.district, formula="balanced"
        )
    with pytest.raises(ValidationError) as bad:
        services.heat_formula_set(actor=admin, district=city.district, formula="loudest")
    assert "formula" in bad.value.message_dict
    assert HeatSetting.objects.get().formula == "support"


def test_the_api_answers_the_board_in_scope(city, cat, hot):
    street = _client(city.users["street_staff"])
    answer = street.get("/api/analytics/board/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["formula"] == "balanced" and body["hotspots"][0]["place_name"] == "社区1-1"
    assert body["deadlines"]["totals"]["open"] >= 5
    assert _client(city.users["community_y"]).get("/api/analytics/hotspots/").json() == []
    bad = street.get("/api/analytics/hotspots/?days=0&formula=loudest")
    assert bad.status_code == 400 and {"days", "formula"} <= set(bad.json())
    assert _client(city.users["resident"]).get("/api/analytics/board/").status_code == 403
    assert Client().get("/api/analytics/board/").status_code in (401, 403)
    services.alerts_raise()
    assert street.get("/api/analytics/alerts/").json()["count"] == 1
    assert _client(city.users["community_y"]).get("/api/analytics/alerts/").json()["count"] == 0


def test_the_board_page_and_the_formula_form(city, cat, hot):
    page = _client(city.users["street_staff"]).get("/warnings/")
    assert page.status_code == 200 and "社区1-1「占道经营」" in page.content.decode()
    geo = _client(city.users["street_staff"]).get("/warnings/hotspots.geojson").json()
    assert geo["features"][0]["properties"]["place"] == "社区1-1"
    assert _client(city.users["resident"]).get("/warnings/").status_code == 403
    admin = _client(city.users["district_admin"])
    assert 'name="formula"' in admin.get("/warnings/").content.decode()
    done = admin.post("/warnings/formula/", {"district": city.district.pk, "formula": "requesters"})
    assert done.status_code == 302 and HeatSetting.objects.get().formula == "requesters"
    refused = admin.post("/warnings/formula/", {"district": city.district.pk, "formula": "loudest"})
    assert refused.status_code == 400 and HeatSetting.objects.get().formula == "requesters"
    denied = _client(city.users["street_staff"]).post(
        "/warnings/formula/", {"district": city.district.pk, "formula": "support"}
    )
    assert denied.status_code in (403, 404) and HeatSetting.objects.get().formula == "requesters"
    assert PASSWORD  # (the personas log in by force_login here)
