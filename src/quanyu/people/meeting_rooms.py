"""The slot through which a branch books a room for a 三会一课 meeting it schedules.

People sits below the venues app in the layering, so it cannot call venues' booking service.
Venues registers a booker here from its ``apps.py`` (``use_room_booker``), the way routing fills
``tickets.suggesting``; a branch's meeting then books through ``meeting_book_room``, which runs
venues' own checks (permission, overlap as a 409, blackouts, quotas, auto-approve rules).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.orgs.models import PartyOrg
from quanyu.people.models import Meeting


class RoomBooker(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        room_id: int,
        branch: PartyOrg,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
        purpose: str,
    ) -> int:
        """Book ``room_id`` for ``branch`` and return the booking's id (raises the booking's errors)."""


_bookers: list[RoomBooker] = []


def use_room_booker(booker: RoomBooker) -> None:
    """Make ``booker`` the one branch meetings book rooms through (called once, from venues' ``ready``)."""
    _bookers[:] = [booker]


def meeting_book_room(
    *,
    actor: Any,
    branch: PartyOrg,
    kind: str,
    topic: str,
    room_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> int:
    """Book a venue room for a 三会一课 meeting ``branch`` schedules; returns the booking's id."""
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": [_("会议类型不正确")]})
    if not (topic or "").strip():
        raise ValidationError({"topic": [_("请填写会议主题")]})
    if not _bookers:
        raise ValidationError({"room": [_("未启用阵地预约")]})
    purpose = f"{Meeting.Kind(kind).label}：{topic.strip()}"[:200]
    return _bookers[0](
        actor=actor, room_id=room_id, branch=branch, starts_at=starts_at, ends_at=ends_at, purpose=purpose
    )
