"""``suggest(text)``: the active category model's answer for one message, for intake and triage.

The active model is loaded once per process and kept; which version is active is re-read at most
every ``QUANYU_ROUTING_RECHECK_SECONDS`` (5 s; at once after a change saved in this process), so
an activation or rollback elsewhere reaches every process within that time. Loading checks the
artefact's SHA-256. With no active model ``suggest`` answers None (callers fall back to the
keyword matcher of ``catalog.suggest``).
"""

from __future__ import annotations

import threading
from typing import Any

from quanyu.core.memo import ProcessMemo
from quanyu.routing import classifier
from quanyu.routing.models import RoutingModel, Target

_active: ProcessMemo[tuple[int, str] | None] = ProcessMemo("QUANYU_ROUTING_RECHECK_SECONDS", 5, limit=8)
_active.forget_when_changed(RoutingModel)
_loaded: dict[str, tuple[tuple[int, str], Any]] = {}
_lock = threading.Lock()
_NONE = (0, "")


def _active_key(target: str) -> tuple[int, str] | None:
    key = _active.get(target)
    if key is None:
        row = RoutingModel.objects.filter(target=target, is_active=True).values_list("pk", "sha256").first()
        key = (row[0], row[1]) if row else _NONE
        _active.put(target, key)
    return None if key == _NONE else key


def active_model(target: str = Target.CATEGORY) -> Any | None:
    """The active model object of ``target`` (None when none is active)."""
    key = _active_key(target)
    if key is None:
        return None
    cached = _loaded.get(target)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        cached = _loaded.get(target)
        if cached is not None and cached[0] == key:
            return cached[1]
        data = RoutingModel.objects.filter(pk=key[0]).values_list("artefact", flat=True).first()
        if data is None:  # deleted since: look again next time
            _active.clear()
            return None
        model = classifier.loads(data, key[1])
        _loaded[target] = (key, model)
        return model


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
    _active.clear()
    with _lock:
        _loaded.clear()
