"""重管轻用 (built, then hardly used): the use of venues rolled up per street and district over
``selectors.usage_for``'s rows, and the in-use centres whose month's plan is missing or late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from quanyu.areas.models import Area
from quanyu.venues import conf
from quanyu.venues.models import CENTRE_KINDS, ActivityPlan
from quanyu.venues.selectors import STEP, office_venues_for
from quanyu.venues.states import VenueStatus

LEVELS = {"district": 2 * STEP, "street": 3 * STEP}


def usage_rollup(rows: list[dict[str, Any]], *, level: str = "street") -> list[dict[str, Any]]:
    """Per street (or district): venues, cold venues and their share, hours, bookings, people and
    activities, and hours per venue, ordered by the share of cold venues, worst first."""
    n = LEVELS[level]
    buckets: dict[str, dict[str, Any]] = {}
    for row in rows:
        path = row["venue"].area.path[:n]
        if len(path) < n:
            continue
        b = buckets.setdefault(
            path,
            {"path": path, "venues": 0, "cold": 0, "hours": 0.0, "bookings": 0, "people": 0, "activities": 0},
        )
        b["venues"] += 1
        b["cold"] += int(row["cold"])
        b["hours"] += row["hours"]
        for key in ("bookings", "people", "activities"):
            b[key] += row[key]
    names = dict(Area.objects.filter(path__in=list(buckets)).values_list("path", "name"))
    out = []
    for b in buckets.values():
        b["name"] = names.get(b["path"], "")
        b["hours"] = round(b["hours"], 1)
        b["cold_share"] = round(b["cold"] / b["venues"], 4)
        b["hours_per_venue"] = round(b["hours"] / b["venues"], 1)
        out.append(b)
    return sorted(out, key=lambda b: (-b["cold_share"], b["path"]))


def plans_missing_for(*, actor: Any, month: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """In-use centres (district, street, community) of the actor's office scope without a posted
    plan for ``month``; ``late`` once the due day (``VENUES_PLAN_DUE_DAY``) has passed."""
    month = month.replace(day=1)
    today = today or timezone.localdate()
    centres = office_venues_for(actor).filter(status=VenueStatus.IN_USE, kind__in=CENTRE_KINDS)
    posted = ActivityPlan.objects.filter(month=month).values("venue_id")
    due = month.replace(day=int(conf.get("VENUES_PLAN_DUE_DAY")))
    return {
        "month": month,
        "due": due,
        "late": today > due,
        "centres": centres.count(),
        "missing": list(centres.exclude(pk__in=posted).order_by("area__path", "name")[:200]),
        "missing_count": centres.exclude(pk__in=posted).count(),
    }
