"""Joint meetings (联席会议, 大工委, 大党委, 社区党建联合会): bodies with members, sessions with
agenda items, and the tasks their resolutions become."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.cogov.models.contracts import ContractProject
from quanyu.cogov.states import SessionStatus, TaskStatus
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import PartTimeMember, Unit
from quanyu.tickets.models import Ticket
from quanyu.venues.models import Booking, Room


class BodyKind(models.TextChoices):
    JOINT_MEETING = "joint_meeting", _("联席会议")
    GRAND_WORKING_COMMITTEE = "grand_working_committee", _("大工委")
    GRAND_COMMITTEE = "grand_committee", _("大党委")
    FEDERATION = "federation", _("社区党建联合会")
    SPECIAL_COMMITTEE = "special_committee", _("专门委员会")


class Body(models.Model):
    scope_path_field = "area__path"

    area = models.ForeignKey(Area, verbose_name=_("街道/社区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=32, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级议事机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="committees",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议事机构")
        verbose_name_plural = _("议事机构")
        ordering = ["area_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A seat: a part-time committee member (兼职委员) of the orgs registry, or a department or
    unit representative named here."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    part_time_member = models.ForeignKey(
        PartTimeMember,
        verbose_name=_("兼职委员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["body_id", "id"]

    def __str__(self) -> str:
        return self.name


class SessionKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度例会")
    CALLED = "called", _("临时召集")


class Session(models.Model):
    scope_path_field = "body__area__path"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("会议名称"), max_length=150)
    kind = models.CharField(
        _("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.QUARTERLY
    )
    held_on = models.DateField(_("会议日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED, db_index=True
    )
    attendance = models.JSONField(_("出席成员"), default=list, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    room = models.ForeignKey(
        Room, verbose_name=_("会议室"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("场地预约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cogov_session",
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class AgendaSource(models.TextChoices):
    TICKET = "ticket", _("未解决诉求")
    NEED = "need", _("社区需求")
    CONTRACT_PROJECT = "contract_project", _("共建项目")
    DELIBERATION = "deliberation", _("民主协商")
    OTHER = "other", _("其他")


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(_("议题"), max_length=200)
    source = models.CharField(
        _("来源"), max_length=24, choices=AgendaSource.choices, default=AgendaSource.OTHER
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("诉求"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contract_project = models.ForeignKey(
        ContractProject,
        verbose_name=_("共建项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["session_id", "id"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    """A resolution (决议) of a session, tracked as a task with an owning unit or department, a
    deadline and progress reports, reviewed at a later session."""

    scope_path_field = "area__path"

    area = models.ForeignKey(Area, verbose_name=_("街道/社区"), on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        Session, verbose_name=_("决议会议"), on_delete=models.CASCADE, related_name="tasks"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    resolution = models.CharField(_("决议事项"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("办结期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    is_overdue = models.BooleanField(_("已逾期"), default=False, db_index=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reviewed_at_session = models.ForeignKey(
        Session,
        verbose_name=_("审议会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("决议任务")
        verbose_name_plural = _("决议任务")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.resolution


class SessionEventKind(models.TextChoices):
    PLANNED = "planned", _("安排会议")
    AGENDA_ADDED = "agenda_added", _("添加议题")
    HELD = "held", _("召开")
    CLOSED = "closed", _("归档")
    CANCELLED = "cancelled", _("取消")
    ROOM_BOOKED = "room_booked", _("预约会议室")


class SessionEvent(EventBase):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=SessionEventKind.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["session", "at", "id"], name="cogov_session_timeline")]


class TaskEventKind(models.TextChoices):
    RESOLVED = "resolved", _("形成决议")
    PROGRESS = "progress", _("进展报告")
    DONE = "done", _("办结")
    CLOSED = "closed", _("审议销号")
    REOPENED = "reopened", _("审议退回")
    OVERDUE = "overdue", _("逾期")
    CANCELLED = "cancelled", _("撤销")


class TaskEvent(EventBase):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=TaskEventKind.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at", "id"], name="cogov_task_timeline")]
