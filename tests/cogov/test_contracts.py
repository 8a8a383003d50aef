"""The contract's year cycle — draft, both sides sign, mid-year supervision, the unit's own report,
the year-end scores and feedback letter, renewal with what carries over — and its refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.cogov import services
from quanyu.cogov.models import Contract, ContractEventKind
from quanyu.cogov.selectors import commendation_list_for
from quanyu.cogov.states import ContractStatus
from quanyu.core.workflow import ConflictError, TransitionError
from tests.asserts import nothing_written
from tests.cogov.factories import (
    YEAR,
    draft_contract,
    evaluated_contract,
    reported_contract,
    signed_contract,
    supervised_contract,
)

pytestmark = pytest.mark.django_db

SCORES = {"履约情况": 38, "项目成效": 28, "群众满意度": 18, "资源投入": 9}


def test_year_cycle_with_scores_feedback_and_renewal(city, unit_contact):
    staff = city.users["community_x"]
    contract = draft_contract(city)
    services.contract_sign(actor=unit_contact, contract=contract, side="unit")
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
    contract = services.contract_sign(actor=staff, contract=contract, side="area")
    assert contract.status == ContractStatus.SIGNED
    projects = list(contract.projects.order_by("id"))
    contract = services.contract_supervise(
        actor=city.users["street_staff"],
        contract=contract,
        progress={projects[0].pk: 100, projects[1].pk: 10},
    )
    assert contract.status == ContractStatus.SUPERVISED
    contract = services.contract_unit_report(actor=unit_contact, contract=contract, report="全年开放场地48次")
    contract = services.contract_evaluate(
        actor=staff, contract=contract, scores=SCORES, feedback="履约良好，继续共建"
    )
    assert contract.status == ContractStatus.EVALUATED
    assert str(contract.score_total) == "93.0"
    assert contract.commended
    assert list(commendation_list_for(actor=staff, year=YEAR)) == [contract]
    letter = services.feedback_letter(contract)
    assert letter["total"] == contract.score_total
    assert [r["unit"] for r in letter["recipients"]] == [city.units[0].name]
    assert [s["score"] for s in letter["scores"]] == [38, 28, 18, 9]

    renewal = services.contract_renew(actor=staff, contract=contract, carry=[projects[1].pk])
    assert renewal.year == YEAR + 1 and renewal.status == ContractStatus.DRAFT
    assert renewal.renewed_from_id == contract.pk
    carried = list(renewal.projects.all())
    assert [(p.name, p.carried_over, p.progress, p.starts) for p in carried] == [
        ("四点半课堂", True, 10, dt.date(YEAR + 1, 1, 1))
    ]
    assert list(renewal.units.all()) == [city.units[0]]
    kinds = list(contract.events.values_list("kind", flat=True))
    assert kinds[:4] == ["created", "project_added", "project_added", "signed_unit"]
    assert kinds[-1] == ContractEventKind.RENEWED
    assert ContractEventKind.REMINDED in kinds  # the lagging project was reminded at mid-year


def test_low_score_is_not_commended(city):
    contract = reported_contract(city)
    low = {"履约情况": 20, "项目成效": 20, "群众满意度": 10, "资源投入": 5}
    contract = services.contract_evaluate(
        actor=city.users["district_admin"], contract=contract, scores=low, feedback="需改进"
    )
    assert not contract.commended
    assert list(commendation_list_for(actor=city.users["district_admin"], year=YEAR)) == []


def test_signing_twice_is_refused_and_writes_nothing(city, unit_contact):
    contract = draft_contract(city)
    services.contract_sign(actor=unit_contact, contract=contract, side="unit")
    with nothing_written(contract), pytest.raises(TransitionError):
        services.contract_sign(actor=unit_contact, contract=contract, side="unit")


def test_evaluation_needs_the_units_report(city):
    contract = supervised_contract(city)
    with nothing_written(contract), pytest.raises(TransitionError):
        services.contract_evaluate(
            actor=city.users["district_admin"], contract=contract, scores=SCORES, feedback="x"
        )


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"履约情况": 38}, "scores"),
        ({**SCORES, "履约情况": 41}, "scores"),
        ({**SCORES, "资源投入": "abc"}, "scores"),
    ],
)
def test_bad_scores_name_the_field(city, scores, field):
    contract = reported_contract(city)
    with nothing_written(contract), pytest.raises(ValidationError) as err:
        services.contract_evaluate(
            actor=city.users["district_admin"], contract=contract, scores=scores, feedback="x"
        )
    assert field in err.value.message_dict


def test_evaluating_a_draft_is_a_transition_error(city):
    contract = draft_contract(city)
    with nothing_written(contract), pytest.raises(TransitionError):
        services.contract_evaluate(
            actor=city.users["district_admin"], contract=contract, scores=SCORES, feedback="x"
        )


def test_stale_copy_is_a_conflict(city):
    contract = draft_contract(city)
    stale = Contract.objects.get(pk=contract.pk)
    services.contract_end(
        actor=city.users["district_admin"], contract=contract, status="cancelled", reason="重复"
    )
    with pytest.raises(ConflictError):
        services.contract_add_project(
            actor=city.users["district_admin"],
            contract=stale,
            name="x",
            owner="y",
            starts=dt.date(YEAR, 1, 1),
            ends=dt.date(YEAR, 2, 1),
        )


def test_create_validation(city):
    admin = city.users["district_admin"]
    cases = [
        ({"area": city.grids[0]}, "area"),
        ({"units": []}, "units"),
        ({"title": " "}, "title"),
        ({"offers": [{"kind": "gold", "text": "x"}]}, "offers"),
        ({"projects": [{"name": "a", "owner": "b", "starts": "2026-05-01", "ends": "2026-04-01"}]}, "ends"),
        ({"projects": [{"name": "a", "owner": "b", "starts": "bad", "ends": "2026-04-01"}]}, "starts"),
    ]
    for change, field in cases:
        kwargs = {
            "actor": admin,
            "area": city.communities[0],
            "year": YEAR,
            "title": "共建",
            "units": [city.units[0]],
            **change,
        }
        with pytest.raises(ValidationError) as err:
            services.contract_create(**kwargs)
        assert field in err.value.message_dict, change
    assert Contract.objects.count() == 0


# --- the permission matrix: every step × every persona ------------------------------------------

KEEP = {"district_admin", "street_staff", "community_x"}
UNIT = KEEP | {"unit_contact"}
PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
    "unit_contact",
]
STEPS = {
    "sign_unit": (
        draft_contract,
        lambda a, c: services.contract_sign(actor=a, contract=c, side="unit"),
        UNIT,
    ),
    "sign_area": (
        draft_contract,
        lambda a, c: services.contract_sign(actor=a, contract=c, side="area"),
        KEEP,
    ),
    "add_project": (
        draft_contract,
        lambda a, c: services.contract_add_project(
            actor=a, contract=c, name="n", owner="o", starts=dt.date(YEAR, 5, 1), ends=dt.date(YEAR, 6, 1)
        ),
        KEEP,
    ),
    "supervise": (
        signed_contract,
        lambda a, c: services.contract_supervise(actor=a, contract=c, progress={}),
        KEEP,
    ),
    "report": (
        supervised_contract,
        lambda a, c: services.contract_unit_report(actor=a, contract=c, report="r"),
        UNIT,
    ),
    "evaluate": (
        reported_contract,
        lambda a, c: services.contract_evaluate(actor=a, contract=c, scores=SCORES, feedback="f"),
        KEEP,
    ),
    "renew": (evaluated_contract, lambda a, c: services.contract_renew(actor=a, contract=c), KEEP),
    "terminate": (
        signed_contract,
        lambda a, c: services.contract_end(actor=a, contract=c, status="terminated", reason="r"),
        KEEP,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_permission_matrix(city, unit_contact, step, persona):
    make, run, allowed = STEPS[step]
    contract = make(city)
    actor = city.users[persona]
    if persona in allowed:
        n = contract.events.count()
        run(actor, contract)
        assert contract.events.count() > n
    else:
        with nothing_written(contract), pytest.raises(PermissionDenied):
            run(actor, contract)


def test_create_is_refused_out_of_area(city):
    with pytest.raises(PermissionDenied):
        draft_contract_by(city, "community_y")
    assert Contract.objects.count() == 0


def draft_contract_by(city, persona):
    return services.contract_create(
        actor=city.users[persona], area=city.communities[0], year=YEAR, title="x", units=[city.units[0]]
    )
