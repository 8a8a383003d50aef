"""What intake suggests for a new request: a category (with a confidence) and a department.

Two sources. A learned model (app ``routing``, rank 6 above this app) registers itself here from
its ``apps.py`` with ``use_learned``; while a model is active its answers come first. The
catalogue's keyword rules (``catalog.suggest``) answer when no model is active or the model's
label is not an item of the catalogue (a model trained on another city's labels).

What a suggestion does to a new ticket without a category given (``needs_triage``): a keyword
suggestion routes it by the suggested item's first tier, as it always has; a model's suggestion
does so only at or above ``QUANYU_ROUTING_THRESHOLD``; below it the ticket goes to the community,
whose triage board (社区分拨台) confirms the category (``ticket_categorise``). The suggestion,
its confidence and the model's version stay on the ticket, so the drift report
(``routing.drift``) can compare the model's suggestions with what staff finally chose.

Every channel goes through here: the pages, the API and the intake lane, Open311 (all through
``services.intake._draft``) and the hotline import (``imports.rows``, in batches).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from quanyu.catalog.models import Category
from quanyu.catalog.suggest import CategoryMatcher, Suggestion, cached_matcher
from quanyu.tickets.conf import routing_threshold


class Learned(Protocol):
    def categories(self, texts: Sequence[str]) -> list[Suggestion | None] | None:
        """A suggestion per text (None where the model has none), or None without an active model."""

    def department(self, category: Category, path: str) -> tuple[int, float] | None:
        """(unit id, share) of the department that resolved ``category`` near ``path``, or None."""

    def pinned(self, matcher: CategoryMatcher) -> Learned:
        """The same over the models active now and ``matcher``'s catalogue, asking the database
        nothing more (for a long batch such as an import)."""


_learned: list[Learned] = []


def use_learned(learned: Learned) -> None:
    """Make ``learned`` the model intake asks first (called once, from ``routing``'s ``ready``)."""
    _learned[:] = [learned]


def suggest_many(
    texts: Sequence[str], matcher: CategoryMatcher | None = None, learned: Learned | None = None
) -> list[Suggestion | None]:
    """A suggestion per text: the active model's (or ``learned``'s) where it has one, else the
    keyword rules' (``matcher``'s, the cached catalogue's by default)."""
    model = learned if learned is not None else (_learned[0] if _learned else None)
    answers = model.categories(texts) if model is not None and texts else None
    keywords: Callable[[str], Suggestion | None] = (matcher or cached_matcher()).suggest
    if answers is None:
        return [keywords(t) for t in texts]
    return [hit if hit is not None else keywords(t) for t, hit in zip(texts, answers, strict=True)]


def suggest(text: str) -> Suggestion | None:
    return suggest_many([text])[0]


def suggest_department(
    category: Category | None, path: str, learned: Learned | None = None
) -> tuple[int, float] | None:
    """The department the active model (or ``learned``) expects to resolve ``category`` at
    ``path``, or None."""
    model = learned if learned is not None else (_learned[0] if _learned else None)
    if category is None or model is None:
        return None
    return model.department(category, path)


def pinned(matcher: CategoryMatcher) -> Learned | None:
    """The registered model pinned to what is active now (see ``Learned.pinned``), or None."""
    return _learned[0].pinned(matcher) if _learned else None


def needs_triage(category: Category | None, suggestion: Suggestion | None) -> bool:
    """Whether a new ticket waits for the community to confirm its category: none was given and
    the model's suggestion is below the threshold."""
    return (
        category is None
        and suggestion is not None
        and suggestion.model_version is not None
        and suggestion.score < routing_threshold()
    )
