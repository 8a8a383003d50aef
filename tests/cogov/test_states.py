"""The co-governance state tables are closed, and the contract and task machines under random use
never leave their table; a refused step writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanyu.cogov import services
from quanyu.cogov.models import Contract, ContractEvent, Task, TaskEvent
from quanyu.cogov.states import (
    CONTRACT_ALLOWED,
    CONTRACT_FINAL,
    SESSION_ALLOWED,
    TASK_ALLOWED,
    ContractStatus,
    SessionStatus,
    TaskStatus,
)
from quanyu.core.workflow import TransitionError
from tests.asserts import snapshot
from tests.cogov.factories import YEAR, draft_contract, held_session_with_task, next_session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("table", "labels"),
    [(CONTRACT_ALLOWED, ContractStatus), (SESSION_ALLOWED, SessionStatus), (TASK_ALLOWED, TaskStatus)],
)
def test_tables_are_closed_over_their_statuses(table, labels):
    assert set(table) == set(labels.values)
    for targets in table.values():
        assert targets <= set(labels.values)


def test_contract_final_states():
    assert {ContractStatus.RENEWED, ContractStatus.TERMINATED, ContractStatus.CANCELLED} == CONTRACT_FINAL


ACTORS = ["district_admin", "street_staff", "community_x", "community_y", "resident", "unit_contact"]

CONTRACT_STEPS = {
    "sign_unit": lambda a, c: services.contract_sign(actor=a, contract=c, side="unit"),
    "sign_area": lambda a, c: services.contract_sign(actor=a, contract=c, side="area"),
    "supervise": lambda a, c: services.contract_supervise(
        actor=a, contract=c, progress={p.pk: 60 for p in c.projects.all()}
    ),
    "report": lambda a, c: services.contract_unit_report(actor=a, contract=c, report="自评"),
    "evaluate": lambda a, c: services.contract_evaluate(
        actor=a,
        contract=c,
        scores={"履约情况": 40, "项目成效": 30, "群众满意度": 20, "资源投入": 10},
        feedback="好",
    ),
    "renew": lambda a, c: services.contract_renew(actor=a, contract=c, carry=[]),
    "terminate": lambda a, c: services.contract_end(actor=a, contract=c, status="terminated", reason="撤离"),
    "cancel": lambda a, c: services.contract_end(actor=a, contract=c, status="cancelled", reason="作废"),
    "add_project": lambda a, c: services.contract_add_project(
        actor=a, contract=c, name="新项目", owner="甲", starts=dt.date(YEAR, 5, 1), ends=dt.date(YEAR, 9, 1)
    ),
}


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=st.lists(st.tuples(st.sampled_from(sorted(CONTRACT_STEPS)), st.sampled_from(ACTORS)), max_size=10)
)
def test_contract_random_steps_stay_in_the_table(city, unit_contact, steps):
    contract = draft_contract(city)
    for name, who in steps:
        before = Contract.objects.get(pk=contract.pk).status
        n_events = ContractEvent.objects.count()
        state = snapshot(contract)
        try:
            CONTRACT_STEPS[name](city.users[who], Contract.objects.get(pk=contract.pk))
        except (PermissionDenied, TransitionError, ValidationError):
            assert snapshot(contract) == state
            continue
        after = Contract.objects.get(pk=contract.pk).status
        assert after == before or after in CONTRACT_ALLOWED[before]
        assert ContractEvent.objects.count() > n_events
        if after == ContractStatus.SIGNED:
            fresh = Contract.objects.get(pk=contract.pk)
            assert fresh.unit_signed_at and fresh.area_signed_at


TASK_STEPS = {
    "progress": lambda a, t, s: services.task_report_progress(actor=a, task=t, progress=40, note="推进中"),
    "complete": lambda a, t, s: services.task_complete(actor=a, task=t, note="已完成"),
    "accept": lambda a, t, s: services.task_review(actor=a, task=t, session=s, accepted=True),
    "reopen": lambda a, t, s: services.task_review(actor=a, task=t, session=s, accepted=False, note="未达标"),
    "cancel": lambda a, t, s: services.task_cancel(actor=a, task=t, reason="不再需要"),
}
TASK_ACTORS = ["district_admin", "street_staff", "community_y", "department_handler", "resident"]


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=st.lists(st.tuples(st.sampled_from(sorted(TASK_STEPS)), st.sampled_from(TASK_ACTORS)), max_size=10)
)
def test_task_random_steps_stay_in_the_table(city, steps):
    task = held_session_with_task(city)
    review = next_session(city, task)
    for name, who in steps:
        before = Task.objects.get(pk=task.pk).status
        n_events = TaskEvent.objects.count()
        state = snapshot(task)
        try:
            TASK_STEPS[name](city.users[who], Task.objects.get(pk=task.pk), review)
        except (PermissionDenied, TransitionError, ValidationError):
            assert snapshot(task) == state
            continue
        after = Task.objects.get(pk=task.pk).status
        assert after in TASK_ALLOWED[before]
        assert TaskEvent.objects.count() == n_events + 1
