"""The active models' answers, for intake and triage: ``suggest(text)``,
``suggest_department(category, path)``, and ``IntakeSuggester``, which ``apps.py`` registers with
``tickets.suggesting`` so that every intake channel asks the active model first.

The active models are loaded once per process and kept in a ``core.memo.RevisedMemo`` whose
revision is the (target, id, SHA-256) of the active rows: within
``QUANYU_REVISION_RECHECK_SECONDS`` (2 s) a model is used as it is, after that one small query
tells whether an activation or rollback happened anywhere, and the new model is loaded (at once
after a change saved in this process). Loading checks the artefact's SHA-256. With no active model
the answers are None, and scikit-learn is not even imported (``classifier`` is imported when a
model is loaded): intake then uses the keyword rules of ``catalog.suggest``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from quanyu.catalog.models import Category
from quanyu.catalog.suggest import CategoryMatcher, Suggestion, cached_matcher
from quanyu.core.memo import RevisedMemo
from quanyu.routing.models import RoutingModel, Target


@dataclass(frozen=True)
class Loaded:
    version: int
    model: Any  # classifier.TextClassifier or classifier.DepartmentRouter


def _active_revision() -> Hashable:
    active = RoutingModel.objects.filter(is_active=True).order_by("target")
    return tuple(active.values_list("target", "pk", "sha256"))


models: RevisedMemo[dict[str, Loaded]] = RevisedMemo("routing.active_models", _active_revision, limit=2)
models.recheck_when_changed(RoutingModel)


def _load() -> dict[str, Loaded]:
    """Every active model (one per target at most), in one query."""
    rows = RoutingModel.objects.filter(is_active=True).values_list("target", "version", "artefact", "sha256")
    loaded: dict[str, Loaded] = {}
    for target, version, artefact, sha256 in rows:
        from quanyu.routing import classifier  # scikit-learn: only once a model is active

        loaded[target] = Loaded(version=version, model=classifier.loads(artefact, sha256))
    return loaded


def active(target: str = Target.CATEGORY) -> Loaded | None:
    """The active model of ``target`` with its version (None when none is active)."""
    return models.value("active", _load).get(target)


def active_model(target: str = Target.CATEGORY) -> Any | None:
    """The active model object of ``target`` (None when none is active)."""
    loaded = active(target)
    return None if loaded is None else loaded.model


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


def _index(matcher: CategoryMatcher) -> dict[str, Category]:
    """The catalogue's items by name and by code (codes win)."""
    index: dict[str, Category] = {}
    for rule in matcher.rules:
        index.setdefault(rule.category.name, rule.category)
    index.update(matcher.by_code)
    return index


@dataclass
class PinnedSuggester:
    """``tickets.suggesting.Learned`` over given models and catalogue: asks the database nothing
    (the hotline import pins one per import, see ``IntakeSuggester.pinned``)."""

    category_model: Loaded | None
    department_model: Loaded | None
    items: dict[str, Category]

    def categories(self, texts: Sequence[str]) -> list[Suggestion | None] | None:
        loaded = self.category_model
        if loaded is None:
            return None
        out: list[Suggestion | None] = [None] * len(texts)
        asked = [i for i, t in enumerate(texts) if (t or "").strip()]
        if not asked:
            return out
        answers = loaded.model.predict_with_confidence([texts[i] for i in asked])
        for i, (label, confidence) in zip(asked, answers, strict=True):
            item = self.items.get(label)
            if item is not None:
                out[i] = Suggestion(
                    category=item, score=round(float(confidence), 3), matched=(), model_version=loaded.version
                )
        return out

    def department(self, category: Category, path: str) -> tuple[int, float] | None:
        loaded = self.department_model
        if loaded is None:
            return None
        answer = loaded.model.predict_with_confidence(category.code, path)
        if answer is None:
            return None
        unit, share = answer
        try:
            return int(unit), float(share)
        except ValueError:  # a label that is not a unit id (a model trained from a file)
            return None

    def pinned(self, matcher: CategoryMatcher) -> PinnedSuggester:
        return self


class IntakeSuggester:
    """``tickets.suggesting.Learned`` over the active models, looked up on each call (the memo's
    revision check at most every 2 s). A label becomes a catalogue item by its code (models
    trained on the platform's tickets) or by its name (a CSV whose labels are the catalogue's item
    names); a label that is neither (another city's categories) gives no suggestion, and the
    keyword rules answer for that text."""

    def __init__(self) -> None:
        self._items: tuple[CategoryMatcher, dict[str, Category]] | None = None

    def pinned(self, matcher: CategoryMatcher | None = None) -> PinnedSuggester:
        """The models active now and ``matcher``'s catalogue (the cached one by default)."""
        matcher = matcher or cached_matcher()
        items = self._items
        if items is None or items[0] is not matcher:  # the catalogue changed: index it again
            items = self._items = (matcher, _index(matcher))
        return PinnedSuggester(active(Target.CATEGORY), active(Target.DEPARTMENT), items[1])

    def categories(self, texts: Sequence[str]) -> list[Suggestion | None] | None:
        if active(Target.CATEGORY) is None:  # (no catalogue lookup without a model)
            return None
        return self.pinned().categories(texts)

    def department(self, category: Category, path: str) -> tuple[int, float] | None:
        if active(Target.DEPARTMENT) is None:
            return None
        return self.pinned().department(category, path)
