"""Text as the routing model and the analytics compare it (no scikit-learn here, so analytics
imports it without loading the model's libraries)."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """NFKC, lower case, whitespace removed: segmented and raw text become the same string."""
    return "".join(unicodedata.normalize("NFKC", text or "").lower().split())
