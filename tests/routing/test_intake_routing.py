"""The active routing model at intake: the suggestion reaches the ticket on every channel, a
confident one routes the ticket to its item's first tier, a doubtful one sends it to the
community's triage board, and staff's corrections are the next training's labels."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.routing import services, training
from quanyu.routing.models import RoutingModel, Source, Target
from quanyu.tickets import services as tickets
from quanyu.tickets.imports import hotline_import
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.states import TicketStatus
from tests.factories import PASSWORD
from tests.routing.conftest import small_corpus
from tests.tickets.factories import GRID_111, make_catalog
from tests.tickets.factories import hotline_row as row
from tests.tickets.factories import write_hotline_csv as write_csv

pytestmark = pytest.mark.django_db

# No keyword of the catalogue (电梯 困人 停运 / 摆摊 占道 流动摊贩) is in it: only the model knows.
LIFT_TEXT = "轿厢维保物业第3栋"


@pytest.fixture
def cat(city):
    return make_catalog(city)


def _train(city, labels=None) -> RoutingModel:
    texts, names = small_corpus()
    examples = training.Examples(texts=texts, labels=labels or names)
    admin = city.users["district_admin"]
    return services.routing_model_train(actor=admin, examples=examples, source=Source.CSV)


def _create(city, text=LIFT_TEXT, **kw) -> Ticket:
    return tickets.ticket_create(
        actor=city.users["resident"], text=text, channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1], **kw
    )


def test_without_a_model_the_keyword_rules_suggest(city, cat):
    ticket = _create(city)
    assert ticket.suggested_category is None and ticket.suggestion_model is None and ticket.tier == "grid"
    stalls = _create(city, text="楼下有人摆摊占道")
    assert stalls.suggested_category == cat["stalls"] and stalls.suggestion_model is None


def test_a_confident_suggestion_routes_to_the_items_first_tier(city, cat, settings):
    settings.QUANYU_ROUTING_THRESHOLD = 0.6
    model = _train(city)
    ticket = _create(city)
    assert ticket.suggested_category == cat["lift"] and ticket.suggestion_model == model.version
    assert ticket.suggestion_score >= 0.6
    assert ticket.category is None  # staff still confirm it
    # 电梯故障 starts at the street
    assert (ticket.tier, ticket.handling_area_id) == ("street", city.streets[0].pk)
    created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
    assert created.payload["model"] == model.version and created.payload["suggested"] == "0201"


def test_a_doubtful_suggestion_waits_on_the_community_triage_board(city, cat, settings):
    settings.QUANYU_ROUTING_THRESHOLD = 0.999
    _train(city)
    ticket = _create(city)
    assert ticket.suggested_category == cat["lift"] and ticket.suggestion_score < 0.999
    assert (ticket.tier, ticket.handling_area_id) == ("community", city.communities[0].pk)
    client = Client()
    client.force_login(city.users["community_x"])
    board = client.get("/tickets/triage/")
    assert board.status_code == 200 and ticket.text in board.content.decode()
    # A category given at intake is never triaged, whatever the model thinks.
    given = _create(city, category=cat["stalls"])
    assert given.tier == "grid" and given.suggestion_model is not None


def test_labels_that_are_no_catalogue_item_fall_back_to_the_keywords(city, cat):
    _texts, names = small_corpus()
    _train(city, labels=["甲" if n == "电梯故障" else "乙" for n in names])
    stalls = _create(city, text="楼下有人摆摊占道")
    assert stalls.suggested_category == cat["stalls"] and stalls.suggestion_model is None
    assert _create(city).suggested_category is None


def test_the_api_and_the_hotline_import_take_the_models_suggestion(city, cat, tmp_path, settings):
    settings.QUANYU_ROUTING_THRESHOLD = 0.6
    model = _train(city)
    login = Client().post(
        "/api/auth/token/", {"username": "resident", "password": PASSWORD}, content_type="application/json"
    )
    answer = Client(HTTP_AUTHORIZATION=f"Token {login.json()['token']}").post(
        "/api/tickets/",
        {"text": LIFT_TEXT, "lon": GRID_111[0], "lat": GRID_111[1]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["suggested_category"] == cat["lift"].pk
    assert Ticket.objects.get(pk=answer.json()["id"]).suggestion_model == model.version
    source = write_csv(tmp_path / "h.csv", [row("M1", LIFT_TEXT), row("M2", "小区门口有流动摊贩摆摊占道")])
    result = hotline_import(actor=city.users["district_admin"], source=source)
    assert (result.written, result.errors) == (2, [])
    m1, m2 = Ticket.objects.get(external_ref="M1"), Ticket.objects.get(external_ref="M2")
    assert (m1.suggested_category, m1.suggestion_model, m1.tier) == (cat["lift"], model.version, "street")
    assert m2.suggested_category == cat["stalls"] and m2.suggestion_model == model.version
    event = TicketEvent.objects.get(ticket=m1, kind=EventKind.CREATED)
    assert event.payload["model"] == model.version and event.payload["imported"] is True


def test_the_department_model_names_a_department_for_the_street(city, cat, settings):
    settings.QUANYU_ROUTING_THRESHOLD = 0.6
    _train(city)
    path = city.grids[0].path
    departments = training.Examples(
        texts=["0201"] * 6 + ["0101"] * 6,
        paths=[path] * 12,
        labels=[str(cat["housing"].pk)] * 6 + [str(cat["cg"].pk)] * 6,
    )
    services.routing_model_train(
        actor=city.users["district_admin"], examples=departments, target=Target.DEPARTMENT, holdout=0
    )
    ticket = _create(city)
    assert ticket.suggested_department == cat["housing"]
    stalls = _create(city, text="楼下有人摆摊占道")
    assert stalls.suggested_department == cat["cg"]


def test_staff_corrections_are_the_next_trainings_labels(city, cat, settings):
    settings.QUANYU_ROUTING_THRESHOLD = 0.999
    _train(city)
    ticket = _create(city, text="流动摊贩把轿厢门口堵了")  # the model may say 电梯故障; it is 占道经营
    corrected = tickets.ticket_categorise(
        actor=city.users["community_x"], ticket=ticket, category=cat["stalls"]
    )
    assert corrected.category == cat["stalls"]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CATEGORISED)
    assert event.payload["category"] == "0101" and corrected.suggestion_model is not None
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    examples = training.category_examples_from_tickets()
    assert list(zip(examples.texts, examples.labels, strict=True)) == [(ticket.text, "0101")]


def test_the_drift_report_compares_the_months_suggestions_with_staff_choices(city, cat, settings):
    import io
    import json

    from django.core.management import call_command
    from django.utils import timezone

    from quanyu.routing.drift import drift_report

    settings.QUANYU_ROUTING_THRESHOLD = 0.6
    model = _train(city)
    agreed = _create(city)  # suggested 电梯故障
    corrected = _create(city, text="轿厢维保物业第9栋")
    _create(city, text="轿厢维保物业第5栋")  # not settled yet
    assert {agreed.suggested_category, corrected.suggested_category} == {cat["lift"]}
    Ticket.objects.filter(pk=agreed.pk).update(category=cat["lift"])
    Ticket.objects.filter(pk=corrected.pk).update(category=cat["stalls"])
    report = drift_report(timezone.localdate())
    (row,) = report["models"]
    assert row["version"] == model.version and row["tested_accuracy"] == model.metrics["accuracy"]
    assert (row["suggested"], row["settled"], row["agreed"], row["corrected"]) == (3, 2, 1, 1)
    assert row["agreement"] == 0.5 and row["drifted"] is True and row["routed"] + row["triaged"] == 3
    (lift,) = row["items"]
    assert (lift["item"], lift["suggested"], lift["settled"], lift["agreement"]) == ("0201", 3, 2, 0.5)
    out = io.StringIO()
    call_command("routing_drift", stdout=out)
    assert json.loads(out.getvalue()) == report
    last_year = drift_report(timezone.localdate().replace(year=2020))
    assert last_year["models"] == []
