"""The early-warning board (预警研判): what a street, a district or the organisation department
sees at a glance, computed from the tickets in the actor's scope when asked.

* **Deadlines**: open, overdue and due-soon tickets per street (``tickets.selectors
  .supervision_board_for``, the supervision board's figures).
* **Hot spots** (``hotspot_cards``): the platform's tickets of the last ``days`` grouped by place
  (the building when the ticket names one, else its community) and problem (the item staff gave,
  else the suggested one), ranked by the district's heat formula (``HeatSetting``, see
  ``analytics.hotspots`` for the formulas and their inputs); each card names its tickets and a
  point (the mean of its tickets' points) for the map.
* **Spikes** (``spike_list``): an item in a community above its own weekday baseline
  (``analytics.spikes``) on one of the last ``recent_days`` days.
* **Repeats** (``repeat_groups``): the same requester or phone number coming back about the same
  problem within 90 days (``analytics.repeats``); only identities seen more than once are read.

Every query starts from ``tickets.selectors.ticket_queryset_for(actor=…)``: the scoping function.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.http import Http404
from django.utils import timezone

from quanyu.analytics.hotspots import Columns, hotspots_from_columns
from quanyu.analytics.models import Alert, AlertKind, HeatSetting
from quanyu.analytics.repeats import Record, find_repeats
from quanyu.analytics.spikes import spikes_by_key
from quanyu.areas.models import Area
from quanyu.catalog.models import Category
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.permissions import grants_for
from quanyu.core.scoping import scope
from quanyu.tickets.models import Ticket
from quanyu.tickets.selectors import supervision_board_for, ticket_queryset_for
from quanyu.tickets.states import TicketStatus

NOT_COUNTED = (TicketStatus.CANCELLED, TicketStatus.MERGED)
DISTRICT_PATH_LENGTH = 8  # city (4) + district (4): the area tree's steps


def formula_for(actor: Any) -> str:
    """The heat formula of the actor's district (the first one its grants reach), else the default."""
    districts = {g.area.path[:DISTRICT_PATH_LENGTH] for g in grants_for(actor) if len(g.area.path) >= 8}
    if districts:
        chosen = (
            HeatSetting.objects.filter(district__path__in=sorted(districts))
            .order_by("district__path")
            .values_list("formula", flat=True)
            .first()
        )
        if chosen:
            return str(chosen)
    return "balanced"


def _recent(actor: Any, since: dt.datetime, within: str | None = None) -> Any:
    """Tickets since ``since`` in the actor's scope; ``within`` (an area path) instead of an actor
    is for the alert sweep only, which works for the whole city."""
    base = Ticket.objects.filter(area_path__startswith=within) if within is not None else None
    tickets = base if base is not None else ticket_queryset_for(actor=actor)
    return tickets.filter(created_at__gte=since).exclude(status__in=NOT_COUNTED)


def hotspot_cards(
    *,
    actor: Any,
    days: int = 60,
    top: int = 10,
    formula: str | None = None,
    now: dt.datetime | None = None,
    within: str | None = None,
) -> list[dict[str, Any]]:
    """The ``top`` hot spots of the tickets created in the last ``days`` (see the module
    docstring); each card adds ``place_name``, ``problem_name``, ``area_id`` and ``lon``/``lat``."""
    now = now or timezone.now()
    rows = list(
        _recent(actor, now - dt.timedelta(days=days), within)
        .filter(community__isnull=False)
        .values_list(
            "id",
            "requester_id",
            "contact_phone_hash",
            "created_at",
            "community_id",
            "building_id",
            "category_id",
            "suggested_category_id",
            "lon",
            "lat",
        )
        .order_by()
    )
    rows = [r for r in rows if (r[6] or r[7])]  # a problem: given or suggested
    if not rows:
        return []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    users = np.array(
        [f"u{r[1]}" if r[1] else (f"p{r[2]}" if r[2] else f"t{r[0]}") for r in rows], dtype=object
    ).astype(str)
    places = np.array([f"b{r[5]}" if r[5] else f"c{r[4]}" for r in rows], dtype=object).astype(str)
    problems = np.array([str(r[6] or r[7]) for r in rows], dtype=object).astype(str)
    stamps = np.array([r[3].timestamp() for r in rows], dtype=np.float64)
    cards = hotspots_from_columns(
        Columns(ids=ids, users=users, stamps=stamps, places=places, problems=problems),
        top=top,
        formula=formula or formula_for(actor),
        now=now,
    )
    area_ids = {int(c["place"][1:]) for c in cards}
    names = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    items = dict(Category.objects.filter(pk__in={int(c["problem"]) for c in cards}).values_list("pk", "name"))
    points = {r[0]: (r[8], r[9]) for r in rows if r[8] is not None and r[9] is not None}
    for card in cards:
        area_id, item_id = int(card["place"][1:]), int(card["problem"])
        located = [points[i] for i in card["message_ids"] if i in points]
        card.update(
            area_id=area_id,
            place_name=names.get(area_id, ""),
            problem_name=items.get(item_id, ""),
            ticket_ids=card["message_ids"],
            lon=round(sum(p[0] for p in located) / len(located), 6) if located else None,
            lat=round(sum(p[1] for p in located) / len(located), 6) if located else None,
        )
    return cards


def spike_list(
    *,
    actor: Any,
    weeks: int = 8,
    recent_days: int = 7,
    now: dt.datetime | None = None,
    within: str | None = None,
) -> list[dict[str, Any]]:
    """Items in a community above their own baseline on one of the last ``recent_days`` days."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=weeks * 7 + recent_days)
    rows = (
        _recent(actor, since, within)
        .filter(community__isnull=False)
        .values_list("community_id", "category_id", "suggested_category_id", "created_at")
        .order_by()
    )
    keyed = [
        ((community, category or suggested), at.astimezone(LOCAL_TZ).date())
        for community, category, suggested, at in rows
        if category or suggested
    ]
    first_recent = (now.astimezone(LOCAL_TZ) - dt.timedelta(days=recent_days - 1)).date()
    spikes = [s for s in spikes_by_key(keyed) if s.day >= first_recent]
    if not spikes:
        return []
    names = dict(Area.objects.filter(pk__in={s.key[0] for s in spikes}).values_list("pk", "name"))  # type: ignore[index]
    items = dict(Category.objects.filter(pk__in={s.key[1] for s in spikes}).values_list("pk", "name"))  # type: ignore[index]
    return [
        {
            "community_id": s.key[0],  # type: ignore[index]
            "community": names.get(s.key[0], ""),  # type: ignore[index]
            "item_id": s.key[1],  # type: ignore[index]
            "item": items.get(s.key[1], ""),  # type: ignore[index]
            "day": s.day.isoformat(),
            "observed": s.observed,
            "expected": s.expected,
            "score": s.score,
        }
        for s in spikes
    ]


def repeat_groups(
    *, actor: Any, days: int = 90, limit: int = 20, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The same requester or phone number back about the same problem (the same item, given or
    suggested, else similar text; largest groups first);
    identities are shown masked (an account's id, a phone hash's first characters)."""
    now = now or timezone.now()
    rows = list(
        _recent(actor, now - dt.timedelta(days=days))
        .values_list(
            "id",
            "created_at",
            "text",
            "requester_id",
            "contact_phone_hash",
            "category_id",
            "suggested_category_id",
        )
        .order_by()
    )
    seen = Counter(r[3] for r in rows if r[3]) + Counter(r[4] for r in rows if r[4])
    kept = [r for r in rows if (r[3] and seen[r[3]] > 1) or (r[4] and seen[r[4]] > 1)]
    groups = find_repeats(
        Record(
            id=str(r[0]),
            at=r[1],
            text=r[2],
            requester=f"u{r[3]}" if r[3] else "",
            phone_hash=r[4] or "",
            category=str(r[5] or r[6] or ""),  # the item given, else the suggested one
        )
        for r in kept
    )
    out = []
    for g in groups[:limit]:
        identity = g["identity"]
        out.append(
            {
                "by": g["by"],
                "who": identity if g["by"] == "requester" else f"{identity[:6]}…",
                "ticket_ids": [int(i) for i in g["ids"]],
                "count": g["count"],
                "first": g["first"],
                "last": g["last"],
            }
        )
    return out


def alert_list_for(*, actor: Any, limit: int = 50) -> list[Alert]:
    return list(scope(Alert.objects.select_related("area"), actor=actor)[:limit])


def hotspots_in(*, actor: Any, area: Area, days: int = 60, limit: int = 5) -> list[Alert]:
    """The latest hot spots raised in ``area`` in the last ``days`` (scoped to ``actor``): the
    cockpit's early-warning panel, page and API alike."""
    since = timezone.now() - dt.timedelta(days=days)
    found = Alert.objects.filter(
        kind=AlertKind.HOTSPOT, area_path__startswith=area.path, raised_at__gte=since
    )
    return list(scope(found.select_related("area"), actor=actor)[:limit])


def hotspot_in(*, actor: Any, area: Area, alert_id: Any) -> Alert:
    """One hot spot raised in ``area`` (scoped to ``actor``; 404 otherwise): the cockpit API opens
    its tickets."""
    if not (str(alert_id).isascii() and str(alert_id).isdigit()):
        raise Http404
    found = Alert.objects.filter(kind=AlertKind.HOTSPOT, area_path__startswith=area.path, pk=int(alert_id))
    alert = scope(found, actor=actor).first()
    if alert is None:
        raise Http404
    return alert


def warning_board(*, actor: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the board page and ``GET /api/analytics/board/`` show."""
    now = now or timezone.now()
    deadlines = supervision_board_for(actor=actor, now=now)
    formula = formula_for(actor)
    totals: dict[str, int] = defaultdict(int)
    for row in deadlines.by_street:
        totals["open"] += row.open
        totals["overdue"] += row.overdue
        totals["due_soon"] += row.due_soon
        totals["supervised"] += row.supervised
    return {
        "at": now.isoformat(timespec="seconds"),
        "formula": formula,
        "deadlines": {"totals": dict(totals), "by_street": [vars(r) for r in deadlines.by_street]},
        "hotspots": hotspot_cards(actor=actor, formula=formula, now=now),
        "spikes": spike_list(actor=actor, now=now),
        "repeats": repeat_groups(actor=actor, now=now),
    }
