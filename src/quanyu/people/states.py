"""State tables of the people domain. Only services assign ``status``; each change is checked
against ``ALLOWED`` here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


REPORT_ALLOWED: dict[str, frozenset[str]] = {
    ReportStatus.SUBMITTED: frozenset(
        {ReportStatus.CONFIRMED, ReportStatus.REJECTED, ReportStatus.WITHDRAWN}
    ),
    ReportStatus.CONFIRMED: frozenset({ReportStatus.WITHDRAWN}),
    ReportStatus.REJECTED: frozenset(),
    ReportStatus.WITHDRAWN: frozenset(),
}
# A member (or unit) holds at most one report in these states per community and year.
REPORT_LIVE = frozenset({ReportStatus.SUBMITTED, ReportStatus.CONFIRMED})


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    RELEASED = "released", _("已离岗")


CLAIM_ALLOWED: dict[str, frozenset[str]] = {
    ClaimStatus.ACTIVE: frozenset({ClaimStatus.RELEASED}),
    ClaimStatus.RELEASED: frozenset(),
}


class PointRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


POINT_REQUEST_ALLOWED: dict[str, frozenset[str]] = {
    PointRequestStatus.PENDING: frozenset({PointRequestStatus.APPROVED, PointRequestStatus.REJECTED}),
    PointRequestStatus.APPROVED: frozenset(),
    PointRequestStatus.REJECTED: frozenset(),
}


class FloatingStatus(models.TextChoices):
    ACTIVE = "active", _("流动中")
    ENDED = "ended", _("已结束")


FLOATING_ALLOWED: dict[str, frozenset[str]] = {
    FloatingStatus.ACTIVE: frozenset({FloatingStatus.ENDED}),
    FloatingStatus.ENDED: frozenset(),
}


class TransferStatus(models.TextChoices):
    """组织关系转接: a request to move a member's organisational relationship to another branch."""

    REQUESTED = "requested", _("待审核")
    APPROVED = "approved", _("已转接")
    DECLINED = "declined", _("未同意")


TRANSFER_ALLOWED: dict[str, frozenset[str]] = {
    TransferStatus.REQUESTED: frozenset({TransferStatus.APPROVED, TransferStatus.DECLINED}),
    TransferStatus.APPROVED: frozenset(),
    TransferStatus.DECLINED: frozenset(),
}
