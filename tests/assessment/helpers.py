"""Hand-made whistles for the scoring tests: Ticket/Whistle/Rating rows written directly with the
timestamps a test needs (read-side tests; the loop's own services are used where a test follows
a ticket through its life)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanyu.core.clock import LOCAL_TZ
from quanyu.orgs.models import Unit, UnitKind
from quanyu.tickets.models import Channel, Rating, Ticket, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus
from tests.factories import City

H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)


def local_dt(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


def department(city: City, name: str) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        kind=UnitKind.DEPARTMENT, name=name, defaults={"area": city.district}
    )
    return unit


def make_ticket(city: City, *, street: int = 0, status: str = TicketStatus.WHISTLED, **fields: Any) -> Ticket:
    grid = city.grids[street * 4]
    return Ticket.objects.create(
        text=fields.pop("text", "测试诉求"),
        grid=grid,
        community=city.communities[street * 2],
        street=city.streets[street],
        area_path=grid.path,
        channel=Channel.WEB,
        status=status,
        tier="street",
        handling_area=city.streets[street],
        **fields,
    )


def add_whistle(
    city: City,
    dept: Unit,
    *,
    at: dt.datetime,
    response_due: dt.datetime | None = None,
    completion_due: dt.datetime | None = None,
    responded: dt.datetime | dt.timedelta | None = None,
    resolved: dt.datetime | dt.timedelta | None = None,
    status: str | None = None,
    rating: str | list[tuple[str, bool]] | None = None,
    ticket: Ticket | None = None,
    ticket_status: str | None = None,
    ticket_excluded: bool = False,
    whistle_excluded: bool = False,
    street: int = 0,
    lead: bool = True,
) -> Whistle:
    """A whistle to ``dept`` blown at ``at`` (response limit 2 h, completion 3 days unless given).
    ``responded``/``resolved``: a time, or an offset from ``at``. ``rating``: a level, or a list of
    (level, counts) ratings in order (the effective one is the last that counts)."""

    def when(value: dt.datetime | dt.timedelta | None) -> dt.datetime | None:
        return at + value if isinstance(value, dt.timedelta) else value

    responded_at, resolved_at = when(responded), when(resolved)
    if status is None:
        status = (
            WhistleStatus.RESOLVED
            if resolved_at
            else WhistleStatus.RESPONDED
            if responded_at
            else WhistleStatus.PENDING
        )
    if ticket is None:
        if ticket_status is None:
            ticket_status = (
                TicketStatus.CLOSED
                if rating
                else (TicketStatus.RESOLVED if resolved_at else TicketStatus.WHISTLED)
            )
        ticket = make_ticket(city, street=street, status=ticket_status, excluded_from_stats=ticket_excluded)
    w = Whistle.objects.create(
        ticket=ticket,
        department=dept,
        lead=lead,
        status=status,
        whistled_at=at,
        response_due=response_due or at + 2 * H,
        completion_due=completion_due or at + dt.timedelta(days=3),
        responded_at=responded_at,
        resolved_at=resolved_at,
        returned_at=at + H if status == WhistleStatus.RETURNED else None,
        excluded_from_stats=whistle_excluded,
    )
    if rating:
        ratings = [(rating, True)] if isinstance(rating, str) else rating
        effective = ""
        for i, (level, counts) in enumerate(ratings):
            Rating.objects.create(
                ticket=ticket,
                level=level,
                via=Rating.Via.LINK,
                at=(resolved_at or at) + (i + 1) * H,
                counts=counts,
                appeal_status="" if counts else Rating.Appeal.UPHELD,
            )
            if counts:
                effective = level
        ticket.rating_level = effective
        ticket.save(update_fields=["rating_level"])
    return w
