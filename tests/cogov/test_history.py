"""Loading a year's contracts in bulk (``contracts_history_load``): the rows and events the step
services leave, checked against the services themselves; every contract checked first, a bad one
named, nothing written on an error or a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from quanyu.cogov import services
from quanyu.cogov.models import Contract, ContractEvent, ContractProject
from quanyu.cogov.services import PastContract

pytestmark = pytest.mark.django_db

SCORES = {"履约情况": 38, "项目成效": 27.5, "群众满意度": 18, "资源投入": 9}
LOW_SCORES = {"履约情况": 30, "项目成效": 20, "群众满意度": 15, "资源投入": 6}


def _contracts(city) -> list[PastContract]:
    year = timezone.localdate().year - 1  # last year's: every project is due, whatever today is
    specs = []
    for n, stage in enumerate(["draft", "signed", "supervised", "evaluated", "renewed", "evaluated"]):
        area = city.streets[0] if n == 5 else city.communities[n % 2]
        unit = city.units[n % len(city.units)]
        specs.append(
            PastContract(
                area=area,
                year=year,
                title=f"{unit.name}共建契约{n}",
                units=[unit],
                stage=stage,
                offers=[{"kind": "venue", "text": "会议室每周开放两次"}],
                needs="老年助餐场地",
                # The second project starts first: the services list it first.
                projects=[
                    {
                        "name": "老年助餐点",
                        "owner": "张三",
                        "owner_unit": unit,
                        "starts": dt.date(year, 4, 1),
                        "ends": dt.date(year, 12, 31),
                    },
                    {
                        "name": "四点半课堂",
                        "owner": "李四",
                        "starts": dt.date(year, 1, 1),
                        "ends": dt.date(year, 1, 31),
                    },
                ],
                progress=[100, 40] if stage not in ("draft", "signed") else [],
                note="按计划推进" if stage not in ("draft", "signed") else "",
                report="全年完成项目两个" if stage in ("evaluated", "renewed") else "",
                scores=(LOW_SCORES if n == 5 else SCORES) if stage in ("evaluated", "renewed") else {},
                feedback="履约良好" if stage in ("evaluated", "renewed") else "",
                carry=[1] if stage == "renewed" else [],
            )
        )
    return specs


def _through_services(actor: Any, specs: list[PastContract]) -> None:
    """The same contracts, one step service at a time (as the demo built them before)."""
    for c in specs:
        contract = services.contract_create(
            actor=actor,
            area=c.area,
            year=c.year,
            title=c.title,
            units=c.units,
            offers=c.offers,
            needs=c.needs,
            projects=c.projects,
        )
        if c.stage == "draft":
            continue
        contract = services.contract_sign(actor=actor, contract=contract, side="unit")
        contract = services.contract_sign(actor=actor, contract=contract, side="area")
        if c.stage == "signed":
            continue
        ids = list(contract.projects.order_by("id").values_list("pk", flat=True))
        by_order = {ids[i]: v for i, v in enumerate(c.progress)}
        progress = {p.pk: by_order[p.pk] for p in contract.projects.all()}
        contract = services.contract_supervise(actor=actor, contract=contract, progress=progress, note=c.note)
        if c.stage == "supervised":
            continue
        contract = services.contract_unit_report(actor=actor, contract=contract, report=c.report)
        contract = services.contract_evaluate(
            actor=actor, contract=contract, scores=c.scores, feedback=c.feedback
        )
        if c.stage == "renewed":
            services.contract_renew(actor=actor, contract=contract, carry=[ids[i] for i in c.carry])


def _snapshot() -> list[dict[str, Any]]:
    """Every contract with its renewal, projects and events, ids replaced by what they stand for."""

    def one(contract: Contract) -> dict[str, Any]:
        projects = list(contract.projects.all())
        names = {str(p.pk): p.name for p in projects}
        events = []
        for e in contract.events.order_by("id"):
            payload = dict(e.payload)
            if "progress" in payload:
                payload["progress"] = {names[k]: v for k, v in payload["progress"].items()}
            if "renewal" in payload:
                payload["renewal"] = (
                    Contract.objects.get(pk=payload["renewal"]).renewed_from_id == contract.pk
                )
            events.append((e.kind, payload, e.actor_id, e.actor_name))
        renewal = Contract.objects.filter(renewed_from=contract).first()
        return {
            "fields": (
                contract.area_id,
                contract.year,
                contract.title,
                contract.offers,
                contract.needs,
                contract.status,
                contract.unit_signed_at is not None,
                contract.area_signed_at is not None,
                contract.scores,
                contract.score_total,
                contract.unit_report,
                contract.feedback,
                contract.commended,
            ),
            "units": list(contract.units.values_list("pk", flat=True)),
            "projects": [
                (
                    p.name,
                    p.owner,
                    p.owner_unit_id,
                    p.starts,
                    p.ends,
                    p.progress,
                    p.progress_note,
                    p.carried_over,
                )
                for p in projects
            ],
            "events": events,
            "renewal": one(renewal) if renewal is not None else None,
        }

    return [one(c) for c in Contract.objects.filter(renewed_from__isnull=True).order_by("id")]


def test_loaded_contracts_are_what_the_step_services_leave(city):
    actor = city.users["district_admin"]
    with transaction.atomic():
        _through_services(actor, _contracts(city))
        expected = _snapshot()
        transaction.set_rollback(True)
    assert not Contract.objects.exists()

    made = services.contracts_history_load(actor=actor, contracts=_contracts(city))

    assert [c.status for c in made] == ["draft", "signed", "supervised", "evaluated", "renewed", "evaluated"]
    loaded = _snapshot()
    assert loaded == expected
    kinds = [e[0] for e in loaded[4]["events"]]
    assert kinds == [
        "created",
        "project_added",
        "project_added",
        "signed_unit",
        "signed_area",
        "supervised",
        "reminded",
        "unit_report",
        "evaluated",
        "renewed",
    ]
    assert loaded[4]["renewal"]["projects"][0][-1] is True  # the carried project
    assert [c["fields"][-1] for c in loaded[3:]] == [True, True, False]  # commended at 90 and above


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (0, {"stage": "terminated"}, "第1份契约：只能导入"),
        (1, {"projects": []}, "第2份契约：契约还没有共建项目，不能签订"),
        (2, {"progress": [50]}, "第3份契约：每个项目须有一个进度"),
        (2, {"progress": [50, 120]}, "第3份契约：进度必须是0到100的整数"),
        (3, {"scores": {"履约情况": 38}}, "第4份契约：评估指标不完整"),
        (3, {"report": ""}, "第4份契约：请填写自评报告"),
        (4, {"carry": [5]}, "第5份契约：结转项目不属于该契约"),
        (5, {"units": []}, "第6份契约：请至少选择一个共建单位"),
    ],
)
def test_a_bad_contract_is_named_and_nothing_is_written(city, index, change, message):
    specs = _contracts(city)
    for name, value in change.items():
        setattr(specs[index], name, value)
    with pytest.raises(ValidationError) as caught:
        services.contracts_history_load(actor=city.users["district_admin"], contracts=specs)
    assert message in " ".join(caught.value.messages)
    assert not Contract.objects.exists() and not ContractProject.objects.exists()
    assert not ContractEvent.objects.exists()


def test_staff_of_another_community_cannot_load_them(city):
    with pytest.raises(PermissionDenied):
        services.contracts_history_load(actor=city.users["community_y"], contracts=_contracts(city))
    assert not Contract.objects.exists() and not ContractEvent.objects.exists()
