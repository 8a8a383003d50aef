"""Rule-based category suggestion: the catalogue's keywords matched against a request's text.

Each active item (小类) scores the summed length of its keywords found in the text, plus the length
of its own name when that appears; the best item wins. ``score`` is that raw weight squashed into
0–1 (w / (w + 4)), so one two-character keyword gives 0.33 and a name plus two keywords ~0.7. A
learned classifier (app ``routing``) replaces this later; staff always confirm or change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from quanyu.catalog.models import Category


@dataclass(frozen=True)
class Suggestion:
    category: Category
    score: float
    matched: tuple[str, ...]


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

    def suggest(self, text: str) -> Suggestion | None:
        """The best item for ``text``, or None when no keyword matches."""
        text = (text or "").strip()
        if not text:
            return None
        best: tuple[int, int, int] | None = None
        best_rule: _Rule | None = None
        best_matched: tuple[str, ...] = ()
        for position, rule in enumerate(self.rules):
            matched = tuple(k for k in rule.keywords if len(k) >= 2 and k in text)
            if not matched:
                continue
            weight = sum(len(k) for k in matched)
            key = (weight, len(matched), -position)
            if best is None or key > best:
                best, best_rule, best_matched = key, rule, matched
        if best is None or best_rule is None:
            return None
        return Suggestion(
            category=best_rule.category, score=round(best[0] / (best[0] + 4), 3), matched=best_matched
        )


def category_suggest(text: str) -> Suggestion | None:
    """Best catalogue item for a request text by keyword rules, with a 0–1 score; None if nothing
    matches."""
    return CategoryMatcher().suggest(text)
