"""Tickets (工单), whistles (呼叫), the event history and photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.catalog.models import Category, Tier
from quanyu.core.pii import EncryptedCharField, mask_name, mask_phone
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit
from quanyu.tickets.states import TicketStatus, WhistleStatus

User = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    WEB = "web", _("居民网页")
    PATROL = "patrol", _("网格巡查")
    WINDOW = "window", _("一窗受理")
    HOTLINE = "hotline", _("12345热线")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")


class EmergencyTarget(models.TextChoices):
    POLICE = "110", _("110 报警")
    FIRE = "119", _("119 消防")
    AMBULANCE = "120", _("120 急救")
    OTHER = "other", _("其他热线")


class RatingLevel(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


SATISFIED_LEVELS = frozenset({RatingLevel.SATISFIED, RatingLevel.BASICALLY})


class Ticket(models.Model):
    """A request (诉求/工单) from any channel, located to its grid.

    ``area_path`` is the materialised path of the most specific area the ticket was located to
    (its grid, else the area given at intake); scoping runs on it. ``building``/``building_path``
    name the building it was reported in, when the reporter picked one (a building head's reports
    carry their building): building heads' scoping runs on ``building_path``. ``tier``/
    ``handling_area`` say who handles it now; ``response_due``/``completion_due`` are the ticket's
    own limits (accept by / resolve by) while handled locally; each whistle carries the
    department's limits. ``materials_notice_at`` is set while a one-window application waits for
    the materials named in a one-time notice (一次性告知): its limits are suspended until they are
    complete.
    """

    scope_path_field = "area_path"

    text = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    grid = models.ForeignKey(
        Area,
        db_index=False,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # community and street are copies of the grid's ancestors (or of the area given at intake), like
    # area_path: no database constraint of their own (each checked row cost the bulk import a
    # tenth of its database time). ORM deletes still meet PROTECT; see docs/ARCHITECTURE.md.
    community = models.ForeignKey(
        Area,
        db_index=False,
        db_constraint=False,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        Area,
        db_index=False,
        db_constraint=False,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_path = models.CharField(_("区域路径"), max_length=255, editable=False)  # indexed in Meta
    building = models.ForeignKey(
        Area,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index below: most tickets name no building
    )
    building_path = models.CharField(_("楼栋路径"), max_length=255, blank=True, default="", editable=False)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    requester = models.ForeignKey(
        User,
        db_index=False,
        verbose_name=_("诉求人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = EncryptedCharField(_("联系人"), blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    contact_email = EncryptedCharField(_("联系邮箱"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # (category, created_at) below leads with it
    )
    suggested_category = models.ForeignKey(
        Category,
        verbose_name=_("建议事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    suggestion_score = models.FloatField(_("建议置信度"), null=True, blank=True)
    # The routing model that made the suggestion (its version; null for the keyword rules), and
    # the department it expects to resolve the ticket: a hint on the street's dispatch console.
    suggestion_model = models.PositiveIntegerField(_("建议模型版本"), null=True, blank=True)
    suggested_department = models.ForeignKey(
        Unit,
        verbose_name=_("建议承办部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    materials = models.JSONField(_("已收材料"), default=list, blank=True)
    materials_notice_at = models.DateTimeField(
        _("一次性告知时间"),
        null=True,
        blank=True,
        help_text=_("材料不全已一次性告知、等待补正期间有值，期间暂停计时"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    tier = models.CharField(_("当前层级"), max_length=16, choices=Tier.choices, default=Tier.GRID)
    handling_area = models.ForeignKey(
        Area, verbose_name=_("当前承办区域"), on_delete=models.PROTECT, related_name="handled_tickets"
    )
    assignee = models.ForeignKey(
        User,
        db_index=False,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_due = models.DateTimeField(_("响应期限"), null=True, blank=True)
    completion_due = models.DateTimeField(_("办结期限"), null=True, blank=True)
    deadline_estimated = models.BooleanField(
        _("期限按周末估算"), default=False, help_text=_("期限所在年度的节假日尚未录入")
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=128, null=True, blank=True)
    rating_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    rating_token_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    rating_level = models.CharField(_("有效评价"), max_length=16, choices=RatingLevel.choices, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    emergency_target = models.CharField(
        _("应急转出去向"), max_length=8, choices=EmergencyTarget.choices, blank=True
    )
    emergency_note = models.CharField(_("转出说明"), max_length=500, blank=True)
    transferred_at = models.DateTimeField(_("转出时间"), null=True, blank=True)
    excluded_from_stats = models.BooleanField(
        _("不计入部门考核"), default=False, help_text=_("应急转出或合并的工单不计入部门统计")
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-created_at", "-id"]
        # Every index is paid for by every intake and every import row (a bulk import spent most
        # of its database time maintaining 32 of them), so each one here serves a query: scoping
        # (area/building path prefixes), the inboxes (handling area), the overdue and due-soon
        # boards (status with a limit), the catalogue drill-down and the lists (newest first),
        # "mine" (requester, registrar, assignee), duplicates, and the two unique keys. Columns
        # looked up only by primary key, or only in rare deletes (grid/community/street/suggested
        # category, suggested department), have none; nullable ones are indexed only where set.
        indexes = [
            models.Index(fields=["area_path"], name="ticket_area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "completion_due"], name="ticket_status_completion_due"),
            models.Index(fields=["status", "response_due"], name="ticket_status_response_due"),
            models.Index(fields=["category", "created_at"], name="ticket_category_created"),
            models.Index(
                fields=["requester"], name="ticket_requester", condition=models.Q(requester__isnull=False)
            ),
            models.Index(
                fields=["assignee"], name="ticket_assignee", condition=models.Q(assignee__isnull=False)
            ),
            models.Index(
                fields=["merged_into"],
                name="ticket_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
            # Building heads' scope is "building_path starts with my building's path": a pattern
            # index (PostgreSQL; the operator class is ignored elsewhere) over the rows that name a
            # building. The scoping condition repeats ``building_path <> ''`` so the planner may use it.
            models.Index(
                fields=["building_path"],
                name="ticket_building_path",
                condition=~models.Q(building_path=""),
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["building"], name="ticket_building", condition=models.Q(building__isnull=False)
            ),
            # tickets.erasure: anonymising a person clears the contact of the tickets that gave
            # their phone (without this, a scan of the whole table inside that transaction, 0.5 s
            # per million cached rows), and the daily retention run reads the tickets that still
            # hold a contact. Partial on exactly that (the erasure's own filter), so it holds only
            # open tickets and those closed within QUANYU_TICKET_CONTACT_DAYS.
            models.Index(
                fields=["contact_phone_hash"],
                name="ticket_contact",
                condition=~models.Q(
                    contact_name="", contact_phone="", contact_phone_hash="", contact_email=""
                ),
            ),
        ]
        constraints = [
            # A 12345 work order is imported once, even by two imports of the same file at once.
            # (Open311 tickets keep "open311:<client id>" in external_ref: not unique, other channel.)
            # On the number alone (the condition names the channel): with the channel as a leading
            # column the planner dropped it as implied and scanned the whole index per number.
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=models.Q(channel="hotline") & ~models.Q(external_ref=""),
                name="ticket_hotline_ref_unique",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="ticket_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:30]}"

    @property
    def contact_name_masked(self) -> str:
        return mask_name(self.contact_name)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def missing_materials(self) -> list[str]:
        """The required materials of a one-window item not (yet) received, in the catalogue's
        order; empty for other tickets."""
        category = self.category
        if category is None or not category.is_one_window:
            return []
        received = set(self.materials or [])
        return [m for m in category.materials or [] if m not in received]

    @property
    def contact_email_masked(self) -> str:
        """``z***@example.com``: the first character of the mailbox and the domain."""
        local, sep, domain = (self.contact_email or "").partition("@")
        if not local:
            return ""
        return f"{local[0]}***{sep}{domain}"


class Whistle(models.Model):
    """A street's call (呼叫/吹哨) to one department about one ticket. One ``lead`` department
    (主办) per round, others assist (协办). Deadlines are fixed when the whistle is blown."""

    scope_path_field = "ticket__area_path"

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="whistles"
    )
    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), on_delete=models.PROTECT, related_name="whistles"
    )
    lead = models.BooleanField(_("主办"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=WhistleStatus.choices, default=WhistleStatus.PENDING, db_index=True
    )
    note = models.CharField(_("呼叫说明"), max_length=500, blank=True)
    whistled_by = models.ForeignKey(
        User, verbose_name=_("呼叫人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    whistled_at = models.DateTimeField(_("呼叫时间"), db_index=True)
    response_due = models.DateTimeField(_("响应期限"), db_index=True)
    completion_due = models.DateTimeField(_("办结期限"), db_index=True)
    deadline_estimated = models.BooleanField(_("期限按周末估算"), default=False)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    responded_by = models.ForeignKey(
        User, verbose_name=_("响应人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, verbose_name=_("办结人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.TextField(_("办理说明"), blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    excluded_from_stats = models.BooleanField(_("不计入部门考核"), default=False)

    class Meta:
        verbose_name = _("部门呼叫")
        verbose_name_plural = _("部门呼叫")
        ordering = ["whistled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "department"],
                condition=models.Q(status__in=["pending", "responded"]),
                name="whistle_one_open_per_department",
            )
        ]
        indexes = [
            models.Index(fields=["department", "whistled_at"], name="whistle_department_time"),
            models.Index(fields=["status", "response_due"], name="whistle_status_response_due"),
            models.Index(fields=["status", "completion_due"], name="whistle_status_completion_due"),
        ]

    def __str__(self) -> str:
        return f"{self.department} ← #{self.ticket_id}"


class EventKind(models.TextChoices):
    CREATED = "created", _("提交诉求")
    CATEGORISED = "categorised", _("确认分类")
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("分派")
    ESCALATED = "escalated", _("上报")
    REASSIGNED = "reassigned", _("街道交办")
    WHISTLED = "whistled", _("吹哨呼叫部门")
    WHISTLE_RESPONDED = "whistle_responded", _("部门响应")
    WHISTLE_RESOLVED = "whistle_resolved", _("部门办结")
    WHISTLE_RETURNED = "whistle_returned", _("部门退回")
    RESOLVED = "resolved", _("办结")
    MERGED = "merged", _("合并重复诉求")
    DUPLICATE_ADDED = "duplicate_added", _("并入重复诉求")
    CANCELLED = "cancelled", _("撤销")
    TRANSFERRED = "transferred", _("应急转出")
    RATED = "rated", _("评价")
    CALLBACK = "callback", _("电话回访")
    APPEALED = "appealed", _("部门申诉")
    APPEAL_DECIDED = "appeal_decided", _("申诉裁定")
    SUPERVISED = "supervised", _("督办")
    REMINDED = "reminded", _("到期提醒")
    REOPENED = "reopened", _("重新办理")
    REHANDLED = "rehandled", _("重办销号")
    CLOSED = "closed", _("关闭")
    WINDOW_NOTICE = "window_notice", _("一次性告知")
    MATERIALS_RECEIVED = "materials_received", _("补正材料")


class TicketEvent(EventBase):
    """One step of a ticket's history (``EventBase``, its fields redeclared to keep their columns)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices)
    # Not indexed: no page or query looks events up by actor; only deleting a user would (setting
    # its events' actor to NULL: a scan, for an act that is rare), while every event paid for it.
    actor = models.ForeignKey(
        User,
        db_index=False,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    whistle = models.ForeignKey(
        Whistle,
        db_index=False,
        verbose_name=_("呼叫"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        # The timeline (which also serves "events of a ticket"), the rollup's rescan by time, and
        # the whistle's events where there is one; kind is never looked up on its own.
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="ticket_event_timeline"),
            models.Index(
                fields=["whistle"], name="ticket_event_whistle", condition=models.Q(whistle__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} {self.from_status}→{self.to_status}"


class TicketPhoto(models.Model):
    """A photo of the problem (at intake) or of the result (at resolution), re-encoded as JPEG
    without EXIF."""

    class Kind(models.TextChoices):
        REPORT = "report", _("诉求照片")
        RESULT = "result", _("办结照片")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="photos"
    )
    whistle = models.ForeignKey(
        Whistle,
        verbose_name=_("呼叫"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    image = models.ImageField(
        _("照片"), upload_to="tickets/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(_("字节数"), default=0)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name or ""
