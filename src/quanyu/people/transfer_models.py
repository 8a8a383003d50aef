"""The model of 组织关系转接 (a member's organisational relationship moved to another branch);
imported by ``people.models`` so that Django finds it (that module is at its size limit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.orgs.models import PartyOrg
from quanyu.people.states import TransferStatus


class MemberTransfer(models.Model):
    """A request, by the staff of a branch and community, to take a member whose relationship is
    elsewhere. The requesting side sees its request by ``to_path`` and never where the member is
    (``from_path`` is for the organisation department that decides); approval moves the member."""

    scope_path_field = "to_path"

    member = models.ForeignKey(
        "people.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers"
    )
    to_branch = models.ForeignKey(
        PartyOrg, verbose_name=_("转入党组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_community = models.ForeignKey(
        Area, verbose_name=_("转入社区"), on_delete=models.PROTECT, related_name="+"
    )
    to_path = models.CharField(max_length=255, db_index=True, editable=False)
    from_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    reason = models.CharField(_("申请说明"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="requested"), name="people_transfer_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.to_branch_id} ({self.status})"
