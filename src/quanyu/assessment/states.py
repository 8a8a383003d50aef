"""The state tables of indicator-based assessment (docs/WORKFLOWS.md §1).

An indicator set::

    draft ──publish──▶ published ──archive──▶ archived

(indicators are added and removed only in draft; a published set is what periods are scored by).

A scored period of a set::

    open ──compute──▶ open   (self-loop: recomputed from the providers and manual entries)
    open ──freeze───▶ frozen (final: its scores never change again)

A manual entry (hand-scored indicator with evidence)::

    submitted ──score──▶ scored
    submitted ──return─▶ returned ──resubmit──▶ submitted
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


SET_ALLOWED: dict[SetStatus, frozenset[SetStatus]] = {
    SetStatus.DRAFT: frozenset({SetStatus.PUBLISHED}),
    SetStatus.PUBLISHED: frozenset({SetStatus.ARCHIVED}),
    SetStatus.ARCHIVED: frozenset(),
}


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("计算中")
    FROZEN = "frozen", _("已冻结")


PERIOD_ALLOWED: dict[PeriodStatus, frozenset[PeriodStatus]] = {
    PeriodStatus.OPEN: frozenset({PeriodStatus.OPEN, PeriodStatus.FROZEN}),
    PeriodStatus.FROZEN: frozenset(),
}


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待评分")
    SCORED = "scored", _("已评分")
    RETURNED = "returned", _("已退回")


ENTRY_ALLOWED: dict[EntryStatus, frozenset[EntryStatus]] = {
    EntryStatus.SUBMITTED: frozenset({EntryStatus.SCORED, EntryStatus.RETURNED}),
    EntryStatus.RETURNED: frozenset({EntryStatus.SUBMITTED}),
    EntryStatus.SCORED: frozenset(),
}
