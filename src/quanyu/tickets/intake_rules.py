"""What intake decides about a new ticket, in one place: the contact phone, the lengths of its
texts, the received time, the first tier and where it falls back to, the limits and deadlines
that come from the category.

Three paths create tickets, each in its own shape: ``services.intake._draft`` (one request: the
pages, the API view, Open311), ``services.intake.ticket_create_batch`` (the API's intake lane, the
same ``_draft`` per request) and the hotline import (``imports.rows``: column by column, a chunk at
a time). Each calls these functions; none states a rule of its own. Pure: no queries (a deadline's
working-day calendar is the caller's), no writes. ``TicketDraftInput`` is one request's input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from quanyu.catalog.calendar import Deadline, WorkCalendar, deadline_after
from quanyu.catalog.models import Tier
from quanyu.core.idnumber import normalize_phone
from quanyu.tickets.conf import int_setting

if TYPE_CHECKING:
    from quanyu.areas.models import Area
    from quanyu.catalog.models import Category
    from quanyu.catalog.suggest import Suggestion

# A mainland mobile, or a landline with or without its area code.
PHONE_RE = re.compile(r"1\d{10}|0\d{2,3}\d{7,8}|\d{7,8}")
CONTACT_NAME_MAX = 50
ADDRESS_MAX = 200
EXTERNAL_REF_MAX = 64
# How far back a received time (a hotline call, an offline patrol record) may lie.
RECEIVED_WITHIN = dt.timedelta(days=3660)

Limits = tuple[int, int, bool]  # (response hours, completion days, on the working-day calendar?)
Place = TypeVar("Place")
_TIERS = (Tier.GRID, Tier.COMMUNITY, Tier.STREET)  # lowest first


def text_max() -> int:
    """How long a request's text may be (``QUANYU_TICKET_TEXT_MAX``)."""
    return int_setting("QUANYU_TICKET_TEXT_MAX")


def contact_phone(raw: str) -> str | None:
    """A contact phone as stored: "" when none, the number without spaces, dashes or +86, or
    None when it is not a phone number (``PHONE_RE``)."""
    phone = raw.strip()
    if not phone:
        return ""
    if not (phone.isdigit() and phone.isascii() and not phone.startswith("0086")):
        phone = normalize_phone(phone)  # (plain ASCII digits are their own normal form)
    return phone if PHONE_RE.fullmatch(phone) else None


def received_in_range(at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a received time lies in the past ``RECEIVED_WITHIN`` (both aware, or both naive
    in the same zone)."""
    return now - RECEIVED_WITHIN <= at <= now


def basis(category: Category | None, suggestion: Suggestion | None) -> Category | None:
    """The category whose rules a new ticket follows: the one given, else the suggested one."""
    return category or (suggestion.category if suggestion else None)


def first_tier(
    basis: Category | None,
    grid: Place | None,
    community: Place | None,
    street: Place | None,
    *,
    triage: bool = False,
) -> tuple[Tier, Place] | None:
    """The tier that handles a new ticket first and its place: the category's first tier (the
    grid without one; the community when the ticket needs ``triage``, see
    ``suggesting.needs_triage``); when the ticket is not located at that tier (no grid or
    community there), the next tier up that it is located at; when there is none up, the nearest
    one below (a grid outside any street). None when the ticket is located nowhere."""
    by_tier = (grid, community, street)
    if triage:
        wanted = _TIERS.index(Tier.COMMUNITY)
    else:
        wanted = _TIERS.index(Tier(basis.first_tier) if basis else Tier.GRID)
    for i in (*range(wanted, 3), *range(wanted - 1, -1, -1)):
        place = by_tier[i]
        if place is not None:
            return _TIERS[i], place
    return None


def default_limits() -> Limits:
    """The limits of a ticket without a category (settings)."""
    return (
        int_setting("QUANYU_TICKET_DEFAULT_RESPONSE_HOURS"),
        int_setting("QUANYU_TICKET_DEFAULT_COMPLETION_DAYS"),
        True,
    )


def limits_of(category: Category | None, defaults: Limits | None = None) -> Limits:
    """(response hours, completion days, working-day calendar?) of a category, or the defaults
    (``defaults`` when the caller read them already)."""
    if category is None:
        return defaults if defaults is not None else default_limits()
    return category.response_hours, category.completion_days, category.working_days


def deadlines_from(
    start: dt.datetime, category: Category | None, calendar: WorkCalendar | None = None
) -> tuple[Deadline, Deadline]:
    """(response due, completion due) of a ticket whose limits run from ``start`` under
    ``category``'s rules (the defaults without one). The hotline import computes the same with
    arrays (``imports.deadlines``, kept equal by its tests) from ``limits_of``."""
    hours, days, working = limits_of(category)
    calendar = calendar or WorkCalendar()
    return (
        deadline_after(start, hours=hours, working=working, calendar=calendar),
        deadline_after(start, days=days, working=working, calendar=calendar),
    )


@dataclass(frozen=True, kw_only=True)
class TicketDraftInput:
    """What a new ticket is drawn up from (``services.intake._draft``): ``ticket_create``'s
    arguments, as the pages, the API, Open311 and the intake lane give them."""

    actor: Any
    text: str
    channel: str
    lon: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    area: Area | None = None
    building: Area | None = None
    category: Category | None = None
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    photos: Sequence[Any] = ()
    materials: Sequence[str] = ()
    notice_missing: bool = False
    idempotency_key: str | None = None
    external_ref: str = ""
    received_at: dt.datetime | None = None
