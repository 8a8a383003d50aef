"""Volunteering: teams, volunteers, service projects, their activities, sign-ups with hours, the
proof of volunteer service (志愿服务记录证明) and requests to correct a record.

Scoping: each row carries the materialised path of its community (``scope_path``), copied from
the team's community, so ``core.scoping.scope`` filters with one indexed ``startswith``. A
volunteer's name and ID number and phone are personal data: encrypted (``core.pii``), with
keyed-hash siblings for exact lookup, masked in lists. The place of an activity is an address and
a point, or a venue room (``room``) booked through venues (``booking``), whose venue then gives
the address and point.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.core.pii import EncryptedCharField, pii_hash
from quanyu.core.workflow.events import EventBase
from quanyu.people.models import PartyMember
from quanyu.venues.models import Booking, Room
from quanyu.volunteering.states import (
    LIVE_STATUSES,
    CorrectionStatus,
    HoursStatus,
    SignupStatus,
)


class TeamKind(models.TextChoices):
    MEMBER = "member", _("党员志愿服务队")
    UNIT = "unit", _("单位志愿服务队")
    SOCIAL = "social", _("社会组织")
    RESIDENT = "resident", _("居民志愿服务队")


class Team(models.Model):
    scope_path_field = "scope_path"

    name = models.CharField(_("队伍名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=TeamKind.choices)
    community = models.ForeignKey(
        Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    organisation = models.CharField(_("组织单位"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_volunteer_teams",
    )
    responsible_person = models.CharField(_("负责人"), max_length=50, blank=True)
    # Usually a leader's own mobile: personal data like a volunteer's phone (encrypted, masked in
    # lists and exports, revealed with a reason and audited); its keyed hash finds it when the
    # person is anonymised. Shown in full to the public (the certificates) only when the
    # organiser publishes it.
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    publish_contact = models.BooleanField(
        _("公开联系电话"),
        default=False,
        help_text=_("勾选后，志愿服务记录证明上印出完整的联系电话；否则打码"),
    )
    skills = models.CharField(_("服务特长"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.contact_phone_hash = contact_phone_hash(self.contact_phone)
        fields = kwargs.get("update_fields")
        if fields is not None and "contact_phone" in fields:
            kwargs["update_fields"] = {*fields, "contact_phone_hash"}
        super().save(*args, **kwargs)


def contact_phone_hash(phone: str) -> str:
    """The keyed hash of a contact phone's digits (``0535-6000000`` and ``139 1234 5678`` as a
    person's phone is hashed), so a person's own number is found however it was typed."""
    return pii_hash("phone", re.sub(r"\D", "", phone or ""))


class Volunteer(models.Model):
    scope_path_field = "scope_path"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.CharField(_("志愿者编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"), blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("手机号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    community = models.ForeignKey(
        Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    skills = models.CharField(_("服务特长"), max_length=200, blank=True)
    no_shows = models.PositiveIntegerField(_("缺席次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number


class TeamMember(models.Model):
    scope_path_field = "team__scope_path"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("加入日期"))

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteering_member_once")]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.volunteer_id}"


class ProjectKind(models.TextChoices):
    AFTER_SCHOOL = "after_school", _("四点半课堂")
    HEALTH = "health", _("送健康进社区")
    POLICY = "policy", _("送政策进社区")
    MEALS = "meals", _("老年助餐")
    OTHER = "other", _("其他")


class Project(models.Model):
    scope_path_field = "scope_path"

    team = models.ForeignKey(
        Team, verbose_name=_("志愿服务队"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.OTHER)
    description = models.TextField(_("简介"), blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One occurrence of a project. ``taken`` counts confirmed-or-later places and ``arrivals``
    numbers sign-ups in arrival order; both change only under the activity's row lock."""

    scope_path_field = "scope_path"

    project = models.ForeignKey(
        Project, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    address = models.CharField(_("地点"), max_length=200)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    room = models.ForeignKey(
        Room,
        verbose_name=_("功能室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("场地预约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_activity",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    capacity = models.PositiveIntegerField(_("名额"))
    skills = models.CharField(_("所需技能"), max_length=200, blank=True)
    signup_opens = models.DateTimeField(_("报名开始"))
    signup_closes = models.DateTimeField(_("报名截止"))
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    taken = models.PositiveIntegerField(default=0, editable=False)
    arrivals = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def length_minutes(self) -> int:
        return max(0, int((self.ends_at - self.starts_at).total_seconds() // 60))


class Signup(models.Model):
    scope_path_field = "scope_path"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("状态"), max_length=12, choices=SignupStatus.choices)
    position = models.PositiveIntegerField(_("报名顺序"))
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    late = models.BooleanField(_("迟到"), default=False)
    auto_closed = models.BooleanField(_("自动签退"), default=False)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    hours_status = models.CharField(
        _("时长认定"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.NONE, blank=True
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["activity_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=models.Q(status__in=sorted(LIVE_STATUSES)),
                name="volunteering_signup_live_once",
            )
        ]
        indexes = [models.Index(fields=["activity", "status", "position"], name="volunteering_signup_queue")]

    def __str__(self) -> str:
        return f"{self.activity_id}#{self.position}"

    @property
    def hours(self) -> float:
        return round((self.minutes or 0) / 60, 2)


class SignupEventKind(models.TextChoices):
    SIGNED_UP = "signed_up", _("报名")
    APPROVED = "approved", _("审核通过")
    DECLINED = "declined", _("审核未通过")
    PROMOTED = "promoted", _("候补转正")
    CANCELLED = "cancelled", _("取消报名")
    CHECKED_IN = "checked_in", _("签到")
    CHECKED_OUT = "checked_out", _("签退")
    AUTO_CLOSED = "auto_closed", _("自动签退")
    NO_SHOW = "no_show", _("缺席")
    HOURS_APPROVED = "hours_approved", _("时长认定")
    HOURS_DECLINED = "hours_declined", _("时长不予认定")
    CORRECTION_REQUESTED = "correction_requested", _("申请更正")
    CORRECTION_APPROVED = "correction_approved", _("更正通过")
    CORRECTION_REJECTED = "correction_rejected", _("更正驳回")


class SignupEvent(EventBase):
    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=SignupEventKind.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["signup", "at", "id"], name="vol_signup_event_timeline")]


class VolunteerEvent(EventBase):
    """A volunteer's own history: registered, joined a team, a proof issued."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["volunteer", "at", "id"], name="vol_volunteer_event_timeline")]


class Certificate(models.Model):
    """A proof of volunteer service as printed: every field the PDF shows is kept here, so the
    public check shows what was printed and nothing else."""

    scope_path_field = "scope_path"

    number = models.CharField(_("证明编号"), max_length=32, unique=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="certificates")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    volunteer_name = models.CharField(_("姓名"), max_length=50)
    id_masked = models.CharField(_("证件号码"), max_length=32, blank=True)
    volunteer_number = models.CharField(_("志愿者编号"), max_length=32)
    issuer = models.CharField(_("出具单位"), max_length=100)
    responsible_person = models.CharField(_("负责人"), max_length=50, blank=True)
    # As printed: the team's number in full if the team publishes it, else masked; encrypted.
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    total_minutes = models.PositiveIntegerField(_("服务时长（分钟）"))
    services = models.JSONField(_("服务记录"), default=list)
    issued_on = models.DateField(_("出具日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 2)


class CorrectionRequest(models.Model):
    """A volunteer's request to correct the hours of one record. Both versions are kept: the
    minutes recorded when asked (``old_minutes``) and the minutes asked for."""

    scope_path_field = "scope_path"

    signup = models.ForeignKey(Signup, on_delete=models.PROTECT, related_name="corrections")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    old_minutes = models.PositiveIntegerField(_("原时长（分钟）"))
    new_minutes = models.PositiveIntegerField(_("申请时长（分钟）"))
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("记录更正申请")
        verbose_name_plural = _("记录更正申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.signup_id}: {self.old_minutes}→{self.new_minutes}"
