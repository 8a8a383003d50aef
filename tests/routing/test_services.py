"""Versions, activation and rollback of routing models; training from the platform's tickets."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from quanyu.core.models import AuditEntry
from quanyu.routing import predict, services, training
from quanyu.routing.models import RoutingModel, Source, Target
from quanyu.tickets.models import Ticket, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus
from tests.routing.conftest import small_corpus
from tests.tickets.factories import make_catalog, new_ticket, whistled


def _examples() -> training.Examples:
    texts, labels = small_corpus()
    return training.Examples(texts=texts, labels=labels)


def _train(actor, **kw) -> RoutingModel:
    return services.routing_model_train(actor=actor, examples=_examples(), source=Source.CSV, **kw)


@pytest.mark.django_db
def test_each_training_is_a_new_active_version_with_metrics_and_audit(city):
    admin = city.users["district_admin"]
    first = _train(admin)
    second = _train(admin)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert second.samples == 48 and second.labels == ["占道经营", "电梯故障"]
    assert second.metrics["accuracy"] >= 0.8 and "per_class" in second.metrics
    assert second.size_bytes == len(bytes(second.artefact)) > 0
    audits = AuditEntry.objects.filter(target_type="routing.routingmodel", target_id=str(second.pk))
    assert {a.reason for a in audits} == {"训练分派模型", "启用分派模型"}


@pytest.mark.django_db
def test_activate_and_rollback_switch_the_model_suggest_uses(city):
    admin = city.users["district_admin"]
    v1 = _train(admin)
    v2 = _train(admin, activate=False)
    assert predict.active_model() is not None
    assert RoutingModel.objects.get(is_active=True) == v1
    services.routing_model_activate(actor=admin, version=v2.version)
    assert RoutingModel.objects.get(is_active=True).version == 2
    label, confidence = predict.suggest("电梯困人了，物业不管")
    assert label == "电梯故障" and 0.5 < confidence <= 1
    loaded = predict.active_model()
    back = services.routing_model_rollback(actor=admin)
    assert back.version == 1
    assert predict.active_model() is not loaded  # the save made the memo read the revision again
    with pytest.raises(services.RoutingError):
        services.routing_model_rollback(actor=admin)
    with pytest.raises(services.RoutingError):
        services.routing_model_activate(actor=admin, version=99)


@pytest.mark.django_db
def test_suggest_without_an_active_model_is_none(city):
    assert predict.suggest("电梯困人") is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["street_staff", "community_x", "grid_worker", "resident"])
def test_only_admin_and_org_department_change_models(city, persona):
    admin = city.users["district_admin"]
    v1 = _train(admin)
    _train(admin)
    before = AuditEntry.objects.count()
    actor = city.users[persona]
    with pytest.raises(PermissionDenied):
        _train(actor)
    with pytest.raises(PermissionDenied):
        services.routing_model_activate(actor=actor, version=v1.version)
    with pytest.raises(PermissionDenied):
        services.routing_model_rollback(actor=actor)
    assert RoutingModel.objects.count() == 2
    assert RoutingModel.objects.get(is_active=True).version == 2
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_training_from_handled_tickets_and_resolved_whistles(city):
    cat = make_catalog(city)
    admin = city.users["district_admin"]
    texts, labels = small_corpus(8)
    category = {"电梯故障": cat["lift"], "占道经营": cat["stalls"]}
    for text, label in zip(texts, labels, strict=True):
        new_ticket(city, text=text, category=category[label])
    open_one = new_ticket(city, text="电梯困人还没人管", category=cat["lift"])
    Ticket.objects.exclude(pk=open_one.pk).update(status=TicketStatus.CLOSED)
    examples = training.category_examples_from_tickets()
    assert len(examples) == 16 and set(examples.labels) == {"0101", "0201"}
    assert examples.first == examples.last == timezone.localdate()
    row = services.routing_model_train(actor=admin, examples=examples, holdout=0)
    assert row.source == Source.TICKETS and row.data_from == timezone.localdate()
    assert predict.suggest("电梯停运困人") == (predict.suggest("电梯停运困人") or ("?", 0))
    assert predict.suggest("电梯停运困人")[0] == "0201"

    ticket, lead, _assist = whistled(city, cat, new_ticket(city, text="电梯停运", category=cat["lift"]))
    Whistle.objects.filter(pk=lead.pk).update(status=WhistleStatus.RESOLVED, resolved_at=timezone.now())
    departments = training.department_examples_from_tickets()
    assert departments.labels == [str(cat["housing"].pk)] and departments.paths == [ticket.area_path]
    services.routing_model_train(actor=admin, examples=departments, target=Target.DEPARTMENT, holdout=0)
    assert predict.suggest_department("0201", ticket.area_path) == (str(cat["housing"].pk), 1.0)
    assert predict.suggest("电梯停运困人")[0] == "0201"  # the category model is still active


@pytest.mark.django_db
def test_too_little_data_is_refused(city):
    with pytest.raises(services.RoutingError):
        services.routing_model_train(
            actor=city.users["district_admin"], examples=training.Examples(texts=["a"], labels=["x"])
        )
    assert not RoutingModel.objects.exists()
