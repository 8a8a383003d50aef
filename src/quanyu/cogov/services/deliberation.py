"""Residents' deliberation (一征三议两公开): residents post and support opinions inside a window,
the party organisation proposes, the two committees deliberate, the residents' (representatives')
meeting votes (quorum and majority as settings, by default the 四议两公开 rule: at least two thirds
of those entitled take part and more than half of those taking part agree), the decision is
published for a minimum period unless the supervisory council (监事会) has an unanswered
objection, then the result of carrying it out is published.

Residents act where they hold a grant (resident or party member at the community); keepers
(street and community staff, admin, organisation department) take the steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import access
from quanyu.cogov.models import Deliberation, DeliberationEvent, Objection, Opinion, Support, Vote
from quanyu.cogov.services import _input
from quanyu.cogov.states import (
    DELIBERATION_ALLOWED,
    REQUIRED_PARTICIPANTS,
    DeliberationMethod,
    DeliberationStatus,
    ParticipantKind,
)
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.core.workflow import TransitionError, check_transition, lock
from quanyu.core.workflow.events import actor_fields

D = DeliberationStatus
RESIDENTS = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.BUILDING_HEAD})


def quorum() -> tuple[int, int]:
    """(numerator, denominator) of those entitled who must take part; default 2/3."""
    return tuple(getattr(settings, "QUANYU_COGOV_QUORUM", (2, 3)))  # type: ignore[return-value]


def notice_days() -> int:
    return int(getattr(settings, "QUANYU_COGOV_NOTICE_DAYS", 7))


def _event(d: Deliberation, kind: str, actor: Any, **payload: Any) -> DeliberationEvent:
    return DeliberationEvent.objects.create(deliberation=d, kind=kind, payload=payload, **actor_fields(actor))


def _is_resident(actor: Any, d: Deliberation) -> bool:
    return has_role(actor, RESIDENTS, at_path=d.community.path) and not getattr(actor, "is_superuser", False)


def _require_resident(actor: Any, d: Deliberation) -> None:
    if not (_is_resident(actor, d) or access.is_keeper(actor, d.community.path)):
        raise PermissionDenied(_("只有本社区居民可以参与"))


def _lock(d: Deliberation) -> Deliberation:
    return lock(Deliberation.objects).select_related("community").get(pk=d.pk)


def _move(
    actor: Any,
    d: Deliberation,
    target: str,
    action: str,
    guard: Callable[[Deliberation], None] | None = None,
    **fields: Any,
) -> Deliberation:
    with transaction.atomic():
        locked = _lock(d)
        access.require_keeper(actor, locked.community.path)
        check_transition(
            DELIBERATION_ALLOWED,
            locked.status,
            target,
            labels=D,
            seen=d.status,
            action=action,
            what=_("协商"),
        )
        if guard is not None:
            guard(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = target
        locked.save(update_fields=["status", *fields])
        payload: dict[str, Any] = {k: str(v) for k, v in fields.items() if k != "participants"}
        if "participants" in fields:  # the kinds present, not the names
            payload["participants"] = sorted({r["kind"] for r in fields["participants"]})
        _event(locked, target, actor, **payload)
    return locked


def deliberation_open(
    *,
    actor: Any,
    community: Area,
    title: str,
    description: str = "",
    opinions_close: dt.datetime,
    method: str = DeliberationMethod.YIZHENG,
) -> Deliberation:
    if community.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": _("协商须在社区开展")})
    if method not in DeliberationMethod.values:
        raise ValidationError({"method": _("协商方式无效")})
    title = _input.text(title, "title", _("议题"), max_length=200)
    description = _input.text(description, "description", _("说明"), max_length=5000, required=False)
    if not isinstance(opinions_close, dt.datetime) or opinions_close <= timezone.now():
        raise ValidationError({"opinions_close": _("意见征集截止时间须晚于现在")})
    access.require_keeper(actor, community.path)
    with transaction.atomic():
        d = Deliberation.objects.create(
            community=community,
            title=title,
            description=description,
            opinions_close=opinions_close,
            method=method,
        )
        _event(d, "opened", actor, opinions_close=opinions_close.isoformat(), method=method)
    return d


def opinion_post(
    *, actor: Any, deliberation: Deliberation, text: str, now: dt.datetime | None = None
) -> Opinion:
    text = _input.text(text, "text", _("意见"), max_length=500)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(deliberation)
        _require_resident(actor, locked)
        if locked.status != D.COLLECTING or now > locked.opinions_close:
            raise TransitionError(_("意见征集已结束"))
        opinion = Opinion.objects.create(deliberation=locked, author=actor, text=text)
        _event(locked, "opinion", actor, opinion=opinion.pk)
    return opinion


def opinion_support(*, actor: Any, opinion: Opinion, now: dt.datetime | None = None) -> Opinion:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(opinion.deliberation)
        _require_resident(actor, locked)
        if locked.status != D.COLLECTING or now > locked.opinions_close:
            raise TransitionError(_("意见征集已结束"))
        try:
            with transaction.atomic():
                Support.objects.create(opinion=opinion, user=actor)
        except IntegrityError:
            raise ValidationError({"opinion": _("您已支持过该意见")}) from None
        Opinion.objects.filter(pk=opinion.pk).update(supporters=F("supporters") + 1)
        _event(locked, "supported", actor, opinion=opinion.pk)
    opinion.refresh_from_db()
    return opinion


def deliberation_propose(*, actor: Any, deliberation: Deliberation, proposal: str) -> Deliberation:
    """The community party organisation's proposal (党组织提议), from the opinions collected."""
    proposal = _input.text(proposal, "proposal", _("党组织提议"), max_length=5000)
    return _move(actor, deliberation, D.PROPOSED, _("提议"), proposal=proposal)


def clean_participants(method: str, participants: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """Who sat in the deliberation meeting, each ``{"kind", "name"}``; the kinds the method requires
    (REQUIRED_PARTICIPANTS) must all be there, for every method (the other kinds — old members,
    resident and unit representatives, the community police — are recorded when they came).
    ``None`` is the same as nobody: the refusal names the missing kinds."""
    participants = participants or []
    rows: list[dict[str, str]] = []
    for row in participants:
        kind = str((row or {}).get("kind", ""))
        if kind not in ParticipantKind.values:
            raise ValidationError({"participants": _("参会人员类别无效")})
        name = _input.text(row.get("name"), "participants", _("参会人员姓名"), max_length=50)
        rows.append({"kind": kind, "name": name})
    missing = REQUIRED_PARTICIPANTS[method] - {r["kind"] for r in rows}
    if missing:
        labels = "、".join(str(ParticipantKind(k).label) for k in sorted(missing))
        raise ValidationError({"participants": _("参会人员缺少：%(who)s") % {"who": labels}})
    if len(rows) > 200:
        raise ValidationError({"participants": _("参会人员不能超过200人")})
    return rows


def deliberation_committees(
    *, actor: Any, deliberation: Deliberation, note: str, participants: list[dict[str, Any]] | None = None
) -> Deliberation:
    """The deliberation meeting: the two committees (两委商议) for 一征三议两公开, the deliberation
    council under the party organisation with the supervisory council present for 一委三会; the
    participants the method requires must be recorded."""
    note = _input.text(note, "note", _("商议意见"), max_length=5000)
    rows = clean_participants(deliberation.method, participants)
    fields: dict[str, Any] = {"committees_note": note}
    if rows:
        fields["participants"] = rows

    def same_method(locked: Deliberation) -> None:
        if locked.method != deliberation.method:  # the rows were checked against the caller's copy
            raise ValidationError({"participants": _("协商方式已变更，请刷新")})

    return _move(actor, deliberation, D.DELIBERATED, _("商议"), same_method, **fields)


def deliberation_open_vote(
    *, actor: Any, deliberation: Deliberation, entitled: int, vote_close: dt.datetime
) -> Deliberation:
    """The residents' (representatives') meeting: ``entitled`` may vote until ``vote_close``."""
    if not isinstance(entitled, int) or entitled < 1:
        raise ValidationError({"entitled": _("应到人数须为正整数")})
    if not isinstance(vote_close, dt.datetime) or vote_close <= timezone.now():
        raise ValidationError({"vote_close": _("表决截止时间须晚于现在")})
    return _move(actor, deliberation, D.VOTING, _("表决"), entitled=entitled, vote_close=vote_close)


def vote_cast(*, actor: Any, deliberation: Deliberation, choice: str, now: dt.datetime | None = None) -> Vote:
    """One vote per person, inside the window; a second vote or one after the window is refused."""
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("表决选项无效")})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(deliberation)
        if not _is_resident(actor, locked):
            raise PermissionDenied(_("只有本社区居民（代表）可以表决"))
        if locked.status != D.VOTING or locked.vote_close is None or now > locked.vote_close:
            raise TransitionError(_("表决未开始或已截止"))
        if Vote.objects.filter(deliberation=locked, voter=actor).exists():
            raise ValidationError({"choice": _("您已表决，不能重复表决")})
        vote = Vote.objects.create(deliberation=locked, voter=actor, choice=choice)
        _event(locked, "voted", actor)  # the choice is secret: counted at the close
    return vote


def deliberation_close_vote(*, actor: Any, deliberation: Deliberation, decision: str = "") -> Deliberation:
    """Count the votes: quorum (share of those entitled taking part) and majority (more than half
    of those taking part for) → ``decided``, else ``rejected``."""
    fresh = Deliberation.objects.get(pk=deliberation.pk)
    counts = {c: Vote.objects.filter(deliberation=fresh, choice=c).count() for c in Vote.Choice.values}
    attended = sum(counts.values())
    num, den = quorum()
    passed = attended * den >= fresh.entitled * num and counts["for"] * 2 > attended
    if passed:
        decision = _input.text(decision, "decision", _("决议"), max_length=5000)
    target = D.DECIDED if passed else D.REJECTED
    return _move(
        actor,
        deliberation,
        target,
        _("计票"),
        votes_for=counts["for"],
        votes_against=counts["against"],
        votes_abstain=counts["abstain"],
        decision=decision,
    )


def objection_raise(*, actor: Any, deliberation: Deliberation, text: str) -> Objection:
    """The supervisory council's objection (a resident on the council, or staff recording it)."""
    text = _input.text(text, "text", _("异议"), max_length=500)
    with transaction.atomic():
        locked = _lock(deliberation)
        _require_resident(actor, locked)
        if locked.status in (D.REJECTED, D.WITHDRAWN, D.RESULT_PUBLISHED):
            raise TransitionError(_("该协商已结束"))
        fields = actor_fields(actor)
        objection = Objection.objects.create(
            deliberation=locked, text=text, raised_by_name=fields["actor_name"]
        )
        _event(locked, "objection", actor, objection=objection.pk)
    return objection


def objection_answer(*, actor: Any, objection: Objection, answer: str) -> Objection:
    answer = _input.text(answer, "answer", _("答复"), max_length=5000)
    with transaction.atomic():
        locked = _lock(objection.deliberation)
        access.require_keeper(actor, locked.community.path)
        row = lock(Objection.objects).get(pk=objection.pk)
        if row.answered_at is not None:
            raise TransitionError(_("该异议已答复"))
        row.answer, row.answered_at = answer, timezone.now()
        row.save(update_fields=["answer", "answered_at"])
        _event(locked, "objection_answered", actor, objection=row.pk)
    return row


def deliberation_publish(
    *, actor: Any, deliberation: Deliberation, today: dt.date | None = None
) -> Deliberation:
    """Publish the decision for at least the notice period; refused while the supervisory council
    has an objection not yet answered."""
    today = today or timezone.localdate()

    def no_open_objection(locked: Deliberation) -> None:
        if Objection.objects.filter(deliberation=locked, answered_at__isnull=True).exists():
            raise TransitionError(_("监事会异议尚未答复，不能公开"))

    return _move(
        actor,
        deliberation,
        D.PUBLISHED,
        _("公开决议"),
        no_open_objection,
        published_at=timezone.now(),
        notice_until=today + dt.timedelta(days=notice_days()),
    )


def deliberation_publish_result(
    *, actor: Any, deliberation: Deliberation, result: str, today: dt.date | None = None
) -> Deliberation:
    result = _input.text(result, "result", _("实施结果"), max_length=5000)
    today = today or timezone.localdate()

    def notice_served(locked: Deliberation) -> None:
        if locked.notice_until and today < locked.notice_until:
            raise TransitionError(_("决议公示期未满，不能公开结果"))

    return _move(actor, deliberation, D.RESULT_PUBLISHED, _("公开结果"), notice_served, result=result)


def deliberation_withdraw(*, actor: Any, deliberation: Deliberation, reason: str) -> Deliberation:
    reason = _input.text(reason, "reason", _("原因"), max_length=500)
    return _move(actor, deliberation, D.WITHDRAWN, _("撤回"))
