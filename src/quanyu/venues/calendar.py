"""The booking calendar of one venue (phone first): a week as a list of days, a month as a grid,
each day with its rooms' bookings and the monthly plan's activities.

What a booking shows depends on who looks: the venue's office roles and the booker see the
purpose and who booked; everyone else sees only that the room is taken (``label`` empty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from quanyu.venues import conf
from quanyu.venues.models import ActivityPlan, Booking, PlanItem, Venue
from quanyu.venues.selectors import booking_queryset_for
from quanyu.venues.states import HOLDING


@dataclass
class Entry:
    start: dt.datetime
    end: dt.datetime
    room: str
    kind: str  # "booking" or "activity"
    label: str  # empty: taken, details hidden from this viewer
    status: str = ""
    status_label: str = ""
    booking_id: int | None = None


@dataclass
class Day:
    date: dt.date
    entries: list[Entry] = field(default_factory=list)
    in_month: bool = True

    @property
    def bookings(self) -> int:
        return sum(1 for e in self.entries if e.kind == "booking")

    @property
    def activities(self) -> int:
        return sum(1 for e in self.entries if e.kind == "activity")


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday of ``day``'s week and the Monday after."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=7)


def month_grid(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday on or before the 1st of ``day``'s month and the Monday after its last week."""
    first = day.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=(7 - last.weekday()) % 7)
    return start, end


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def venue_calendar(
    *, actor: Any, venue: Venue, start: dt.date, end: dt.date, month: int | None = None
) -> list[Day]:
    """Days ``start`` ≤ d < ``end`` with the venue's holding bookings and plan activities."""
    days = {
        start + dt.timedelta(days=i): Day(date=start + dt.timedelta(days=i))
        for i in range((end - start).days)
    }
    if month is not None:
        for d in days.values():
            d.in_month = d.date.month == month
    visible = set(
        booking_queryset_for(actor)
        .filter(venue=venue, starts_at__lt=_aware(end), ends_at__gt=_aware(start))
        .values_list("pk", flat=True)
    )
    rows = (
        Booking.objects.filter(
            venue=venue, status__in=HOLDING, starts_at__lt=_aware(end), ends_at__gt=_aware(start)
        )
        .select_related("room", "org")
        .order_by("starts_at", "id")
    )
    for b in rows:
        local = timezone.localtime(b.starts_at)
        if local.date() not in days:
            continue
        shown = b.pk in visible
        who = b.org.name if (shown and b.org) else (b.team if shown else "")
        days[local.date()].entries.append(
            Entry(
                start=local,
                end=timezone.localtime(b.ends_at),
                room=b.room.name,
                kind="booking",
                label=" · ".join(x for x in (b.purpose, who) if x) if shown else "",
                status=b.status,
                status_label=str(b.get_status_display()),
                booking_id=b.pk if shown else None,
            )
        )
    items = PlanItem.objects.filter(plan__venue=venue, day__gte=start, day__lt=end).select_related("room")
    for item in items:
        days[item.day].entries.append(
            Entry(
                start=timezone.make_aware(dt.datetime.combine(item.day, item.start)),
                end=timezone.make_aware(dt.datetime.combine(item.day, item.end)),
                room=item.room.name if item.room else "",
                kind="activity",
                label=item.title,
            )
        )
    for d in days.values():
        d.entries.sort(key=lambda e: (e.start, e.kind))
    return list(days.values())


@dataclass
class PlanState:
    """Whether the month's plan is posted, and whether it is late (past ``VENUES_PLAN_DUE_DAY``)."""

    month: dt.date
    plan: ActivityPlan | None
    due: dt.date
    late: bool


def plan_state(*, venue: Venue, month: dt.date, today: dt.date | None = None) -> PlanState:
    month = month.replace(day=1)
    today = today or timezone.localdate()
    plan = ActivityPlan.objects.filter(venue=venue, month=month).first()
    due = month.replace(day=int(conf.get("VENUES_PLAN_DUE_DAY")))
    late = timezone.localtime(plan.posted_at).date() > due if plan else today > due
    return PlanState(month=month, plan=plan, due=due, late=late)
