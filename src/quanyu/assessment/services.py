"""State changes of department scoring: publishing a bulletin (通报), which freezes a period, and
changing the scoring rules. Each checks the actor's role, runs in one transaction and writes an
audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.assessment.access import require_publisher
from quanyu.assessment.models import Bulletin, BulletinRow, NoRatingPolicy, ScoringConfig
from quanyu.assessment.periods import Period
from quanyu.assessment.rollup import assessment_refresh
from quanyu.assessment.selectors import department_ranking, scoring_rules
from quanyu.core.audit import audit_record
from quanyu.core.workflow import lock


def bulletin_publish(*, actor: Any, period: Period, title: str = "", note: str = "") -> Bulletin:
    """Publish the ranking of an ended period as a bulletin: the period is first recomputed from
    the tickets, then every department's counts, rates, score and rank are copied into the
    bulletin, which later changes to the tickets do not alter. A period is published once."""
    require_publisher(actor)
    if not period.has_ended():
        raise ValidationError({"period": _("%(p)s 尚未结束，不能发布通报") % {"p": period.label}})
    title = (title or "").strip()[:200] or _("%(p)s职能部门考核通报") % {"p": period.label}
    note = (note or "").strip()
    if len(note) > 5000:
        raise ValidationError({"note": _("通报说明不能超过 5000 字")})
    taken = ValidationError({"period": _("%(p)s 的考核通报已发布，不能重复发布") % {"p": period.label}})
    if Bulletin.objects.filter(period=period.key).exists():
        raise taken
    try:
        with transaction.atomic():
            assessment_refresh(period)
            rules = scoring_rules()
            rows = department_ranking(period=period, rules=rules)
            bulletin = Bulletin.objects.create(
                period=period.key,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                title=title,
                note=note,
                settings=rules.as_dict(),
                published_at=timezone.now(),
                published_by=actor,
            )
            BulletinRow.objects.bulk_create(
                [
                    BulletinRow(
                        bulletin=bulletin,
                        department_id=row.department_id,
                        department_name=row.department_name,
                        position=position,
                        rank=row.rank,
                        received=row.counts.received,
                        responded_in_time=row.counts.responded_in_time,
                        resolved_in_time=row.counts.resolved_in_time,
                        rated=row.counts.rated,
                        satisfied=row.satisfied,
                        returned=row.counts.returned,
                        response_rate=row.response_rate,
                        completion_rate=row.completion_rate,
                        satisfaction_rate=row.satisfaction_rate,
                        score=row.score,
                    )
                    for position, row in enumerate(rows, start=1)
                ]
            )
            audit_record(
                actor=actor,
                action="assessment.bulletin_publish",
                target=bulletin,
                detail={"period": period.key, "departments": len(rows), "settings": rules.as_dict()},
            )
    except IntegrityError:
        # Someone published the same period at the same moment (unique period).
        raise taken from None
    return bulletin


def scoring_config_update(
    *,
    actor: Any,
    weight_response: int,
    weight_completion: int,
    weight_satisfaction: int,
    basically_counts: bool,
    no_rating_policy: str,
) -> ScoringConfig:
    """Change the scoring rules (weights summing to 100, whether 基本满意 counts as satisfied,
    how a department without ratings is scored). Published bulletins keep the rules they were
    computed with."""
    require_publisher(actor)
    if no_rating_policy not in NoRatingPolicy.values:
        raise ValidationError({"no_rating_policy": _("无评价时满意率的计分方式无效")})
    with transaction.atomic():
        ScoringConfig.objects.get_or_create(pk=1)
        config = lock(ScoringConfig.objects).get(pk=1)
        before = {
            "weight_response": config.weight_response,
            "weight_completion": config.weight_completion,
            "weight_satisfaction": config.weight_satisfaction,
            "basically_counts": config.basically_counts,
            "no_rating_policy": config.no_rating_policy,
        }
        config.weight_response = weight_response
        config.weight_completion = weight_completion
        config.weight_satisfaction = weight_satisfaction
        config.basically_counts = basically_counts
        config.no_rating_policy = no_rating_policy
        config.updated_by = actor
        config.full_clean()
        config.save()
        audit_record(
            actor=actor,
            action="assessment.scoring_config_update",
            target=config,
            detail={"before": before, "after": scoring_rules().as_dict()},
        )
    return config
