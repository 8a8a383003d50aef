"""The co-governance demo step's deliberations: in every state, both methods, the 一委三会 ones with
the participants their meeting requires, decided ones with accountability items whose weighted
progress holds, the withdrawn ones left out of the public list; the admission list and pushes in
every status, each with its events."""

from collections import Counter

import pytest
from django.db import transaction

from quanyu.cogov import selectors
from quanyu.cogov.models import Deliberation, Result
from quanyu.cogov.services.accountability import weighted
from quanyu.cogov.states import REQUIRED_PARTICIPANTS, DeliberationStatus
from quanyu.demo.build import build_demo

SEED = 11
SCALE = 0.05


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = build_demo(seed=SEED, scale=SCALE)
        yield ctx
        transaction.set_rollback(True)


def test_deliberations_in_every_state_by_both_methods(demo, db):
    statuses = Counter(Deliberation.objects.values_list("status", flat=True))
    assert set(statuses) == set(DeliberationStatus.values), statuses
    assert Deliberation.objects.count() > 2 * len(demo.communities)
    assert set(Deliberation.objects.values_list("method", flat=True)) == {"yizheng", "yiwei"}
    for d in Deliberation.objects.exclude(participants=[]):
        assert REQUIRED_PARTICIPANTS[d.method] <= {r["kind"] for r in d.participants}


def test_decided_ones_carry_accountability_items(demo, db):
    carried = Deliberation.objects.filter(status__in=["decided", "published", "result_published"])
    assert carried.exists()
    for d in carried:
        parents = Result.objects.filter(deliberation=d, parent=None)
        assert parents.count() == 1
        parent = parents.get()
        assert parent.progress == weighted(list(Result.objects.filter(parent=parent)))
        if d.status == "result_published":
            assert parent.status == "done"


def test_public_list_leaves_withdrawn_ones_out(demo, db):
    withdrawn = Deliberation.objects.filter(status="withdrawn").first()
    assert withdrawn is not None
    listed = selectors.deliberation_public_list(community=withdrawn.community)
    assert withdrawn.pk not in set(listed.values_list("pk", flat=True))


def test_admission_list_and_pushes_in_every_status_with_their_events(demo, db):
    from quanyu.cogov.models import AdmissionEvent, AdmissionItem, AdmissionRequest
    from quanyu.cogov.states import AdmissionStatus

    assert AdmissionItem.objects.count() >= 5
    statuses = set(AdmissionRequest.objects.values_list("status", flat=True))
    assert statuses == set(AdmissionStatus.values), statuses
    assert not AdmissionRequest.objects.filter(events__isnull=True).exists()
    decided = AdmissionRequest.objects.filter(status__in=["approved", "rejected"])
    assert AdmissionEvent.objects.filter(request__in=decided).count() == 2 * decided.count()


def test_contracts_with_communities_and_their_streets_at_every_stage(demo, db):
    """Half the year's contracts are with the unit's community, half with its street, and each half
    runs through the whole cycle (draft to renewed)."""
    from quanyu.cogov.models import Contract

    this_year = Contract.objects.filter(renewed_from__isnull=True)
    by_kind: dict[str, set[str]] = {}
    for kind, status in this_year.values_list("area__kind", "status"):
        by_kind.setdefault(kind, set()).add(status)
    assert set(by_kind) == {"community", "street"}
    for statuses in by_kind.values():
        assert {"draft", "signed", "supervised", "evaluated", "renewed"} <= statuses, by_kind
