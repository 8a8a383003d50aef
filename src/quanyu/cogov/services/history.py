"""Loading a year's contracts already run through their cycle — a street's paper ledger of this
year's 共建契约, or the demo city's year — in bulk: each contract with how far it went (a draft,
signed by both sides, supervised, evaluated, renewed with what carries over).

One transaction, every contract checked before anything is written (the checks of each step
service), an error naming the contract. What the step-by-step services would have left is left
here too: the same rows (contracts, their units, projects with their progress, renewals with the
carried projects) and the same events in the same order per contract, reminders of lagging
projects included. The actor must be a keeper of every contract's street or community (which also
lets them record the units' signatures and reports, as ``contract_sign`` does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.cogov import access
from quanyu.cogov.models import Contract, ContractEvent, ContractEventKind, ContractProject
from quanyu.cogov.services import _input
from quanyu.cogov.services.contracts import (
    COMMENDATION_THRESHOLD,
    CONTRACT_AREA_KINDS,
    EVALUATION_INDICATORS,
    _expected,
    _offers,
    _project_fields,
)
from quanyu.cogov.states import ContractStatus
from quanyu.core.bulk import fast_insert
from quanyu.core.workflow.events import actor_fields
from quanyu.orgs.models import Unit

# How far a contract went, in the cycle's order.
STAGES = (
    ContractStatus.DRAFT,
    ContractStatus.SIGNED,
    ContractStatus.SUPERVISED,
    ContractStatus.EVALUATED,
    ContractStatus.RENEWED,
)


@dataclass
class PastContract:
    """One contract and how far it went. ``progress`` (0–100, one per project in ``projects``'
    order) from ``supervised`` on; ``report``, ``scores`` and ``feedback`` from ``evaluated`` on;
    ``carry`` (indexes into ``projects``) for ``renewed``."""

    area: Area
    year: int
    title: str
    units: list[Unit]
    stage: str
    offers: list[dict[str, str]] = field(default_factory=list)
    needs: str = ""
    projects: list[dict[str, Any]] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)
    note: str = ""
    report: str = ""
    scores: dict[str, Any] = field(default_factory=dict)
    feedback: str = ""
    carry: list[int] = field(default_factory=list)


def _fail(n: int, message: str) -> ValidationError:
    return ValidationError(_("第%(n)d份契约：%(m)s") % {"n": n + 1, "m": message})


def _checked(c: PastContract) -> dict[str, Any]:
    """The step services' checks, in their order; the cleaned values."""
    if c.stage not in STAGES:
        raise ValidationError({"stage": _("只能导入待签订、已签订、已中期督导、已年终评估或已续签的契约")})
    reached = STAGES.index(c.stage)
    if c.area.kind not in CONTRACT_AREA_KINDS:
        raise ValidationError({"area": _("契约须由街道或社区签订")})
    if not isinstance(c.year, int) or not 2000 <= c.year <= 2100:
        raise ValidationError({"year": _("年度无效")})
    out: dict[str, Any] = {"title": _input.text(c.title, "title", _("名称"), max_length=150)}
    if not c.units or not all(isinstance(u, Unit) for u in c.units):
        raise ValidationError({"units": _("请至少选择一个共建单位")})
    out["offers"] = _offers(c.offers)
    out["needs"] = _input.text(c.needs, "needs", _("社区需求"), max_length=2000, required=False)
    out["projects"] = [_project_fields(p, c.year) for p in c.projects]
    if reached >= 1 and not out["projects"]:
        raise ValidationError({"projects": _("契约还没有共建项目，不能签订")})
    if reached >= 2:
        if len(c.progress) != len(out["projects"]):
            raise ValidationError({"progress": _("每个项目须有一个进度")})
        out["progress"] = [_input.percent(v, "progress") for v in c.progress]
        out["note"] = _input.text(c.note, "note", _("督导意见"), max_length=2000, required=False)
    if reached >= 3:
        out["report"] = _input.text(c.report, "report", _("自评报告"), max_length=5000)
        if set(c.scores or {}) != set(EVALUATION_INDICATORS):
            missing = sorted(set(EVALUATION_INDICATORS) - set(c.scores or {}))
            raise ValidationError({"scores": _("评估指标不完整：%(m)s") % {"m": "、".join(missing) or "-"}})
        out["scores"] = {
            name: _input.number(c.scores[name], "scores", name, low=0, high=top)
            for name, top in EVALUATION_INDICATORS.items()
        }
        out["feedback"] = _input.text(c.feedback, "feedback", _("反馈意见"), max_length=5000)
    if reached >= 4 and not all(isinstance(i, int) and 0 <= i < len(c.projects) for i in c.carry):
        raise ValidationError({"carry": _("结转项目不属于该契约")})
    return out


@transaction.atomic
def contracts_history_load(*, actor: Any, contracts: list[PastContract]) -> list[Contract]:
    """Write ``contracts`` with their units, projects, renewals and events, or nothing (a
    ValidationError names the first bad contract). Returns the contracts (not the renewals)."""
    checked = []
    for n, c in enumerate(contracts):
        try:
            checked.append(_checked(c))
        except ValidationError as exc:
            raise _fail(n, "；".join(exc.messages)) from None
    for path in sorted({c.area.path for c in contracts}):
        access.require_keeper(actor, path)
    now = timezone.now()
    today = timezone.localdate()
    made = Contract.objects.bulk_create(
        [_contract(c, k, now) for c, k in zip(contracts, checked, strict=True)]
    )
    # Projects created in the given order (so their ids are), then listed as the services list
    # them (start date, then id) for the supervision and its reminders.
    created = [
        [
            ContractProject(contract=contract, progress=k["progress"][i] if "progress" in k else 0, **fields)
            for i, fields in enumerate(k["projects"])
        ]
        for contract, k in zip(made, checked, strict=True)
    ]
    ContractProject.objects.bulk_create([p for ps in created for p in ps])
    listed = [sorted(ps, key=lambda p: (p.starts, p.pk)) for ps in created]
    renewed = [(n, c) for n, c in enumerate(contracts) if c.stage == ContractStatus.RENEWED]
    renewals = Contract.objects.bulk_create(
        [
            Contract(
                area=c.area,
                year=c.year + 1,
                title=made[n].title,
                offers=made[n].offers,
                needs=made[n].needs,
                renewed_from=made[n],
            )
            for n, c in renewed
        ]
    )
    carried: dict[int, list[ContractProject]] = {}
    for (n, c), renewal in zip(renewed, renewals, strict=True):
        year = renewal.year
        carried[n] = [
            ContractProject(
                contract=renewal,
                name=p.name,
                owner=p.owner,
                owner_unit=p.owner_unit,
                starts=dt.date(year, 1, 1),
                ends=dt.date(year, 12, 31),
                progress=p.progress,
                carried_over=True,
            )
            for p in (created[n][i] for i in sorted(set(c.carry)))
        ]
    ContractProject.objects.bulk_create([p for ps in carried.values() for p in ps])
    through = Contract.units.through
    links = [(contract, c.units) for contract, c in zip(made, contracts, strict=True)]
    links += [(renewal, contracts[n].units) for (n, _c), renewal in zip(renewed, renewals, strict=True)]
    through.objects.bulk_create(
        [through(contract_id=contract.pk, unit_id=u.pk) for contract, units in links for u in units],
        ignore_conflicts=True,
    )
    who = actor_fields(actor)
    rows: list[dict[str, Any]] = []
    renewal_of = {n: renewal for (n, _c), renewal in zip(renewed, renewals, strict=True)}
    for n, (contract, c, k) in enumerate(zip(made, contracts, checked, strict=True)):
        rows += _events(contract, c, k, listed[n], today, who, now)
        if n in renewal_of:
            renewal = renewal_of[n]
            rows.append(_event(renewal, ContractEventKind.CREATED, who, now, units=_listed_units(c.units)))
            for p in carried[n]:
                rows.append(_event(renewal, ContractEventKind.PROJECT_ADDED, who, now, project=p.name))
            rows.append(
                _event(
                    contract,
                    ContractEventKind.RENEWED,
                    who,
                    now,
                    renewal=renewal.pk,
                    carried=[p.name for p in carried[n]],
                )
            )
    fast_insert(ContractEvent, rows)
    return made


def _listed_units(units: list[Unit]) -> list[int]:
    """The units' ids as ``contract_renew`` lists them (the units' own order: name, then id)."""
    return [u.pk for u in sorted(units, key=lambda u: (u.name, u.pk))]


def _contract(c: PastContract, k: dict[str, Any], now: dt.datetime) -> Contract:
    reached = STAGES.index(c.stage)
    contract = Contract(
        area=c.area,
        year=c.year,
        title=k["title"],
        offers=k["offers"],
        needs=k["needs"],
        status=c.stage,
        unit_signed_at=now if reached >= 1 else None,
        area_signed_at=now if reached >= 1 else None,
        unit_report=k.get("report", ""),
    )
    if reached >= 3:
        total = sum(k["scores"].values(), Decimal(0)).quantize(Decimal("0.1"))
        contract.scores = {name: float(v) for name, v in k["scores"].items()}
        contract.score_total = total
        contract.feedback = k["feedback"]
        contract.commended = total >= COMMENDATION_THRESHOLD
    return contract


def _event(
    contract: Contract, kind: str, who: dict[str, Any], now: dt.datetime, **payload: Any
) -> dict[str, Any]:
    actor = who["actor"]
    return {
        "contract_id": contract.pk,
        "kind": kind,
        "at": now,
        "payload": payload,
        "actor_id": getattr(actor, "pk", None),
        "actor_name": who["actor_name"],
    }


def _events(
    contract: Contract,
    c: PastContract,
    k: dict[str, Any],
    projects: list[ContractProject],
    today: dt.date,
    who: dict[str, Any],
    now: dt.datetime,
) -> list[dict[str, Any]]:
    reached = STAGES.index(c.stage)
    rows = [_event(contract, ContractEventKind.CREATED, who, now, units=sorted(u.pk for u in c.units))]
    rows += [
        _event(contract, ContractEventKind.PROJECT_ADDED, who, now, project=f["name"]) for f in k["projects"]
    ]
    if reached < 1:
        return rows
    rows.append(_event(contract, ContractEventKind.SIGNED_UNIT, who, now, status=ContractStatus.DRAFT))
    rows.append(_event(contract, ContractEventKind.SIGNED_AREA, who, now, status=ContractStatus.SIGNED))
    if reached < 2:
        return rows
    progress = {str(p.pk): p.progress for p in projects}
    rows.append(_event(contract, ContractEventKind.SUPERVISED, who, now, progress=progress, note=k["note"]))
    lagging = [p.name for p in projects if p.progress < _expected(p, today)]
    if lagging:
        rows.append(_event(contract, ContractEventKind.REMINDED, who, now, projects=lagging))
    if reached < 3:
        return rows
    rows.append(_event(contract, ContractEventKind.UNIT_REPORT, who, now))
    assert contract.score_total is not None
    rows.append(
        _event(
            contract,
            ContractEventKind.EVALUATED,
            who,
            now,
            scores=contract.scores,
            total=str(contract.score_total),
            commended=contract.commended,
        )
    )
    return rows
