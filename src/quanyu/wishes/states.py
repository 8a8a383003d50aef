"""States of a micro-wish (微心愿). Only services assign ``status``; each change is checked
against ``ALLOWED``::

    submitted ─approve→ published ─claim (last share)→ claimed ─fulfil (every share)→ fulfilled
    submitted ─reject→ rejected            ⟲ claim a share    ⟲ progress, reassign
    published / claimed ─release, lapse→ published          fulfilled ─confirm→ confirmed ⟲ thank
    submitted / published / claimed / disputed ─cancel→ cancelled
    fulfilled ─dispute→ disputed ─resolve→ claimed (upheld: redo) | confirmed (not upheld)

A self-loop is a step that changes no status (a share claimed while shares are left, progress
noted, a claim reassigned, a thank-you). ``rejected`` and ``cancelled`` are final; ``confirmed``
only takes the thank-you.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("待确认")
    CONFIRMED = "confirmed", _("已实现")
    DISPUTED = "disputed", _("有异议")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")


S = WishStatus
ALLOWED: dict[WishStatus, frozenset[WishStatus]] = {
    S.SUBMITTED: frozenset({S.PUBLISHED, S.REJECTED, S.CANCELLED}),
    S.PUBLISHED: frozenset({S.PUBLISHED, S.CLAIMED, S.CANCELLED}),
    S.CLAIMED: frozenset({S.CLAIMED, S.PUBLISHED, S.FULFILLED, S.CANCELLED}),
    S.FULFILLED: frozenset({S.CONFIRMED, S.DISPUTED}),
    S.DISPUTED: frozenset({S.CLAIMED, S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.CONFIRMED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
INITIAL_STATUS = S.SUBMITTED
FINAL_STATUSES = frozenset(s for s, targets in ALLOWED.items() if not (targets - {s}))
# On the public wall: claimable, in hand, and realised wishes (never submitted, rejected, cancelled).
WALL_STATUSES = frozenset({S.PUBLISHED, S.CLAIMED, S.FULFILLED, S.DISPUTED, S.CONFIRMED})
# Wishes a claimant may still work on.
OPEN_STATUSES = frozenset({S.PUBLISHED, S.CLAIMED})


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    FULFILLED = "fulfilled", _("已完成")
    RELEASED = "released", _("已放弃")
    LAPSED = "lapsed", _("已超期")
    REASSIGNED = "reassigned", _("已改派")
    CANCELLED = "cancelled", _("已取消")


CLAIM_ALLOWED: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.ACTIVE: frozenset(
        {
            ClaimStatus.ACTIVE,
            ClaimStatus.FULFILLED,
            ClaimStatus.RELEASED,
            ClaimStatus.LAPSED,
            ClaimStatus.REASSIGNED,
            ClaimStatus.CANCELLED,
        }
    ),
    ClaimStatus.FULFILLED: frozenset({ClaimStatus.ACTIVE, ClaimStatus.CANCELLED}),
    ClaimStatus.RELEASED: frozenset(),
    ClaimStatus.LAPSED: frozenset(),
    ClaimStatus.REASSIGNED: frozenset(),
    ClaimStatus.CANCELLED: frozenset(),
}
# Claims that hold shares of the wish.
HOLDING = frozenset({ClaimStatus.ACTIVE, ClaimStatus.FULFILLED})
