"""``suggest(text)``: the active category model's answer for one message, for intake and triage.

The active models are loaded once per process and kept in a ``core.memo.RevisedMemo`` whose
revision is the (target, id, SHA-256) of the active rows: within
``QUANYU_REVISION_RECHECK_SECONDS`` (2 s) a model is used as it is, after that one small query
tells whether an activation or rollback happened anywhere, and the new model is loaded (at once
after a change saved in this process). Loading checks the artefact's SHA-256. With no active model
``suggest`` answers None (callers fall back to the keyword matcher of ``catalog.suggest``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from quanyu.core.memo import RevisedMemo
from quanyu.routing import classifier
from quanyu.routing.models import RoutingModel, Target


def _active_revision() -> Hashable:
    active = RoutingModel.objects.filter(is_active=True).order_by("target")
    return tuple(active.values_list("target", "pk", "sha256"))


models: RevisedMemo[Any] = RevisedMemo("routing.active_models", _active_revision, limit=8)
models.recheck_when_changed(RoutingModel)


def _load(target: str) -> Any | None:
    row = RoutingModel.objects.filter(target=target, is_active=True).values_list("artefact", "sha256").first()
    return None if row is None else classifier.loads(row[0], row[1])


def active_model(target: str = Target.CATEGORY) -> Any | None:
    """The active model object of ``target`` (None when none is active)."""
    return models.value(target, lambda: _load(target))


def suggest(text: str) -> tuple[str, float] | None:
    """(category label, calibrated confidence 0–1) for ``text``, or None without an active model."""
    model = active_model(Target.CATEGORY)
    if model is None or not (text or "").strip():
        return None
    label, confidence = model.predict_with_confidence([text])[0]
    return label, confidence


def suggest_department(category: str, path: str = "") -> tuple[str, float] | None:
    """(department id, share of past resolutions) for a category at a place, or None."""
    model = active_model(Target.DEPARTMENT)
    if model is None:
        return None
    answer: tuple[str, float] | None = model.predict_with_confidence(category, path)
    return answer


def invalidate() -> None:
    models.forget()
