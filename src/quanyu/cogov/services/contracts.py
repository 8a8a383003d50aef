"""The year cycle of a co-building contract (契约化共建): draft → both sides sign → mid-year
supervision → the unit's own report and the year-end evaluation → renewal with what carries over.

Each step: plain input first, then the row lock, the actor check, the table check, the write and
its event, in one transaction (nothing is written before a check that can refuse)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import access
from quanyu.cogov import events as ev
from quanyu.cogov.models import Contract, ContractProject, ResourceKind
from quanyu.cogov.services import _input
from quanyu.cogov.states import CONTRACT_ALLOWED, CONTRACT_LIVE, ContractStatus
from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.orgs.models import Unit

WHAT = "契约"
# Year-end indicators (指标: maximum score); the total is out of 100.
EVALUATION_INDICATORS: dict[str, int] = {
    "履约情况": 40,
    "项目成效": 30,
    "群众满意度": 20,
    "资源投入": 10,
}
COMMENDATION_THRESHOLD = Decimal("90")
CONTRACT_AREA_KINDS = frozenset({AreaKind.STREET, AreaKind.COMMUNITY})


def _offers(offers: Any) -> list[dict[str, str]]:
    cleaned = []
    for i, item in enumerate(offers or []):
        kind = str((item or {}).get("kind", "")) if isinstance(item, dict) else ""
        if kind not in ResourceKind.values:
            raise ValidationError({"offers": _("第%(n)d项资源类型无效") % {"n": i + 1}})
        body = _input.text(item.get("text"), "offers", _("资源说明"), max_length=300)
        cleaned.append({"kind": kind, "text": body})
    return cleaned


def _project_fields(project: dict[str, Any], year: int | None = None) -> dict[str, Any]:
    starts = _input.date(project.get("starts"), "starts", _("开始日期"))
    ends = _input.date(project.get("ends"), "ends", _("完成日期"))
    if ends < starts:
        raise ValidationError({"ends": _("完成日期不能早于开始日期")})
    if year is not None and starts.year != year and ends.year != year:
        raise ValidationError({"starts": _("项目日期须在契约年度内")})
    owner_unit = project.get("owner_unit")
    if owner_unit is not None and not isinstance(owner_unit, Unit):
        raise ValidationError({"owner_unit": _("责任单位无效")})
    return {
        "name": _input.text(project.get("name"), "name", _("项目名称"), max_length=150),
        "owner": _input.text(project.get("owner"), "owner", _("责任人"), max_length=50),
        "owner_unit": owner_unit,
        "starts": starts,
        "ends": ends,
    }


def contract_create(
    *,
    actor: Any,
    area: Area,
    year: int,
    title: str,
    units: list[Unit],
    offers: list[dict[str, str]] | None = None,
    needs: str = "",
    projects: list[dict[str, Any]] | None = None,
) -> Contract:
    """Draft a contract between ``units`` and a street or community for ``year``."""
    if area.kind not in CONTRACT_AREA_KINDS:
        raise ValidationError({"area": _("契约须由街道或社区签订")})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度无效")})
    title = _input.text(title, "title", _("名称"), max_length=150)
    if not units:
        raise ValidationError({"units": _("请至少选择一个共建单位")})
    cleaned_offers = _offers(offers)
    needs = _input.text(needs, "needs", _("社区需求"), max_length=2000, required=False)
    cleaned_projects = [_project_fields(p, year) for p in projects or []]
    access.require_keeper(actor, area.path)
    with transaction.atomic():
        contract = Contract.objects.create(
            area=area, year=year, title=title, offers=cleaned_offers, needs=needs
        )
        contract.units.set(units)
        ev.contract_created_event(contract=contract, actor=actor, units=sorted(u.pk for u in units))
        for fields in cleaned_projects:
            ContractProject.objects.create(contract=contract, **fields)
            ev.contract_project_added_event(contract=contract, actor=actor, project=fields["name"])
    return contract


def _lock(contract: Contract) -> Contract:
    return lock(Contract.objects).select_related("area").get(pk=contract.pk)


def _unit_ids(contract: Contract) -> list[int]:
    return list(contract.units.values_list("pk", flat=True))


def contract_add_project(*, actor: Any, contract: Contract, **project: Any) -> ContractProject:
    """An agreed project (owner, schedule), while the contract is still a draft."""
    fields = _project_fields(project, contract.year)
    with transaction.atomic():
        locked = _lock(contract)
        access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED,
            locked.status,
            ContractStatus.DRAFT,
            labels=ContractStatus,
            seen=contract.status,
            action=_("添加项目"),
            what=WHAT,
        )
        created = ContractProject.objects.create(contract=locked, **fields)
        ev.contract_project_added_event(contract=locked, actor=actor, project=created.name)
    return created


def contract_sign(*, actor: Any, contract: Contract, side: str) -> Contract:
    """One side signs (``unit``: the units' contact, or staff recording a paper signature;
    ``area``: the street or community). Signed by both, the contract is in force."""
    if side not in ("unit", "area"):
        raise ValidationError({"side": _("签订方无效")})
    with transaction.atomic():
        locked = _lock(contract)
        if side == "unit":
            access.require_unit_side(actor, locked.area.path, _unit_ids(locked))
        else:
            access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED,
            locked.status,
            ContractStatus.SIGNED,
            labels=ContractStatus,
            seen=contract.status,
            action=_("签订"),
            what=WHAT,
        )
        stamp = "unit_signed_at" if side == "unit" else "area_signed_at"
        if getattr(locked, stamp) is not None:
            raise TransitionError(_("该方已签订，不能重复签订"))
        if not locked.projects.exists():
            raise TransitionError(_("契约还没有共建项目，不能签订"))
        setattr(locked, stamp, timezone.now())
        if locked.unit_signed_at and locked.area_signed_at:
            locked.status = ContractStatus.SIGNED
        locked.save(update_fields=[stamp, "status"])
        ev.contract_signed_event(contract=locked, actor=actor, side=side, status=locked.status)
    return locked


def contract_supervise(
    *, actor: Any, contract: Contract, progress: dict[int, int], note: str = ""
) -> Contract:
    """Mid-year supervision (中期督导): progress (0–100) per project, a note; may be repeated."""
    note = _input.text(note, "note", _("督导意见"), max_length=2000, required=False)
    cleaned = {int(k): _input.percent(v, "progress") for k, v in (progress or {}).items()}
    with transaction.atomic():
        locked = _lock(contract)
        access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED,
            locked.status,
            ContractStatus.SUPERVISED,
            labels=ContractStatus,
            seen=contract.status,
            action=_("中期督导"),
            what=WHAT,
        )
        projects = {p.pk: p for p in locked.projects.all()}
        unknown = set(cleaned) - set(projects)
        if unknown:
            raise ValidationError({"progress": _("项目%(ids)s不属于该契约") % {"ids": sorted(unknown)}})
        for pk, value in cleaned.items():
            projects[pk].progress = value
            projects[pk].save(update_fields=["progress"])
        locked.status = ContractStatus.SUPERVISED
        locked.save(update_fields=["status"])
        ev.contract_supervised_event(
            contract=locked, actor=actor, progress={str(k): v for k, v in cleaned.items()}, note=note
        )
        lagging = [p.name for p in projects.values() if p.progress < _expected(p, timezone.localdate())]
        if lagging:
            ev.contract_reminded_event(contract=locked, actor=actor, projects=lagging)
    return locked


def _expected(project: ContractProject, today: dt.date) -> int:
    """The progress a project should have reached by ``today`` on a straight line."""
    span = (project.ends - project.starts).days or 1
    elapsed = min(max((today - project.starts).days, 0), span)
    return int(100 * elapsed / span)


def contract_unit_report(*, actor: Any, contract: Contract, report: str) -> Contract:
    """The unit's own year-end report (自评报告), while the contract is in force."""
    report = _input.text(report, "report", _("自评报告"), max_length=5000)
    with transaction.atomic():
        locked = _lock(contract)
        access.require_unit_side(actor, locked.area.path, _unit_ids(locked))
        if locked.status not in CONTRACT_LIVE:
            raise TransitionError(
                _("契约当前状态为“%(s)s”，不能提交自评报告") % {"s": ContractStatus(locked.status).label}
            )
        locked.unit_report = report
        locked.save(update_fields=["unit_report"])
        ev.contract_unit_report_event(contract=locked, actor=actor)
    return locked


def contract_evaluate(*, actor: Any, contract: Contract, scores: dict[str, Any], feedback: str) -> Contract:
    """The year-end evaluation (年终评估) by the street or community: a score per indicator, the
    feedback to the unit; a total of 90 or more puts the contract on the commendation list."""
    if set(scores or {}) != set(EVALUATION_INDICATORS):
        missing = sorted(set(EVALUATION_INDICATORS) - set(scores or {}))
        raise ValidationError({"scores": _("评估指标不完整：%(m)s") % {"m": "、".join(missing) or "-"}})
    cleaned = {
        name: _input.number(scores[name], "scores", name, low=0, high=top)
        for name, top in EVALUATION_INDICATORS.items()
    }
    feedback = _input.text(feedback, "feedback", _("反馈意见"), max_length=5000)
    total = sum(cleaned.values(), Decimal(0)).quantize(Decimal("0.1"))
    with transaction.atomic():
        locked = _lock(contract)
        access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED,
            locked.status,
            ContractStatus.EVALUATED,
            labels=ContractStatus,
            seen=contract.status,
            action=_("年终评估"),
            what=WHAT,
        )
        if not locked.unit_report:
            raise TransitionError(_("共建单位尚未提交自评报告，不能评估"))
        locked.scores = {k: float(v) for k, v in cleaned.items()}
        locked.score_total = total
        locked.feedback = feedback
        locked.commended = total >= COMMENDATION_THRESHOLD
        locked.status = ContractStatus.EVALUATED
        locked.save(update_fields=["scores", "score_total", "feedback", "commended", "status"])
        ev.contract_evaluated_event(
            contract=locked, actor=actor, scores=locked.scores, total=str(total), commended=locked.commended
        )
    return locked


def contract_renew(*, actor: Any, contract: Contract, carry: list[int] | None = None) -> Contract:
    """Renew for the next year: a new draft with the same units, offers and needs, and the projects
    in ``carry`` carried over (their schedule moved into the new year)."""
    carry_ids = {int(pk) for pk in carry or []}
    with transaction.atomic():
        locked = _lock(contract)
        access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED,
            locked.status,
            ContractStatus.RENEWED,
            labels=ContractStatus,
            seen=contract.status,
            action=_("续签"),
            what=WHAT,
        )
        projects = {p.pk: p for p in locked.projects.all()}
        if carry_ids - set(projects):
            raise ValidationError({"carry": _("结转项目不属于该契约")})
        year = locked.year + 1
        renewal = Contract.objects.create(
            area=locked.area,
            year=year,
            title=locked.title,
            offers=locked.offers,
            needs=locked.needs,
            renewed_from=locked,
        )
        renewal.units.set(locked.units.all())
        ev.contract_created_event(contract=renewal, actor=actor, units=_unit_ids(locked))
        carried = []
        for pk in sorted(carry_ids):
            p = projects[pk]
            ContractProject.objects.create(
                contract=renewal,
                name=p.name,
                owner=p.owner,
                owner_unit=p.owner_unit,
                starts=dt.date(year, 1, 1),
                ends=dt.date(year, 12, 31),
                progress=p.progress,
                carried_over=True,
            )
            ev.contract_project_added_event(contract=renewal, actor=actor, project=p.name)
            carried.append(p.name)
        locked.status = ContractStatus.RENEWED
        locked.save(update_fields=["status"])
        ev.contract_renewed_event(contract=locked, actor=actor, renewal=renewal.pk, carried=carried)
    return renewal


def contract_end(*, actor: Any, contract: Contract, status: str, reason: str) -> Contract:
    """Cancel a draft (``cancelled``) or terminate a contract in force (``terminated``)."""
    if status not in (ContractStatus.CANCELLED, ContractStatus.TERMINATED):
        raise ValidationError({"status": _("只能作废或终止")})
    reason = _input.text(reason, "reason", _("原因"), max_length=500)
    with transaction.atomic():
        locked = _lock(contract)
        access.require_keeper(actor, locked.area.path)
        check_transition(
            CONTRACT_ALLOWED, locked.status, status, labels=ContractStatus, seen=contract.status, what=WHAT
        )
        locked.status = status
        locked.save(update_fields=["status"])
        ev.contract_ended_event(contract=locked, actor=actor, status=status, reason=reason)
    return locked


def feedback_letter(contract: Contract) -> dict[str, Any]:
    """The feedback letter (反馈函) of an evaluated contract, to each unit and to its own party
    organisation: what the page and the export print."""
    units = list(contract.units.prefetch_related("party_orgs"))
    return {
        "contract": contract,
        "area": contract.area.name,
        "year": contract.year,
        "scores": [
            {"name": k, "score": contract.scores.get(k), "max": top}
            for k, top in EVALUATION_INDICATORS.items()
        ],
        "total": contract.score_total,
        "feedback": contract.feedback,
        "commended": contract.commended,
        "recipients": [{"unit": u.name, "party_orgs": [o.name for o in u.party_orgs.all()]} for u in units],
    }
