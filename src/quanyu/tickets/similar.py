"""Similar open tickets, offered for merging (合并重复) on a ticket's page and in the API, as
FixMyStreet offers nearby reports before a new one is sent.

A candidate is another open ticket the actor may see (``selectors.ticket_queryset_for``: the
scoping function), in the same street (or community, without a street), created within
``WINDOW_DAYS`` of the ticket, that is either

* **nearby and of the same item** (the item given, else the suggested one): both located, at most
  ``RADIUS_M`` metres apart; or
* **a near-duplicate text**: the share of character bigrams the two texts have in common (Jaccard)
  at least ``TEXT_SIMILARITY``, whatever their item (a resident who writes the same complaint
  twice, or neighbours who copy one message).

The nearest and most similar come first; at most ``LIMIT``. Reads at most ``MAX_CANDIDATES`` rows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from quanyu.tickets.models import Ticket
from quanyu.tickets.selectors import ticket_queryset_for
from quanyu.tickets.states import OPEN_STATUSES

RADIUS_M = 300.0
WINDOW_DAYS = 30
TEXT_SIMILARITY = 0.5
LIMIT = 5
MAX_CANDIDATES = 500
_EARTH_M = 6_371_000.0


@dataclass(frozen=True)
class Similar:
    ticket: Ticket
    distance_m: float | None  # None when either is not located
    text_similarity: float
    nearby_same_item: bool


def _bigrams(text: str) -> set[str]:
    chars = "".join(text.split())
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' character bigrams (whitespace ignored), 0–1."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_M * math.asin(math.sqrt(h))


def similar_open_tickets(*, actor: Any, ticket: Ticket, limit: int = LIMIT) -> list[Similar]:
    """The open tickets ``ticket`` may duplicate (see the module docstring)."""
    if ticket.street_id is None and ticket.community_id is None:
        return []
    return _similar(
        actor=actor,
        text=ticket.text,
        lon=ticket.lon,
        lat=ticket.lat,
        item=ticket.category_id or ticket.suggested_category_id,
        at=ticket.created_at,
        place={"street_id": ticket.street_id}
        if ticket.street_id is not None
        else {"community_id": ticket.community_id},
        exclude=ticket.pk,
        limit=limit,
    )


def similar_to_draft(
    *,
    actor: Any,
    text: str,
    lon: float | None = None,
    lat: float | None = None,
    item: int | None = None,
    street_id: int | None = None,
    limit: int = LIMIT,
) -> list[Similar]:
    """The open tickets a request being written may duplicate, before it is sent (as FixMyStreet
    shows nearby reports): the same rules as for a ticket, at the time of asking, in the street
    of the picked point when there is one, else anywhere in the actor's scope (a resident's scope
    is their own requests: "you already reported this")."""
    if len(text.strip()) < 4 and (lon is None or lat is None):
        return []
    return _similar(
        actor=actor,
        text=text,
        lon=lon,
        lat=lat,
        item=item,
        at=timezone.now(),
        place={"street_id": street_id} if street_id is not None else {},
        exclude=None,
        limit=limit,
    )


def _similar(
    *,
    actor: Any,
    text: str,
    lon: float | None,
    lat: float | None,
    item: int | None,
    at: dt.datetime,
    place: dict[str, Any],
    exclude: int | None,
    limit: int,
) -> list[Similar]:
    window = dt.timedelta(days=WINDOW_DAYS)
    rows = (
        ticket_queryset_for(actor=actor)
        .filter(status__in=OPEN_STATUSES, created_at__range=(at - window, at + window), **place)
        .order_by("-created_at")
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found: list[Similar] = []
    for other in rows.select_related("category", "community")[:MAX_CANDIDATES]:
        similarity = text_similarity(text, other.text)
        distance = None
        if None not in (lon, lat, other.lon, other.lat):
            distance = distance_m(lon, lat, other.lon, other.lat)  # type: ignore[arg-type]
        other_item = other.category_id or other.suggested_category_id
        nearby = bool(item and other_item == item and distance is not None and distance <= RADIUS_M)
        if nearby or similarity >= TEXT_SIMILARITY:
            found.append(Similar(other, distance, round(similarity, 3), nearby))
    # Nearby ones of the same item first, nearest first; then the most similar texts.
    found.sort(
        key=lambda s: (
            not s.nearby_same_item,
            (s.distance_m or 0.0) if s.nearby_same_item else 0.0,
            -s.text_similarity,
        )
    )
    return found[:limit]
