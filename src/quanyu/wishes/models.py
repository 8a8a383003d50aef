"""Micro-wishes (微心愿): the wish, its claims (one, or shares of a divisible wish), evidence
photos and the append-only event history.

Who wished is private: ``wisher`` (a resident who posted from a phone) or ``resident`` (a vulnerable
resident of the people register for whom community staff posted), plus the contact and the
building/room, encrypted. Only staff of the wish's community (and the wisher) see them; the wall
shows ``public_text`` (rewritten at review) and the community and street names, never more
(``selectors.wall_row``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.core.pii import EncryptedCharField
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit
from quanyu.people.models import PartyMember, Report, Resident
from quanyu.volunteering.models import Team
from quanyu.wishes.states import WALL_STATUSES, ClaimStatus, WishStatus


class WishKind(models.TextChoices):
    GOODS = "goods", _("物品")
    SERVICE = "service", _("服务")
    COMPANIONSHIP = "companionship", _("陪伴")
    REPAIR = "repair", _("维修")
    STUDY = "study", _("学习辅导")
    OTHER = "other", _("其他")


# The statuses shown on the wall (states.WALL_STATUSES), in the order the wall's query lists them.
_ON_WALL = models.Q(status__in=sorted(WALL_STATUSES))


class Wish(models.Model):
    scope_path_field = "scope_path"

    kind = models.CharField(_("类别"), max_length=16, choices=WishKind.choices)
    text = models.TextField(_("心愿内容"), max_length=1000)
    public_text = models.CharField(_("公开内容"), max_length=500, blank=True)
    estimated_value = models.DecimalField(
        _("估计价值（元）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    wanted_by = models.DateField(_("希望实现日期"), null=True, blank=True)
    shares = models.PositiveSmallIntegerField(_("可认领份数"), default=1)
    claimed_shares = models.PositiveSmallIntegerField(_("已认领份数"), default=0)
    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(
        Area, verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    on_behalf = models.BooleanField(_("代为登记"), default=False)
    wisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("许愿人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wishes",
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("许愿居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    address_detail = EncryptedCharField(_("楼栋房号"), blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=WishStatus.choices, default=WishStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by_phone = models.BooleanField(_("电话回访确认"), default=False)
    confirm_note = models.CharField(_("确认说明"), max_length=300, blank=True)
    thanks = models.CharField(_("感谢留言"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The wall (selectors.wall_list): newest first, of the district, a community or a street;
            # partial on the wall's statuses, so ORDER BY … LIMIT reads the index, not a sort.
            models.Index(fields=["-published_at", "-id"], condition=_ON_WALL, name="wish_wall_all"),
            models.Index(
                fields=["community", "-published_at", "-id"], condition=_ON_WALL, name="wish_wall_community"
            ),
            models.Index(
                fields=["street", "-published_at", "-id"], condition=_ON_WALL, name="wish_wall_street"
            ),
            # The desk's list by status (the review queue), newest first.
            models.Index(fields=["status", "-created_at"], name="wish_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_shares__lte=models.F("shares")), name="wish_shares_not_over"
            ),
            models.CheckConstraint(condition=models.Q(shares__gte=1), name="wish_shares_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.public_text or self.get_kind_display()}"

    @property
    def shares_left(self) -> int:
        return self.shares - self.claimed_shares


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("党员")
    UNIT = "unit", _("驻区单位")
    TEAM = "team", _("志愿服务队")


class WishClaim(models.Model):
    """One claimant's part of a wish: a party member, a resident unit, or a volunteer team of the
    volunteering app (each by its row, never by a typed name)."""

    scope_path_field = "wish__scope_path"

    wish = models.ForeignKey(Wish, verbose_name=_("微心愿"), on_delete=models.CASCADE, related_name="claims")
    claimant_kind = models.CharField(_("认领方类型"), max_length=8, choices=ClaimantKind.choices)
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="wish_claims"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="wish_claims"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("志愿服务队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认领人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="wish_claims",
    )
    shares = models.PositiveSmallIntegerField(_("份数"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )
    claimed_at = models.DateTimeField(_("认领时间"))
    progress_at = models.DateTimeField(_("最近进展"))
    fulfilled_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("完成说明"), max_length=500, blank=True)
    # The 双报到 report this service counts under (the member's or unit's report to the wish's
    # community for the year of the claim), when there is one.
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("心愿认领")
        verbose_name_plural = _("心愿认领")
        ordering = ["claimed_at", "id"]
        indexes = [
            # The lapse sweep: active claims by last progress.
            models.Index(
                fields=["progress_at"], condition=models.Q(status="active"), name="wish_claim_active_progress"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wish", "member"],
                condition=models.Q(status__in=["active", "fulfilled"], member__isnull=False),
                name="wish_claim_member_once",
            ),
            models.UniqueConstraint(
                fields=["wish", "unit"],
                condition=models.Q(status__in=["active", "fulfilled"], unit__isnull=False),
                name="wish_claim_unit_once",
            ),
            models.UniqueConstraint(
                fields=["wish", "team"],
                condition=models.Q(status__in=["active", "fulfilled"], team__isnull=False),
                name="wish_claim_team_once",
            ),
            models.CheckConstraint(
                condition=models.Q(claimant_kind="member", member__isnull=False)
                | models.Q(claimant_kind="unit", unit__isnull=False)
                | models.Q(claimant_kind="team", team__isnull=False),
                name="wish_claim_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wish_id}: {self.claimant_label}"

    @property
    def claimant_label(self) -> str:
        if self.claimant_kind == ClaimantKind.MEMBER and self.member is not None:
            return self.member.name
        if self.claimant_kind == ClaimantKind.UNIT and self.unit is not None:
            return self.unit.name
        return self.team.name if self.team is not None else ""


class WishPhoto(models.Model):
    class Kind(models.TextChoices):
        WISH = "wish", _("心愿照片")
        EVIDENCE = "evidence", _("完成照片")

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="photos")
    claim = models.ForeignKey(
        WishClaim, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    image = models.ImageField(
        _("照片"), upload_to="wishes/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("心愿照片")
        verbose_name_plural = _("心愿照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name or ""


class WishEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核退回")
    CLAIMED = "claimed", _("认领")
    PROGRESS = "progress", _("进展")
    RELEASED = "released", _("放弃认领")
    LAPSED = "lapsed", _("认领超时")
    REASSIGNED = "reassigned", _("改派")
    FULFILLED = "fulfilled", _("完成")
    CONFIRMED = "confirmed", _("确认实现")
    THANKED = "thanked", _("感谢")
    DISPUTED = "disputed", _("提出异议")
    RESOLVED = "resolved", _("异议处理")
    CANCELLED = "cancelled", _("取消")


class WishEvent(EventBase):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=WishEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("心愿事件")
        verbose_name_plural = _("心愿事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["wish", "at", "id"], name="wish_event_timeline")]

    def __str__(self) -> str:
        return f"{self.wish_id} {self.kind}"
