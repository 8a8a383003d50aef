"""State changes of routing models: save a trained version, activate one, roll back.

Each takes the actor, checks the role (admin / org_department), works in one transaction with the
target's rows locked, and appends an audit row. Training itself (seconds to a minute of CPU) runs
before the transaction, in ``routing_model_train``'s caller-facing half.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.model_selection import train_test_split

from quanyu.core.audit import audit_record
from quanyu.core.models import AuditEntry
from quanyu.core.permissions import require_role
from quanyu.core.roles import Role
from quanyu.core.workflow import lock_all
from quanyu.routing import classifier
from quanyu.routing.models import RoutingModel, Source, Target
from quanyu.routing.training import Examples

MANAGERS = (Role.ADMIN, Role.ORG_DEPARTMENT)


class RoutingError(ValueError):
    pass


def _holdout_split(examples: Examples, holdout: float) -> tuple[list[int], list[int]] | None:
    """Stratified train/test indices, or None when the data are too few to hold any out."""
    n = len(examples)
    classes = set(examples.labels)
    if holdout <= 0 or n < 10 or int(n * holdout) < len(classes):
        return None
    counts = Counter(examples.labels)
    stratify = examples.labels if min(counts.values()) >= 2 else None
    train, test = train_test_split(list(range(n)), test_size=holdout, random_state=0, stratify=stratify)
    return train, test


def _fit(target: str, examples: Examples, idx: Sequence[int] | None = None) -> Any:
    idx = range(len(examples)) if idx is None else idx
    if target == Target.DEPARTMENT:
        rows = [(examples.texts[i], examples.paths[i], examples.labels[i]) for i in idx]
        return classifier.DepartmentRouter().fit(rows)
    return classifier.TextClassifier().fit(
        [examples.texts[i] for i in idx], [examples.labels[i] for i in idx]
    )


def _predict(target: str, model: Any, examples: Examples, idx: Sequence[int]) -> list[str]:
    if target == Target.DEPARTMENT:
        answers = [model.predict_with_confidence(examples.texts[i], examples.paths[i]) for i in idx]
        return [a[0] if a else "" for a in answers]
    return list(model.predict([examples.texts[i] for i in idx]))


def routing_model_train(
    *,
    actor: Any,
    examples: Examples,
    target: str = Target.CATEGORY,
    source: str = Source.TICKETS,
    source_name: str = "",
    holdout: float = 0.2,
    activate: bool = True,
    step: Callable[[str], None] = lambda _phase: None,
) -> RoutingModel:
    """Train on ``examples`` and save the result as the next version (active unless told not).

    With ``holdout`` > 0 a stratified share is kept aside to measure the model (the metrics saved
    with it); the artefact is then fitted on all the examples."""
    require_role(actor, MANAGERS)
    # A text classifier needs two classes; the department table learns from any resolution.
    if len(examples) == 0 or (target == Target.CATEGORY and len(set(examples.labels)) < 2):
        raise RoutingError(_("训练数据不足：至少需要两个类别的已办结样本"))
    metrics: dict[str, Any] = {}
    split = _holdout_split(examples, holdout)
    if split is not None:
        step(_("留出集评估"))
        train, test = split
        model = _fit(target, examples, train)
        metrics = classifier.scores_report(
            [examples.labels[i] for i in test], _predict(target, model, examples, test)
        )
        metrics["holdout"] = len(test)
    step(_("训练"))
    started = time.perf_counter()
    model = _fit(target, examples)
    seconds = time.perf_counter() - started
    data, sha = classifier.dumps(model)
    step(_("保存"))
    with transaction.atomic():
        # Versions are numbered across targets: lock every row (a handful) in pk order; the
        # first row of an empty table is guarded by the unique version instead.
        lock_all(RoutingModel)
        version = (RoutingModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        row = RoutingModel.objects.create(
            version=version,
            target=target,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            source=source,
            source_name=source_name[:255],
            data_from=examples.first,
            data_to=examples.last,
            samples=len(examples),
            labels=sorted(set(examples.labels)),
            metrics=metrics,
            train_seconds=round(seconds, 3),
            size_bytes=len(data),
            sha256=sha,
            artefact=data,
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            target=row,
            fields="artefact",
            reason=_("训练分派模型"),
            detail={"version": version, "target": target, "samples": len(examples), "sha256": sha},
        )
        if activate:
            _activate(actor=actor, row=row)
    return row


def _activate(*, actor: Any, row: RoutingModel) -> RoutingModel:
    previous = RoutingModel.objects.filter(target=row.target, is_active=True).exclude(pk=row.pk)
    before = list(previous.values_list("version", flat=True))
    previous.update(is_active=False)
    row.is_active = True
    row.activated_at = timezone.now()
    row.save(update_fields=["is_active", "activated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        target=row,
        fields="is_active",
        reason=_("启用分派模型"),
        detail={"version": row.version, "target": row.target, "previous": before},
    )
    return row


def routing_model_activate(*, actor: Any, version: int) -> RoutingModel:
    """Make ``version`` the active model of its target (the one active before is switched off)."""
    require_role(actor, MANAGERS)
    with transaction.atomic():
        # A version's target never changes: read it unlocked, then lock the target's rows in pk
        # order as the rollback does (locking the one row first could deadlock against it).
        target = RoutingModel.objects.filter(version=version).values_list("target", flat=True).first()
        rows = lock_all(RoutingModel.objects.filter(target=target)) if target else []
        row = next((r for r in rows if r.version == version), None)
        if row is None:
            raise RoutingError(_("没有版本为 %(version)s 的分派模型") % {"version": version})
        if row.is_active:
            return row
        return _activate(actor=actor, row=row)


def routing_model_rollback(*, actor: Any, target: str = Target.CATEGORY) -> RoutingModel:
    """Activate the version before the active one (of the same target)."""
    require_role(actor, MANAGERS)
    with transaction.atomic():
        rows = lock_all(RoutingModel.objects.filter(target=target))
        active = next((r for r in rows if r.is_active), None)
        if active is None:
            raise RoutingError(_("当前没有启用的分派模型，无法回退"))
        earlier = [r for r in rows if r.version < active.version]
        if not earlier:
            raise RoutingError(_("版本 %(version)s 之前没有可回退的模型") % {"version": active.version})
        return _activate(actor=actor, row=max(earlier, key=lambda r: r.version))
