"""State tables of the venues domain. Only services assign ``status``.

A venue::

    planned ──► building ──► in_use ──► closed
       │            │                     │
       └────────────┴──────► closed ◄─────┘ (closed ──► in_use: reopened)

A booking (docs/WORKFLOWS.md; a booking is a workflow)::

    requested ──► approved ──► used
        │            ├───────► no_show   (not checked in by the grace time; the sweep)
        │            └───────► cancelled
        ├──► declined
        └──► cancelled

``requested`` and ``approved`` hold the room's slot (``HOLDING``); ``used`` keeps it in the
history. No two holding bookings of one room overlap (the service's lock on the room, and on
PostgreSQL an exclusion constraint as the last word).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    BUILDING = "building", _("建设中")
    IN_USE = "in_use", _("使用中")
    CLOSED = "closed", _("已关闭")


VENUE_ALLOWED: dict[str, frozenset[str]] = {
    VenueStatus.PLANNED: frozenset({VenueStatus.BUILDING, VenueStatus.CLOSED}),
    VenueStatus.BUILDING: frozenset({VenueStatus.IN_USE, VenueStatus.CLOSED}),
    VenueStatus.IN_USE: frozenset({VenueStatus.CLOSED}),
    VenueStatus.CLOSED: frozenset({VenueStatus.IN_USE}),
}
VENUE_INITIAL = VenueStatus.PLANNED


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已确认")
    DECLINED = "declined", _("未通过")
    USED = "used", _("已使用")
    NO_SHOW = "no_show", _("未到场")
    CANCELLED = "cancelled", _("已取消")


BOOKING_ALLOWED: dict[str, frozenset[str]] = {
    BookingStatus.REQUESTED: frozenset(
        {BookingStatus.APPROVED, BookingStatus.DECLINED, BookingStatus.CANCELLED}
    ),
    BookingStatus.APPROVED: frozenset({BookingStatus.USED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED}),
    BookingStatus.DECLINED: frozenset(),
    BookingStatus.USED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
}
BOOKING_INITIAL = BookingStatus.REQUESTED
BOOKING_FINAL = frozenset(s for s, targets in BOOKING_ALLOWED.items() if not targets)
# Bookings that hold their room's slot: no two of these overlap.
HOLDING = frozenset({BookingStatus.REQUESTED, BookingStatus.APPROVED, BookingStatus.USED})


def replay(kinds: list[str]) -> str:
    """A booking's status rebuilt from its event kinds (tests check every history with it)."""
    status: str = BOOKING_INITIAL
    for kind in kinds:
        if kind in BookingStatus.values:
            status = kind
    return status


class ProjectStep(models.TextChoices):
    """A venue project's steps (Lianyungang's process chart, seeds/004), each owned by a department."""

    PLANNING = "planning", _("写入控制性详细规划")
    LAND = "land", _("写入土地出让合同")
    PRESALE = "presale", _("预售前核验")
    QUALITY = "quality", _("质量监督")
    ACCEPTANCE = "acceptance", _("联合验收")
    REGISTRATION = "registration", _("产权登记")
    HANDOVER = "handover", _("无偿移交社区")
    DONE = "done", _("已移交")
    CANCELLED = "cancelled", _("已撤销")


PROJECT_ORDER = [
    ProjectStep.PLANNING,
    ProjectStep.LAND,
    ProjectStep.PRESALE,
    ProjectStep.QUALITY,
    ProjectStep.ACCEPTANCE,
    ProjectStep.REGISTRATION,
    ProjectStep.HANDOVER,
    ProjectStep.DONE,
]
# Each step may go on to the next or be cancelled; pre-sale may stay (restricted while it falls short).
PROJECT_ALLOWED: dict[str, frozenset[str]] = {
    **{
        step: frozenset({PROJECT_ORDER[i + 1], ProjectStep.CANCELLED})
        for i, step in enumerate(PROJECT_ORDER[:-1])
    },
    ProjectStep.PRESALE: frozenset({ProjectStep.QUALITY, ProjectStep.PRESALE, ProjectStep.CANCELLED}),
    ProjectStep.DONE: frozenset(),
    ProjectStep.CANCELLED: frozenset(),
}
