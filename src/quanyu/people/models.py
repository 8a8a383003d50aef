"""Residents, party members and what members do: 双报到 reports, posts, points, floating
membership and branch life (三会一课).

Personal data (ID numbers, phones) is encrypted at rest with a keyed-hash sibling column for exact
lookup; only services write these tables. Scoping: a person carries denormalised materialised
paths of the places it belongs to (``scope_path``: the building or residence community; for members
also ``branch_path``: the area of the branch), so that ``core.scoping.scope`` filters with one
indexed ``startswith`` and no join.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.core.collation import pinyin_column_key
from quanyu.core.pii import EncryptedCharField
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.people.states import ClaimStatus, FloatingStatus, PointRequestStatus, ReportStatus


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ProtectedTag(models.TextChoices):
    """Vulnerable-group tags, shown only to roles that serve them (quanyu.people.access)."""

    ELDERLY_ALONE = "elderly_alone", _("空巢老人")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    DISABILITY = "disability", _("残疾人")
    LOW_INCOME = "low_income", _("低收入")


class MemberCategory(models.TextChoices):
    """五管合一: the five categories of members, each managed differently."""

    COMMUNITY = "community", _("社区党员")
    IN_SERVICE = "in_service", _("在职党员")
    RETIRED = "retired", _("离退休党员")
    FLOATING = "floating", _("流动党员")
    ENTERPRISE = "enterprise", _("企业党员")


class MemberStatus(models.TextChoices):
    FORMAL = "formal", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


def name_sort_key(name: str) -> str:
    """The value of ``Person.name_key`` for ``name`` (cut to the column; a prefix keeps the order)."""
    return pinyin_column_key(name)[:200]


class Person(models.Model):
    """Fields a resident and a party member share."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    # The name's pinyin-order key (core.collation.pinyin_column_key), kept by ``save`` and by the
    # bulk writers, so that lists sort and paginate in the database (issue 13 point 13).
    name_key = models.CharField(max_length=200, blank=True, default="", db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    id_number = EncryptedCharField(_("身份证号"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = EncryptedCharField(_("手机号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    anonymised = models.BooleanField(_("已匿名化"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_sort_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Resident(Person):
    scope_path_field = "scope_path"

    community = models.ForeignKey(
        Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="residents"
    )
    building = models.ForeignKey(
        Area,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="building_residents",
    )
    unit_no = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20, blank=True)
    household_key = models.CharField(_("户号"), max_length=64, blank=True, db_index=True)
    # Protected tags as ",code,code," so one ``contains`` finds a tag on every database.
    tags = models.CharField(_("关爱标签"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["id"]
        # One register entry per ID number (per register: a member may also be a resident).
        # Anonymised people keep an empty hash and are exempt.
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~models.Q(id_hash=""), name="people_resident_id_unique"
            )
        ]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class PartyMember(Person):
    """A party member. ``scope_path`` is the residence community (or building); ``branch_path``
    the area of the branch: staff of either place see the member."""

    scope_path_field = "scope_path"

    resident = models.ForeignKey(
        Resident,
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )
    branch = models.ForeignKey(
        PartyOrg, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    branch_path = models.CharField(max_length=255, db_index=True, editable=False)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    status = models.CharField(
        _("党员状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FORMAL
    )
    category = models.CharField(_("党员类别"), max_length=16, choices=MemberCategory.choices, db_index=True)
    work_unit = models.ForeignKey(
        Unit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_members",
    )
    work_unit_name = models.CharField(_("工作单位"), max_length=150, blank=True)
    community = models.ForeignKey(
        Area,
        verbose_name=_("居住社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_members",
    )
    board_opt_in = models.BooleanField(_("上连心牌"), default=False)
    board_building = models.ForeignKey(
        Area,
        verbose_name=_("连心牌楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_members",
    )
    board_unit_no = models.CharField(_("连心牌单元"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["id"]
        indexes = [models.Index(fields=["branch", "category"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~models.Q(id_hash=""), name="people_member_id_unique"
            )
        ]


class MemberEvent(EventBase):
    """Append-only history of a member: created, imported, changed, reported, claimed …"""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.at:%Y-%m-%d}"


class MemberHousehold(models.Model):
    """党员中心户 1+10: the households a member keeps in touch with."""

    scope_path_field = "member__scope_path"

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="households")
    household_key = models.CharField(_("户号"), max_length=64)
    label = models.CharField(_("住户"), max_length=100, blank=True)
    building = models.ForeignKey(
        Area, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系户")
        verbose_name_plural = _("联系户")
        constraints = [
            models.UniqueConstraint(fields=["member", "household_key"], name="people_household_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.household_key}"


class Report(models.Model):
    """双报到: a member reports to the residence community, or a unit to the community it sits in."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("党员报到")
        UNIT = "unit", _("单位报到")

    scope_path_field = "community__path"

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    community = models.ForeignKey(
        Area, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="member_reports"
    )
    year = models.PositiveIntegerField(_("年度"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED, db_index=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("双报到")
        verbose_name_plural = _("双报到")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community", "year"],
                condition=models.Q(status__in=["submitted", "confirmed"], member__isnull=False),
                name="people_report_member_live_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "community", "year"],
                condition=models.Q(status__in=["submitted", "confirmed"], unit__isnull=False),
                name="people_report_unit_live_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="member", member__isnull=False, unit__isnull=True)
                | models.Q(kind="unit", unit__isnull=False, member__isnull=True),
                name="people_report_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        who = self.member.name if self.member is not None else str(self.unit)
        return f"{who} → {self.community} {self.year}"


class ReportEvent(EventBase):
    """A step of a report: ``status`` the status it reached (``kind`` names the step)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=ReportStatus.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"


class Post(models.Model):
    """设岗定责 / 先锋岗: a post a community defines, with duties and a capacity."""

    scope_path_field = "community__path"

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=100)
    duties = models.TextField(_("岗位职责"), blank=True)
    capacity = models.PositiveIntegerField(_("人数上限"), default=1)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["community_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class PostClaim(models.Model):
    scope_path_field = "post__community__path"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="claims")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="post_claims")
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE, db_index=True
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=models.Q(status="active"),
                name="people_claim_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.post_id} ({self.status})"


class DutyLog(models.Model):
    scope_path_field = "claim__post__community__path"

    claim = models.ForeignKey(PostClaim, on_delete=models.PROTECT, related_name="duty_logs")
    on_date = models.DateField(_("日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    note = models.CharField(_("内容"), max_length=500)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on_date", "-id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.on_date} {self.hours}h"


class PostReview(models.Model):
    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("合格")
        POOR = "poor", _("不合格")

    claim = models.ForeignKey(PostClaim, on_delete=models.PROTECT, related_name="reviews")
    year = models.PositiveIntegerField(_("年度"))
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "year"], name="people_review_unique")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.year} {self.rating}"


class PointRule(models.Model):
    """量化积分 rule: an action is worth ``points``, at most ``cap`` per ``period``; a rule with an
    ``approver_role`` needs that role's approval before its entry is written."""

    class Period(models.TextChoices):
        MONTH = "month", _("每月")
        QUARTER = "quarter", _("每季度")
        YEAR = "year", _("每年")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("积分项目"), max_length=100)
    points = models.IntegerField(_("分值"))
    cap = models.IntegerField(_("周期上限"), null=True, blank=True)
    period = models.CharField(_("周期"), max_length=8, choices=Period.choices, default=Period.YEAR)
    approver_role = models.CharField(_("审批角色"), max_length=32, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PointEntry(models.Model):
    """The ledger. Rows are only ever inserted; a correction is a new row pointing at the one it
    corrects. A member's balance is the sum of its rows."""

    scope_path_field = "member__scope_path"

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="point_entries")
    rule = models.ForeignKey(PointRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("分值"))
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    reason = models.CharField(_("事由"), max_length=300)
    source = models.CharField(_("来源"), max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["member", "rule", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.points:+d} {self.reason}"


class PointRequest(models.Model):
    """A hand-made points claim waiting for the rule's approver."""

    scope_path_field = "member__scope_path"

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="point_requests")
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    reason = models.CharField(_("事由"), max_length=300)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=PointRequestStatus.choices,
        default=PointRequestStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    entry = models.ForeignKey(PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.rule_id} ({self.status})"


class FloatingRecord(models.Model):
    """流动党员: outflow (the member left for ``place``) or inflow (arrived from ``place``), with the
    person who keeps contact and when contact is next due."""

    class Direction(models.TextChoices):
        OUT = "out", _("流出")
        IN = "in", _("流入")

    scope_path_field = "member__scope_path"

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="floating_records")
    direction = models.CharField(_("方向"), max_length=4, choices=Direction.choices)
    place = models.CharField(_("流向/来源地"), max_length=200)
    other_org = models.CharField(_("对方党组织"), max_length=200, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("预计结束"), null=True, blank=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kept_floating",
    )
    contact_interval_days = models.PositiveIntegerField(_("联系周期（天）"), default=90)
    last_contact_on = models.DateField(_("最近联系"), null=True, blank=True)
    contact_due_on = models.DateField(_("应联系日期"), db_index=True)
    reminded_for = models.DateField(null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=FloatingStatus.choices, default=FloatingStatus.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流动党员")
        verbose_name_plural = _("流动党员")
        ordering = ["contact_due_on", "id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.direction} {self.place}"


class FloatingEvent(EventBase):
    class Kind(models.TextChoices):
        OPENED = "opened", _("登记")
        CONTACT = "contact", _("联系")
        REMINDER = "reminder", _("逾期提醒")
        ENDED = "ended", _("结束")

    record = models.ForeignKey(FloatingRecord, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"


class Meeting(models.Model):
    """三会一课: a branch meeting (party congress, committee, group meeting, party lecture)."""

    class Kind(models.TextChoices):
        CONGRESS = "congress", _("支部党员大会")
        COMMITTEE = "committee", _("支部委员会")
        GROUP = "group", _("党小组会")
        LECTURE = "lecture", _("党课")

    scope_path_field = "branch__area__path"

    branch = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("日期"), db_index=True)
    topic = models.CharField(_("主题"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("三会一课")
        verbose_name_plural = _("三会一课")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺席")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("出勤"), max_length=8, choices=Status.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="people_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id} {self.status}"


# Kept in its own module (this one is at its size limit); imported here so that Django finds it.
from quanyu.people.transfer_models import MemberTransfer  # noqa: E402, F401
