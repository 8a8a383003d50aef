"""Rule-based category suggestion: the catalogue's keywords matched against a request's text.

Each active item (小类) scores the summed length of its keywords found in the text, plus the length
of its own name when that appears; the best item wins. ``score`` is that raw weight squashed into
0–1 (w / (w + 4)), so one two-character keyword gives 0.33 and a name plus two keywords ~0.7. At
intake a learned model (app ``routing``, through ``tickets.suggesting``) answers first when one is
active; these rules are the fallback. Staff always confirm or change the category.

``category_suggest`` reuses one ``CategoryMatcher`` per process (``matchers``, a
``core.memo.RevisedMemo``). It is rebuilt when the catalogue's revision changes; the revision (one
aggregate over the categories) is read at most once every ``QUANYU_REVISION_RECHECK_SECONDS``
(default 2 s) per process, so an edit made by another process is used within that window. Saving or
deleting a Category in this process drops the cached matcher at once; bulk writes (the catalogue
import) call ``matchers.forget()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from quanyu.catalog.models import Category
from quanyu.core.memo import RevisedMemo


@dataclass(frozen=True)
class Suggestion:
    category: Category
    score: float
    matched: tuple[str, ...]
    model_version: int | None = None  # the routing model's version; None for the keyword rules


@dataclass(frozen=True)
class _Rule:
    category: Category
    keywords: tuple[str, ...]


class CategoryMatcher:
    """The active items and their keywords, read once; reuse one matcher for many texts."""

    def __init__(self, categories: list[Category] | None = None) -> None:
        if categories is None:
            categories = list(
                Category.objects.filter(active=True, parent__isnull=False, parent__active=True)
                .select_related("parent")
                .order_by("sort_order", "code")
            )
        self.rules = [
            _Rule(category=c, keywords=tuple(dict.fromkeys([c.name, *c.keyword_list]))) for c in categories
        ]
        # Every distinct keyword (two characters or more) once, with the rules that list it: a
        # text is scanned once per keyword instead of once per rule and keyword.
        owners: dict[str, list[int]] = {}
        for position, rule in enumerate(self.rules):
            for k in rule.keywords:
                if len(k) >= 2:
                    owners.setdefault(k, []).append(position)
        self.by_code = {c.code: c for c in categories}
        self._keywords = tuple(owners)
        self._owners = tuple(tuple(owners[k]) for k in self._keywords)

    def suggest(self, text: str) -> Suggestion | None:
        """The best item for ``text``, or None when no keyword matches."""
        text = (text or "").strip()
        if not text:
            return None
        weights: dict[int, int] = {}
        counts: dict[int, int] = {}
        owners = self._owners
        for i, k in enumerate(self._keywords):
            if k in text:
                n = len(k)
                for position in owners[i]:
                    weights[position] = weights.get(position, 0) + n
                    counts[position] = counts.get(position, 0) + 1
        if not weights:
            return None
        position = max(weights, key=lambda p: (weights[p], counts[p], -p))
        rule = self.rules[position]
        weight = weights[position]
        matched = tuple(k for k in rule.keywords if len(k) >= 2 and k in text)
        return Suggestion(category=rule.category, score=round(weight / (weight + 4), 3), matched=matched)


def _catalogue_revision() -> tuple[object, ...]:
    from django.db.models import Count, Max, Q, Sum
    from django.db.models.functions import Length

    agg = Category.objects.aggregate(
        n=Count("id"),
        top=Max("id"),
        active=Count("id", filter=Q(active=True)),
        text=Sum(Length("name") + Length("keywords")),
        limits=Sum("response_hours") + Sum("completion_days"),
    )
    return tuple(agg[k] for k in ("n", "top", "active", "text", "limits"))


# The matcher over the current catalogue, per process (one key).
matchers: RevisedMemo[CategoryMatcher] = RevisedMemo("catalog.matcher", _catalogue_revision, limit=1)
matchers.forget_when_changed(Category)


def cached_matcher() -> CategoryMatcher:
    """This process's matcher over the current catalogue (see the module docstring)."""
    return matchers.value("matcher", CategoryMatcher)


def cached_item(code: str) -> Category | None:
    """The active item with ``code`` from the cached catalogue (None when it is not one: the caller
    reads the table then, to name what is wrong)."""
    return cached_matcher().by_code.get(code)


def category_suggest(text: str) -> Suggestion | None:
    """Best catalogue item for a request text by keyword rules, with a 0–1 score; None if nothing
    matches."""
    return cached_matcher().suggest(text)
