"""State changes of indicator-based assessment, each in one transaction (docs/WORKFLOWS.md §5):
validate the input, lock the row, check the actor, check the step against ``states``, save, write
the event. Nothing is written before a check that can refuse.

* sets: ``indicator_set_create``, ``indicator_add``, ``indicator_remove`` (draft only),
  ``indicator_set_publish`` (weights must sum to 100);
* periods: ``period_compute`` (recompute an open period's scores), ``period_freeze`` (final: a
  frozen period's scores never change), ``deduction_record`` (deductions and vetoes, open periods);
* hand-scored entries: ``entry_submit`` (statement and evidence files, before the period's
  submission deadline; again after a return),
  ``entry_score``, ``entry_return``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment.indicators import access, events, registry
from quanyu.assessment.indicators.bulletin import freeze_digest
from quanyu.assessment.indicators.compute import compute_scores, targets_for
from quanyu.assessment.indicators.registry import AREA, UNIT
from quanyu.assessment.indicators.submissions import deadline_check
from quanyu.assessment.models import (
    LIST_SIZE_MAX,
    Deduction,
    Direction,
    EntryEvidence,
    EntryStatus,
    Indicator,
    IndicatorSet,
    Level,
    ManualEntry,
    PeriodStatus,
    Score,
    ScorePeriod,
    ScoreRule,
    SetStatus,
    Source,
)
from quanyu.assessment.periods import Period
from quanyu.assessment.rollup import assessment_sync
from quanyu.assessment.states import ENTRY_ALLOWED, PERIOD_ALLOWED, SET_ALLOWED
from quanyu.core.clock import local_today
from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import Unit

OWNER_KINDS = {
    Level.STREET: AreaKind.DISTRICT,
    Level.COMMUNITY: AreaKind.STREET,
    Level.UNIT: AreaKind.DISTRICT,
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10  # per entry
SCORING_DAYS = 10  # the assessor scores or returns a statement within this many days


def _decimal(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("此项必填")})
        return None
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(v)s”不是数字") % {"v": str(value)[:20]}}) from None
    if not out.is_finite() or abs(out) >= Decimal("1e10"):
        raise ValidationError({field: _("数值超出范围")})
    return out


# --- sets -----------------------------------------------------------------------------------------


def _list_size(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= LIST_SIZE_MAX):
        raise ValidationError({"list_size": _("红黑榜人数须为 1–%(m)d 的整数") % {"m": LIST_SIZE_MAX}})
    return int(text)


def indicator_set_create(
    *, actor: Any, year: int, level: str, area: Area, name: str = "", list_size: Any = 3
) -> IndicatorSet:
    size = _list_size(list_size)
    if level not in Level.values:
        raise ValidationError({"level": _("考核层级无效")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度须在 2000–2100 之间")})
    if area.kind != OWNER_KINDS[Level(level)]:
        raise ValidationError(
            {
                "area": _("“%(l)s”须由%(k)s建立")
                % {"l": Level(level).label, "k": AreaKind(OWNER_KINDS[Level(level)]).label}
            }
        )
    name = (name or "").strip()[:120] or _("%(y)d年度%(a)s%(l)s指标") % {
        "y": int(year),
        "a": area.name,
        "l": Level(level).label,
    }
    access.require_creator(actor, level=level, path=area.path)
    taken = ValidationError(
        {"year": _("%(a)s %(y)d 年度的该层级指标体系已存在") % {"a": area.name, "y": int(year)}}
    )
    if IndicatorSet.objects.filter(year=year, level=level, area=area).exists():
        raise taken
    try:
        with transaction.atomic():
            s = IndicatorSet.objects.create(
                year=year, level=level, area=area, name=name, created_by=actor, list_size=size
            )
            events.set_created_event(indicator_set=s, actor=actor)
    except IntegrityError:
        raise taken from None
    return s


def indicator_set_lists(*, actor: Any, indicator_set: IndicatorSet, list_size: Any) -> IndicatorSet:
    """How many the bulletin's red and black lists name: any time (a frozen period keeps the
    size it was frozen with)."""
    size = _list_size(list_size)
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        access.require_editor(actor, locked)
        if locked.list_size != size:
            before, locked.list_size = locked.list_size, size
            locked.save(update_fields=["list_size"])
            events.set_lists_event(indicator_set=locked, actor=actor, before=before, after=size)
    return locked


def _check_thresholds(raw: Any) -> list[list[str]]:
    bad = ValidationError({"thresholds": _("分档须为 [[达到的值, 得分比例 0–1], …]")})
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw or len(raw) > 20:
        raise bad
    out = []
    for pair in raw:
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise bad
        level = _decimal(pair[0], "thresholds")
        share = _decimal(pair[1], "thresholds")
        if share is None or level is None or not 0 <= share <= 1:
            raise bad
        out.append([str(level), str(share)])
    return out


def indicator_add(
    *,
    actor: Any,
    indicator_set: IndicatorSet,
    name: str,
    weight: Any,
    source: str,
    provider: str = "",
    rule: str = ScoreRule.LINEAR,
    direction: str = Direction.HIGHER,
    floor: Any = None,
    target: Any = None,
    thresholds: Any = (),
    category: str = "",
) -> Indicator:
    """Add an indicator to a draft set."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError({"name": _("指标名称必填，不超过 120 字")})
    w = _decimal(weight, "weight")
    assert w is not None
    if not 0 < w <= 100:
        raise ValidationError({"weight": _("权重须大于 0、不超过 100")})
    if source not in Source.values:
        raise ValidationError({"source": _("来源须为平台计算或人工评分")})
    if rule not in ScoreRule.values:
        raise ValidationError({"rule": _("计分规则无效")})
    if direction not in Direction.values:
        raise ValidationError({"direction": _("方向无效")})
    fl = _decimal(floor, "floor", required=False)
    tg = _decimal(target, "target", required=False)
    levels: list[list[str]] = []
    if source == Source.COMPUTED:
        p = registry.get(provider)
        kind = UNIT if indicator_set.level == Level.UNIT else AREA
        if p is None or kind not in p.kinds:
            raise ValidationError(
                {"provider": _("计算方法“%(p)s”不存在或不适用于该层级") % {"p": provider[:60]}}
            )
        if rule == ScoreRule.LINEAR:
            if fl is None or tg is None:
                raise ValidationError({"target": _("线性计分须填写底线值和目标值")})
            if (direction == Direction.HIGHER and fl > tg) or (direction == Direction.LOWER and fl < tg):
                raise ValidationError({"floor": _("底线值须在目标值的不利一侧")})
        elif rule == ScoreRule.THRESHOLDS:
            levels = _check_thresholds(thresholds)
    else:
        provider = ""
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        access.require_editor(actor, locked)
        if locked.status != SetStatus.DRAFT:
            check_transition(
                SET_ALLOWED, locked.status, SetStatus.DRAFT, labels=SetStatus, action=_("修改指标")
            )
        position = (locked.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
        indicator = Indicator.objects.create(
            indicator_set=locked,
            position=position,
            name=name,
            category=(category or "").strip()[:40],
            weight=w,
            direction=direction,
            rule=rule,
            floor=fl,
            target=tg,
            thresholds=levels,
            source=source,
            provider=provider,
        )
        events.indicator_added_event(indicator_set=locked, actor=actor, name=name, weight=str(w))
    return indicator


def indicator_remove(*, actor: Any, indicator: Indicator) -> None:
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator.indicator_set_id)
        access.require_editor(actor, locked)
        if locked.status != SetStatus.DRAFT:
            check_transition(
                SET_ALLOWED, locked.status, SetStatus.DRAFT, labels=SetStatus, action=_("修改指标")
            )
        Indicator.objects.filter(pk=indicator.pk, indicator_set=locked).delete()
        events.indicator_removed_event(indicator_set=locked, actor=actor, name=indicator.name)


def indicator_set_publish(*, actor: Any, indicator_set: IndicatorSet) -> IndicatorSet:
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        access.require_editor(actor, locked)
        check_transition(
            SET_ALLOWED,
            locked.status,
            SetStatus.PUBLISHED,
            labels=SetStatus,
            seen=indicator_set.status,
            action=_("发布"),
            what=_("指标体系"),
        )
        weights = list(locked.indicators.values_list("weight", flat=True))
        total = sum(weights, Decimal(0))
        if not weights or total != 100:
            raise ValidationError(
                {"weight": _("各指标权重之和须为 100（当前为 %(n)s）") % {"n": total.normalize()}}
            )
        locked.status = SetStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        events.set_published_event(indicator_set=locked, actor=actor, indicators=len(weights))
    return locked


# --- periods ---------------------------------------------------------------------------------------


def period_compute(*, actor: Any, indicator_set: IndicatorSet, period: Period) -> ScorePeriod:
    """Compute (or recompute) the scores of an open period of a published set from the providers,
    the scored entries and the deductions. A frozen period is refused (409). The rollups the
    ticket indicators read catch up with the ticket history first (``assessment_sync``: one
    query when nothing is new)."""
    if period.year != indicator_set.year:
        raise ValidationError({"period": _("考核期间须在 %(y)d 年度内") % {"y": indicator_set.year}})
    access.require_editor(actor, indicator_set)  # checked again under the lock below
    assessment_sync()
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        access.require_editor(actor, locked)
        if locked.status != SetStatus.PUBLISHED:
            raise ValidationError({"indicator_set": _("指标体系发布后才能计算得分")})
        sp = lock(ScorePeriod.objects).filter(indicator_set=locked, period=period.key).first()
        if sp is None:
            sp = ScorePeriod.objects.create(
                indicator_set=locked, period=period.key, start=period.start, end=period.end
            )
        else:
            check_transition(
                PERIOD_ALLOWED,
                sp.status,
                PeriodStatus.OPEN,
                labels=PeriodStatus,
                action=_("重新计算"),
                what=_("考核期"),
            )
        sp.indicator_set = locked
        rows = compute_scores(sp)
        Score.objects.filter(score_period=sp).delete()
        Score.objects.bulk_create(rows, batch_size=1000)
        sp.computed_at = timezone.now()
        sp.save(update_fields=["computed_at"])
        events.period_computed_event(indicator_set=locked, actor=actor, period=period.key, rows=len(rows))
    return sp


def period_freeze(*, actor: Any, score_period: ScorePeriod, note: str = "") -> ScorePeriod:
    """Freeze a computed period (the bulletin): its scores never change afterwards."""
    note = (note or "").strip()
    if len(note) > 5000:
        raise ValidationError({"note": _("通报说明不能超过 5000 字")})
    with transaction.atomic():
        indicator_set = (
            lock(IndicatorSet.objects).select_related("area").get(pk=score_period.indicator_set_id)
        )
        access.require_editor(actor, indicator_set)
        locked = lock(ScorePeriod.objects).get(pk=score_period.pk)
        check_transition(
            PERIOD_ALLOWED,
            locked.status,
            PeriodStatus.FROZEN,
            labels=PeriodStatus,
            seen=score_period.status,
            action=_("冻结"),
            what=_("考核期"),
        )
        if locked.computed_at is None:
            raise ValidationError({"period": _("请先计算得分再冻结")})
        locked.indicator_set = indicator_set
        locked.digest = freeze_digest(locked)
        locked.status = PeriodStatus.FROZEN
        locked.frozen_at = timezone.now()
        locked.frozen_by = actor
        locked.note = note
        locked.save(update_fields=["status", "frozen_at", "frozen_by", "note", "digest"])
        events.period_frozen_event(indicator_set=indicator_set, actor=actor, period=locked.period)
    return locked


def _target(
    indicator_set: IndicatorSet, target_area: Area | None, target_unit: Unit | None
) -> tuple[Area | None, Unit | None, str]:
    keys = {
        t.pk
        for t in targets_for(indicator_set)
        if t.kind == (UNIT if indicator_set.level == Level.UNIT else AREA)
    }
    if indicator_set.level == Level.UNIT:
        if target_unit is None or target_unit.pk not in keys:
            raise ValidationError({"target": _("考核对象不在该指标体系的范围内")})
        return None, target_unit, target_unit.name
    if target_area is None or target_area.pk not in keys:
        raise ValidationError({"target": _("考核对象不在该指标体系的范围内")})
    return target_area, None, target_area.name


def deduction_record(
    *,
    actor: Any,
    score_period: ScorePeriod,
    points: Any = 0,
    veto: bool = False,
    reason: str,
    target_area: Area | None = None,
    target_unit: Unit | None = None,
) -> Deduction:
    """Take points off a target's total (or veto it) in an open period; recompute to apply."""
    pts = _decimal(points or 0, "points")
    assert pts is not None
    if pts < 0 or pts > 100:
        raise ValidationError({"points": _("扣分须在 0–100 之间")})
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": _("请填写扣分或否决的事由（不超过 500 字）")})
    if not pts and not veto:
        raise ValidationError({"points": _("请填写扣分，或选择一票否决")})
    with transaction.atomic():
        indicator_set = (
            lock(IndicatorSet.objects).select_related("area").get(pk=score_period.indicator_set_id)
        )
        access.require_editor(actor, indicator_set)
        locked = lock(ScorePeriod.objects).get(pk=score_period.pk)
        check_transition(
            PERIOD_ALLOWED,
            locked.status,
            PeriodStatus.OPEN,
            labels=PeriodStatus,
            action=_("扣分"),
            what=_("考核期"),
        )
        area, unit, name = _target(indicator_set, target_area, target_unit)
        d = Deduction.objects.create(
            score_period=locked,
            target_area=area,
            target_unit=unit,
            points=pts,
            veto=bool(veto),
            reason=reason,
            created_by=actor,
        )
        events.deduction_event(
            indicator_set=indicator_set,
            actor=actor,
            period=locked.period,
            target=name,
            points=pts,
            veto=bool(veto),
            reason=reason,
        )
    return d


# --- hand-scored entries ---------------------------------------------------------------------------


def entry_submit(
    *,
    actor: Any,
    indicator: Indicator,
    period: Period,
    statement: str,
    evidence: UploadedFile | Sequence[UploadedFile] | None = None,
    target_area: Area | None = None,
    target_unit: Unit | None = None,
) -> ManualEntry:
    """The assessed side's statement and evidence files for a hand-scored indicator (again after
    the assessor returned it: the new files join the earlier ones), before the period's
    submission deadline (``submissions``)."""
    statement = (statement or "").strip()
    if not statement or len(statement) > 5000:
        raise ValidationError({"statement": _("请填写自评说明（不超过 5000 字）")})
    files = [] if evidence is None else [evidence] if isinstance(evidence, UploadedFile) else list(evidence)
    for f in files:
        if f.size and f.size > MAX_EVIDENCE_BYTES:
            raise ValidationError({"evidence": _("佐证材料「%(n)s」超过 20 MB") % {"n": f.name}})
    if indicator.source != Source.MANUAL:
        raise ValidationError({"indicator": _("该指标由平台计算，无需提交材料")})
    with transaction.atomic():
        indicator_set = lock(IndicatorSet.objects).select_related("area").get(pk=indicator.indicator_set_id)
        if period.year != indicator_set.year:
            raise ValidationError({"period": _("考核期间须在 %(y)d 年度内") % {"y": indicator_set.year}})
        area, unit, _name = _target(indicator_set, target_area, target_unit)
        access.require_submitter(
            actor, indicator_set, area_path=area.path if area else None, unit_id=unit.pk if unit else None
        )
        if indicator_set.status != SetStatus.PUBLISHED:
            raise ValidationError({"indicator": _("指标体系发布后才能提交材料")})
        frozen = ScorePeriod.objects.filter(
            indicator_set=indicator_set, period=period.key, status=PeriodStatus.FROZEN
        )
        if frozen.exists():
            check_transition(
                PERIOD_ALLOWED,
                PeriodStatus.FROZEN,
                PeriodStatus.OPEN,
                labels=PeriodStatus,
                action=_("提交材料"),
                what=_("考核期"),
            )
        existing = (
            lock(ManualEntry.objects)
            .filter(indicator=indicator, period=period.key, target_area=area, target_unit=unit)
            .first()
        )
        now = timezone.now()
        deadline_check(indicator_set, period.key, now)
        kept = existing.files.count() if existing is not None else 0
        if kept + len(files) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                {
                    "evidence": _("每份自评材料最多 %(n)d 个佐证文件（已有 %(k)d 个）")
                    % {"n": MAX_EVIDENCE_FILES, "k": kept}
                }
            )
        if existing is None:
            entry = ManualEntry(indicator=indicator, period=period.key, target_area=area, target_unit=unit)
        else:
            check_transition(
                ENTRY_ALLOWED,
                existing.status,
                EntryStatus.SUBMITTED,
                labels=EntryStatus,
                action=_("重新提交"),
                what=_("自评材料"),
            )
            entry = existing
        entry.statement = statement
        entry.status = EntryStatus.SUBMITTED
        entry.submitted_by = actor
        entry.submitted_at = now
        entry.due_on = local_today() + dt.timedelta(days=SCORING_DAYS)
        entry.reminded = 0  # the scorers are reminded of this submission afresh
        entry.save()
        for f in files:
            EntryEvidence.objects.create(
                entry=entry, file=f, name=(f.name or "")[-200:], size=f.size or 0, uploaded_by=actor
            )
        events.entry_submitted_event(entry=entry, actor=actor, files=[f.name or "" for f in files])
    return entry


def _decide(*, actor: Any, entry: ManualEntry, target: EntryStatus) -> tuple[ManualEntry, IndicatorSet]:
    indicator_set = lock(IndicatorSet.objects).select_related("area").get(pk=entry.indicator.indicator_set_id)
    access.require_editor(actor, indicator_set)
    locked = lock(ManualEntry.objects).select_related("indicator").get(pk=entry.pk)
    check_transition(
        ENTRY_ALLOWED, locked.status, target, labels=EntryStatus, seen=entry.status, what=_("自评材料")
    )
    if ScorePeriod.objects.filter(
        indicator_set=indicator_set, period=locked.period, status=PeriodStatus.FROZEN
    ).exists():
        check_transition(
            PERIOD_ALLOWED,
            PeriodStatus.FROZEN,
            PeriodStatus.OPEN,
            labels=PeriodStatus,
            action=_("评分"),
            what=_("考核期"),
        )
    return locked, indicator_set


def entry_score(*, actor: Any, entry: ManualEntry, score: Any, comment: str = "") -> ManualEntry:
    value = _decimal(score, "score")
    assert value is not None
    if value < 0 or value > entry.indicator.weight:
        raise ValidationError(
            {"score": _("得分须在 0–%(w)s 之间") % {"w": entry.indicator.weight.normalize()}}
        )
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        locked, _set = _decide(actor=actor, entry=entry, target=EntryStatus.SCORED)
        locked.status = EntryStatus.SCORED
        locked.score = value
        locked.comment = comment
        locked.scored_by = actor
        locked.scored_at = timezone.now()
        locked.save(update_fields=["status", "score", "comment", "scored_by", "scored_at"])
        events.entry_scored_event(entry=locked, actor=actor, score=value, comment=comment)
    return locked


def entry_return(*, actor: Any, entry: ManualEntry, comment: str) -> ManualEntry:
    comment = (comment or "").strip()
    if not comment or len(comment) > 500:
        raise ValidationError({"comment": _("退回时请说明原因（不超过 500 字）")})
    with transaction.atomic():
        locked, _set = _decide(actor=actor, entry=entry, target=EntryStatus.RETURNED)
        locked.status = EntryStatus.RETURNED
        locked.comment = comment
        locked.scored_by = actor
        locked.scored_at = timezone.now()
        locked.save(update_fields=["status", "comment", "scored_by", "scored_at"])
        events.entry_returned_event(entry=locked, actor=actor, comment=comment)
    return locked
