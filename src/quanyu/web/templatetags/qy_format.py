"""Template helpers for figures and names as readers expect them: a model's name in the reader's
language instead of its ``app_label.model`` label, counts with thousands separators."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def model_label(value: str) -> str:
    """``people.partymember`` → 党员 (the model's verbose name); unknown labels pass unchanged."""
    try:
        model = apps.get_model(str(value))
    except (LookupError, ValueError):
        return str(value)
    return str(model._meta.verbose_name)


@register.filter
def thousands(value: Any) -> str:
    """12288 → 12,288 (the separator Chinese offices print too); non-numbers pass unchanged."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    return f"{number:,}"
