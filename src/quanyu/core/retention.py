"""Retention rules: personal data an app keeps only as long as its purpose lasts, then clears
(等保 2.0 residual information, PIPL art. 47 and 19).

Each app that has such a rule registers it here from its ``apps.py`` ``ready``: a key, what it
clears (in the reader's language), the setting that holds its period in days, and a function that
clears what is past the period and answers the ids of the rows it cleared (or, on a dry run, would
clear). The rule itself writes the audit entries, in the transactions it clears in. Celery beat
runs every rule daily (``quanyu.core.retention``); ``quanyu retention [--dry-run] [--only KEY]
[--days N]`` by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

# days (None: the rule's setting), dry_run -> the ids of the rows cleared (or due)
RuleRun = Callable[[int | None, bool], list[int]]


@dataclass(frozen=True)
class Rule:
    key: str
    label: str | Promise
    setting: str
    run: RuleRun


_rules: dict[str, Rule] = {}


def add_rule(key: str, *, label: str | Promise, setting: str, run: RuleRun) -> None:
    """Register (or replace) the rule ``key``: called once per app, from its ``ready``."""
    _rules[key] = Rule(key=key, label=label, setting=setting, run=run)


def rules() -> list[Rule]:
    return [_rules[k] for k in sorted(_rules)]


def run_rules(
    *, only: str | None = None, days: int | None = None, dry_run: bool = False
) -> dict[str, list[int]]:
    """Every rule (or ``only`` the one named), in key order; each rule's cleared ids."""
    if only is not None and only not in _rules:
        raise KeyError(only)
    chosen = [_rules[only]] if only is not None else rules()
    return {rule.key: rule.run(days, dry_run) for rule in chosen}
