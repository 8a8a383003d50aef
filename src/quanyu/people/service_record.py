"""What the apps above people add to a member's 双报到 yearly service record: volunteer hours
approved by the organiser, micro-wishes realised, and whatever else lands later.

People sits below those apps in the layering, so it cannot read their tables. Each registers a
counter here from its ``apps.py`` (as venues fills ``people.meeting_rooms``); the yearly record of
a member (``selectors.member_year_report``) and of a unit's in-service members
(``selectors.unit_year_report``) then list one line per counter. The lines are computed from the
apps' own records when asked, never copied: a correction of hours or a cancelled claim shows at
once, and there is nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise


@dataclass(frozen=True)
class ServiceLine:
    """One kind of service in a year: how many, and the hours where the kind has hours."""

    key: str
    label: str | Promise
    count: int
    hours: Decimal | None = None


# member ids, year -> {member id: (count, hours or None)}; members with nothing are left out.
MemberCounter = Callable[[Sequence[int], int], dict[int, tuple[int, Decimal | None]]]


@dataclass(frozen=True)
class _Counter:
    key: str
    label: str | Promise
    count: MemberCounter
    has_hours: bool


_counters: dict[str, _Counter] = {}


def add_counter(key: str, *, label: str | Promise, count: MemberCounter, has_hours: bool) -> None:
    """Register (or replace) the counter ``key``: called once per app, from its ``ready``."""
    _counters[key] = _Counter(key=key, label=label, count=count, has_hours=has_hours)


def members_service(member_ids: Sequence[int], year: int) -> dict[int, list[ServiceLine]]:
    """Each member's lines for ``year`` (every counter's, zero included), one query per counter."""
    lines: dict[int, list[ServiceLine]] = {pk: [] for pk in member_ids}
    for counter in _counters.values():
        found = counter.count(list(member_ids), year) if member_ids else {}
        for pk in member_ids:
            n, hours = found.get(pk, (0, Decimal(0) if counter.has_hours else None))
            lines[pk].append(ServiceLine(counter.key, counter.label, n, hours))
    return lines


def member_service(member_id: int, year: int) -> list[ServiceLine]:
    return members_service([member_id], year)[member_id]


def total_service(member_ids: Sequence[int], year: int) -> list[ServiceLine]:
    """The lines of a group of members (a unit's in-service members) added up."""
    totals: list[ServiceLine] = []
    for counter in _counters.values():
        found = counter.count(list(member_ids), year) if member_ids else {}
        n = sum(c for c, _h in found.values())
        hours = sum((h or Decimal(0) for _c, h in found.values()), Decimal(0)) if counter.has_hours else None
        totals.append(ServiceLine(counter.key, counter.label, n, hours))
    return totals
