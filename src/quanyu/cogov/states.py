"""State tables of co-governance (共建共治). Only services assign ``status``.

Co-building contract (契约化共建), one year::

    draft ──sign (both sides)──▶ signed ──mid-year review──▶ supervised ──evaluate──▶ evaluated
      │                            │                           │ ▲ (more reviews)        │
      └──cancel──▶ cancelled       └──terminate──▶ terminated ◀─┘                          └─renew─▶ renewed

Joint-meeting session (联席会议): ``planned → held → closed`` (``planned → cancelled``).

Task from a resolution (决议事项)::

    open ──progress (self-loop)──▶ open ──complete──▶ done ──review at next session──▶ closed
      │                                                  └──reopen (review not satisfied)──▶ open
      └──cancel──▶ cancelled

Overdue is not a state: the periodic sweep flags open tasks past their due date (``is_overdue``).
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("待签订")
    SIGNED = "signed", _("已签订")
    SUPERVISED = "supervised", _("已中期督导")
    EVALUATED = "evaluated", _("已年终评估")
    RENEWED = "renewed", _("已续签")
    TERMINATED = "terminated", _("已终止")
    CANCELLED = "cancelled", _("已作废")


CONTRACT_ALLOWED: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.CANCELLED}),
    ContractStatus.SIGNED: frozenset({ContractStatus.SUPERVISED, ContractStatus.TERMINATED}),
    ContractStatus.SUPERVISED: frozenset(
        {ContractStatus.SUPERVISED, ContractStatus.EVALUATED, ContractStatus.TERMINATED}
    ),
    ContractStatus.EVALUATED: frozenset({ContractStatus.RENEWED}),
    ContractStatus.RENEWED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
    ContractStatus.CANCELLED: frozenset(),
}
CONTRACT_INITIAL = ContractStatus.DRAFT
CONTRACT_LIVE = frozenset({ContractStatus.SIGNED, ContractStatus.SUPERVISED})
CONTRACT_FINAL = frozenset(s for s, targets in CONTRACT_ALLOWED.items() if not targets)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")
    CLOSED = "closed", _("已归档")
    CANCELLED = "cancelled", _("已取消")


SESSION_ALLOWED: dict[str, frozenset[str]] = {
    SessionStatus.PLANNED: frozenset({SessionStatus.HELD, SessionStatus.CANCELLED}),
    SessionStatus.HELD: frozenset({SessionStatus.CLOSED}),
    SessionStatus.CLOSED: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


class TaskStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结待审议")
    CLOSED = "closed", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


TASK_ALLOWED: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.CLOSED, TaskStatus.OPEN}),
    TaskStatus.CLOSED: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}
TASK_OPEN = frozenset({TaskStatus.OPEN})


class DeliberationStatus(models.TextChoices):
    """Luoyang's 一征三议两公开: collect opinions → the party organisation proposes → the two
    committees deliberate → the residents' (representatives') meeting votes → the decision is
    published → the result of carrying it out is published. A vote that misses quorum or majority
    ends ``rejected``; a deliberation may be withdrawn before the vote."""

    COLLECTING = "collecting", _("征集意见")
    PROPOSED = "proposed", _("党组织提议")
    DELIBERATED = "deliberated", _("两委商议")
    VOTING = "voting", _("会议表决")
    DECIDED = "decided", _("已决议")
    REJECTED = "rejected", _("未通过")
    PUBLISHED = "published", _("决议公开")
    RESULT_PUBLISHED = "result_published", _("结果公开")
    WITHDRAWN = "withdrawn", _("已撤回")


_D = DeliberationStatus
DELIBERATION_ALLOWED: dict[str, frozenset[str]] = {
    _D.COLLECTING: frozenset({_D.PROPOSED, _D.WITHDRAWN}),
    _D.PROPOSED: frozenset({_D.DELIBERATED, _D.WITHDRAWN}),
    _D.DELIBERATED: frozenset({_D.VOTING, _D.WITHDRAWN}),
    _D.VOTING: frozenset({_D.DECIDED, _D.REJECTED}),
    _D.DECIDED: frozenset({_D.PUBLISHED}),
    _D.PUBLISHED: frozenset({_D.RESULT_PUBLISHED}),
    _D.REJECTED: frozenset(),
    _D.RESULT_PUBLISHED: frozenset(),
    _D.WITHDRAWN: frozenset(),
}


class ProjectStatus(models.TextChoices):
    """Secretary-led project (书记领办项目)::

    running ──rectification order──▶ rectifying ──rectified──▶ running ──final evaluation──▶ evaluated
       └──cancel──▶ cancelled
    """

    RUNNING = "running", _("推进中")
    RECTIFYING = "rectifying", _("限期整改中")
    EVALUATED = "evaluated", _("已终评")
    CANCELLED = "cancelled", _("已撤销")


_P = ProjectStatus
PROJECT_ALLOWED: dict[str, frozenset[str]] = {
    _P.RUNNING: frozenset({_P.RUNNING, _P.RECTIFYING, _P.EVALUATED, _P.CANCELLED}),
    _P.RECTIFYING: frozenset({_P.RUNNING, _P.RECTIFYING}),
    _P.EVALUATED: frozenset(),
    _P.CANCELLED: frozenset(),
}


class AdmissionStatus(models.TextChoices):
    """A department's task pushed to a community under the admission list (社区事务准入制): inside the
    list it is admitted at once; outside it is refused, or sent for the district's approval."""

    ADMITTED = "admitted", _("准入")
    REFUSED = "refused", _("拒绝")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("审批准入")
    REJECTED = "rejected", _("审批不准入")


ADMISSION_ALLOWED: dict[str, frozenset[str]] = {
    AdmissionStatus.PENDING: frozenset({AdmissionStatus.APPROVED, AdmissionStatus.REJECTED}),
    AdmissionStatus.ADMITTED: frozenset(),
    AdmissionStatus.REFUSED: frozenset(),
    AdmissionStatus.APPROVED: frozenset(),
    AdmissionStatus.REJECTED: frozenset(),
}
ADMISSION_INITIAL = frozenset({AdmissionStatus.ADMITTED, AdmissionStatus.REFUSED, AdmissionStatus.PENDING})


class DeliberationMethod(models.TextChoices):
    """Luoyang's 一征三议两公开 and Lianyungang's 一委三会 share the status table; they differ in what
    each step is called and in who must take part in the deliberation meeting."""

    YIZHENG = "yizheng", _("一征三议两公开")
    YIWEI = "yiwei", _("一委三会")


class ParticipantKind(models.TextChoices):
    PARTY = "party", _("社区党组织")
    RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会")
    COUNCIL = "council", _("居民议事会")
    SUPERVISORY = "supervisory", _("居务监事会")
    STAFF = "staff", _("社区工作人员")
    OLD_MEMBER = "old_member", _("老党员")
    RESIDENT_REP = "resident_rep", _("居民代表")
    UNIT_REP = "unit_rep", _("驻区单位代表")
    POLICE = "police", _("社区民警")


StrOrPromise = str | Promise
_K = ParticipantKind
# Who must sit in the deliberation meeting (the ``deliberated`` step): the two committees for
# 一征三议两公开; under the party organisation the deliberation council and the supervisory council
# for 一委三会 (the residents' committee carries the decision out and publishes the result).
REQUIRED_PARTICIPANTS: dict[str, frozenset[str]] = {
    DeliberationMethod.YIZHENG: frozenset({_K.PARTY, _K.RESIDENTS_COMMITTEE}),
    DeliberationMethod.YIWEI: frozenset({_K.PARTY, _K.COUNCIL, _K.SUPERVISORY}),
}
# The step names of 一委三会 where they differ from 一征三议两公开's.
YIWEI_LABELS: dict[str, StrOrPromise] = {
    _D.COLLECTING: _("议事会征集议题"),
    _D.PROPOSED: _("党组织审定议题"),
    _D.DELIBERATED: _("议事会协商"),
    _D.VOTING: _("议事会表决"),
    _D.PUBLISHED: _("决议公开（监事会监督）"),
    _D.RESULT_PUBLISHED: _("居委会落实结果公开"),
}


def step_label(method: str, status: str) -> str:
    if method == DeliberationMethod.YIWEI and status in YIWEI_LABELS:
        return str(YIWEI_LABELS[status])
    return str(DeliberationStatus(status).label)


class ResultStatus(models.TextChoices):
    """An accountability item (落实事项) of a decision, after Decidim's accountability: who does what
    by when, with progress (a parent's weighted from its sub-results)::

        planned ──progress──▶ in_progress ──100 %──▶ done
           └──────────────────────┴──cancel──▶ cancelled
    """

    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


_R = ResultStatus
RESULT_ALLOWED: dict[str, frozenset[str]] = {
    _R.PLANNED: frozenset({_R.PLANNED, _R.IN_PROGRESS, _R.DONE, _R.CANCELLED}),
    _R.IN_PROGRESS: frozenset({_R.IN_PROGRESS, _R.DONE, _R.CANCELLED}),
    _R.DONE: frozenset(),
    _R.CANCELLED: frozenset(),
}
RESULT_OPEN = frozenset({_R.PLANNED, _R.IN_PROGRESS})
