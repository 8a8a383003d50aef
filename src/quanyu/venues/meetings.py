"""Venues' booker for the people app's 三会一课 slot (``people.meeting_rooms``), and the reads the
meeting-booking page and API need: the branches an actor may book for, and branches' bookings.

Who may book for a branch: the registry editors at the branch's area (admin, organisation
department, street and community staff), the same rule as recording the branch's meeting
(``people.services.branchlife.meeting_record``); the room itself is then checked by the booking
service (the venue's place, bookable, in use, overlap 409, blackouts, quota, auto-approve).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.permissions import grants_for
from quanyu.core.scoping import scope_q
from quanyu.orgs.models import OrgKind, PartyOrg
from quanyu.venues.access import EDITORS
from quanyu.venues.models import Booking, Room
from quanyu.venues.selectors import booking_queryset_for
from quanyu.venues.services.bookings import booking_request

BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)


def book_for_meeting(
    *, actor: Any, room_id: int, branch: PartyOrg, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str
) -> int:
    """Book ``room_id`` as ``branch`` through the booking service (all its checks); the id."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise ValidationError({"room": [_("房间不存在")]})
    booking = booking_request(
        actor=actor,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        booker_kind=Booking.BookerKind.BRANCH,
        org=branch,
    )
    return booking.pk


def meeting_branches_for(actor: Any, *, any_kind: bool = False) -> QuerySet[PartyOrg]:
    """The branches (党支部, 党总支; every party organisation with ``any_kind``) at the places where
    the actor is a registry editor: those it may book rooms for."""
    qs = PartyOrg.objects.select_related("area")
    if not any_kind:
        qs = qs.filter(kind__in=BRANCH_KINDS)
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_authenticated", False):
        return qs.order_by("path")
    paths = tuple(g.area.path for g in grants_for(actor) if g.role in EDITORS)
    where = scope_q(paths, "area__path") if paths else Q(pk__in=[])
    return (qs if where is None else qs.filter(where)).order_by("path")


def branch_bookings_for(*, actor: Any, days_back: int = 1) -> QuerySet[Booking]:
    """Branches' bookings the actor may see (office scope, or made by the actor), from yesterday."""
    since = timezone.now() - dt.timedelta(days=days_back)
    return (
        booking_queryset_for(actor)
        .filter(booker_kind=Booking.BookerKind.BRANCH, ends_at__gt=since)
        .order_by("starts_at", "id")
    )
