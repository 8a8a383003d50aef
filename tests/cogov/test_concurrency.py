"""Two transitions at once on one row (PostgreSQL): the row lock makes exactly one win and the other
a clear conflict, with one event — for a resolution's task (complete against cancel), a contract
(year-end evaluation against termination), a secretary project (final evaluation against a
rectification order) and a deliberation (two keepers counting one vote); two reports on sibling
sub-results both count in their parent."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from quanyu.cogov import services
from quanyu.cogov.models import ContractEvent, DeliberationEvent, ProjectReview, SecretaryProject, TaskEvent
from quanyu.cogov.states import ContractStatus, ProjectStatus, TaskStatus
from tests.cogov.factories import decided, held_session_with_task, reported_contract, voting
from tests.factories import make_city, make_personas

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 5
# Both sides pass the copy read before the race, so the loser, which takes the row lock after the
# winner's commit, finds a status its copy did not show: the stale-state guard answers ConflictError
# (409, code ``conflict``), never the plain TransitionError of a step the caller could see was refused.
LOSER = "ConflictError"


def race(*steps: Callable[[], Any]) -> list[str]:
    """Run ``steps`` at once; each answers ``ok`` or the refusal's class name."""
    barrier = threading.Barrier(len(steps))
    answers: list[str] = []
    guard = threading.Lock()

    def run(step: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            step()
            outcome = "ok"
        except (ValidationError, PermissionDenied) as exc:
            outcome = type(exc).__name__
        finally:
            connections.close_all()
        with guard:
            answers.append(outcome)

    threads = [threading.Thread(target=run, args=(s,)) for s in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(answers)


@pytest.fixture
def city():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR NO KEY UPDATE) need PostgreSQL; SQLite serialises whole writes")
    c = make_city()
    make_personas(c)
    return c


def test_complete_against_cancel_on_one_task(city):
    admin = city.users["district_admin"]
    for i in range(ROUNDS):
        task = held_session_with_task(city, due=dt.date(2026, 4, 30 - i))
        answers = race(
            lambda t=task: services.task_complete(actor=admin, task=t, note="已完成"),
            lambda t=task: services.task_cancel(actor=admin, task=t, reason="不再需要"),
        )
        assert answers[1] == "ok" and answers[0] == LOSER, answers
        task.refresh_from_db()
        assert task.status in (TaskStatus.DONE, TaskStatus.CANCELLED)
        kinds = set(TaskEvent.objects.filter(task=task).values_list("kind", flat=True))
        assert len(kinds & {"done", "cancelled"}) == 1, kinds


def test_evaluate_against_terminate_on_one_contract(city):
    admin = city.users["district_admin"]
    scores = {"履约情况": 38, "项目成效": 28, "群众满意度": 18, "资源投入": 9}
    for _ in range(ROUNDS):
        contract = reported_contract(city)
        before = ContractEvent.objects.filter(contract=contract).count()
        answers = race(
            lambda c=contract: services.contract_evaluate(
                actor=admin, contract=c, scores=scores, feedback="好"
            ),
            lambda c=contract: services.contract_end(
                actor=admin, contract=c, status=ContractStatus.TERMINATED, reason="单位迁出"
            ),
        )
        assert answers[1] == "ok" and answers[0] == LOSER, answers
        contract.refresh_from_db()
        assert contract.status in (ContractStatus.EVALUATED, ContractStatus.TERMINATED)
        assert ContractEvent.objects.filter(contract=contract).count() == before + 1


def test_final_evaluation_against_rectification_on_one_project(city):
    reviewer = city.users["street_staff"]
    today = dt.date(2026, 6, 1)
    for i in range(ROUNDS):
        p = services.projects.project_create(
            actor=reviewer,
            area=city.communities[0],
            secretary=city.users["community_x"],
            year=2026,
            title=f"项目{i}",
            goal="目标",
        )
        answers = race(
            lambda p=p: services.projects.project_review(
                actor=reviewer, project=p, kind="final", rating="good", comment="完成", today=today
            ),
            lambda p=p: services.projects.project_review(
                actor=reviewer,
                project=p,
                kind="rectification",
                comment="滞后",
                deadline=dt.date(2026, 7, 1),
                today=today,
            ),
        )
        assert answers[1] == "ok" and answers[0] == LOSER, answers
        status = SecretaryProject.objects.get(pk=p.pk).status
        assert status in (ProjectStatus.EVALUATED, ProjectStatus.RECTIFYING)
        assert ProjectReview.objects.filter(project=p).count() == 1


def test_two_keepers_close_one_vote(city):
    staff, admin = city.users["community_x"], city.users["district_admin"]
    for _ in range(ROUNDS):
        d = voting(city, entitled=1)
        services.vote_cast(actor=city.users["resident"], deliberation=d, choice="for")
        answers = race(
            lambda d=d: services.deliberation_close_vote(actor=staff, deliberation=d, decision="清理"),
            lambda d=d: services.deliberation_close_vote(actor=admin, deliberation=d, decision="清理"),
        )
        assert answers == ["ConflictError", "ok"], answers
        assert DeliberationEvent.objects.filter(deliberation=d, kind="decided").count() == 1


def test_two_progress_reports_on_sub_results_of_one_item(city):
    """Each sub-result's report locks the deliberation first, then the item: the parent's weighted
    progress counts both."""
    staff = city.users["community_x"]
    acc = services.accountability
    d = decided(city)
    parent = acc.result_add(
        actor=staff, deliberation=d, title="清理", owner="居委会", due=dt.date(2026, 12, 31)
    )
    kids = [
        acc.result_add(
            actor=staff,
            deliberation=d,
            title=f"子项{i}",
            owner="物业",
            due=dt.date(2026, 12, 31),
            parent=parent,
        )
        for i in range(2)
    ]
    answers = race(
        *(lambda k=k: acc.result_progress(actor=staff, result=k, progress=100, note="完成") for k in kids)
    )
    assert answers == ["ok", "ok"], answers
    parent.refresh_from_db()
    assert (parent.progress, parent.status) == (100, "done")
