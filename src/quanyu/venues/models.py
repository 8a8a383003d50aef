"""The venue register (阵地), its rooms, the standards profiles, bookings and monthly activity plans.

Queries the indexes serve: a venue list by area subtree and kind (``venue_area_kind``); a room's
holding bookings by time (``booking_room_time``, the overlap check and the calendar); a booker's
own bookings (``booking_booker``); the sweep's approved bookings by start (``booking_sweep``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.venues.states import BOOKING_INITIAL, VENUE_INITIAL, BookingStatus, ProjectStep, VenueStatus


class VenueKind(models.TextChoices):
    DISTRICT_CENTRE = "district_centre", _("区党群服务中心")
    STREET_CENTRE = "street_centre", _("街道党群服务中心")
    COMMUNITY_CENTRE = "community_centre", _("社区党群服务中心")
    STATION = "station", _("党群服务驿站")
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", _("邻里中心")
    LEARNING_PLACE = "learning_place", _("学习场所")
    BOOK_HOUSE = "book_house", _("党建书屋")
    ORG_LIFE_BASE = "org_life_base", _("开放式组织生活基地")
    UNIT_VENUE = "unit_venue", _("驻区单位共享场所")


CENTRE_KINDS = frozenset({VenueKind.DISTRICT_CENTRE, VenueKind.STREET_CENTRE, VenueKind.COMMUNITY_CENTRE})


class RoomFunction(models.TextChoices):
    """Room functions: the 一区五中心 of the Lianyungang seed first, then common others."""

    PARTY_ACTIVITY = "party_activity", _("党员活动中心")
    DELIBERATION = "deliberation", _("协商议事中心")
    PUBLIC_SAFETY = "public_safety", _("公共安全服务中心")
    CULTURE_SPORTS = "culture_sports", _("文体活动中心")
    CITIZEN_SERVICE = "citizen_service", _("为民(便民)服务中心")
    EXHIBITION = "exhibition", _("基本情况展示区")
    MEETING = "meeting", _("会议室")
    READING = "reading", _("阅览室")
    OTHER = "other", _("其他")


class Venue(models.Model):
    scope_path_field = "area__path"

    kind = models.CharField(_("类型"), max_length=32, choices=VenueKind.choices)
    name = models.CharField(_("名称"), max_length=150)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="venues"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venues",
        help_text=_("驻区单位开放共享的场所填写"),
    )
    building = models.ForeignKey(
        Area, verbose_name=_("所在楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    floor_area = models.DecimalField(_("建筑面积(㎡)"), max_digits=9, decimal_places=1, default=0)
    ground_floor_area = models.DecimalField(_("一层面积(㎡)"), max_digits=9, decimal_places=1, default=0)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    accessible = models.BooleanField(_("无障碍"), default=False)
    accessibility_note = models.CharField(_("无障碍说明"), max_length=200, blank=True)
    photos = models.JSONField(_("照片"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=VenueStatus.choices, default=VENUE_INITIAL)
    # The month whose missing activity plan its keepers were last reminded of (once a month).
    plan_reminded_for = models.DateField(_("计划提醒月份"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地")
        verbose_name_plural = _("阵地")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["area", "kind"], name="venue_area_kind")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    scope_path_field = "venue__area__path"

    venue = models.ForeignKey(Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=100)
    function = models.CharField(_("功能"), max_length=32, choices=RoomFunction.choices)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    bookable = models.BooleanField(_("可预约"), default=True)
    auto_approve = models.BooleanField(_("自动批准"), default=False)

    class Meta:
        verbose_name = _("功能室")
        verbose_name_plural = _("功能室")
        ordering = ["venue", "name", "id"]

    def __str__(self) -> str:
        return f"{self.venue.name} · {self.name}"


class VenueEvent(EventBase):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["venue", "at", "id"], name="venue_event_timeline")]


class StandardProfile(models.Model):
    """A configurable standard (达标标准). ``min_area`` maps a venue kind to its minimum floor area;
    ``ground_floor_kinds`` must have ``ground_floor_share`` of it on the ground floor;
    ``function_kinds`` must have a room of every ``required_functions``; centres of the kinds in
    ``household_kinds`` need ``area_per_100_households`` m² per 100 households of their area (the
    完整社区 rule). ``yearly_targets`` is the multi-year plan: ``{"2025": 0.6, …}``."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    source = models.TextField(_("出处"), blank=True)
    min_area = models.JSONField(_("最小面积"), default=dict, blank=True)
    ground_floor_share = models.DecimalField(_("一层面积占比"), max_digits=4, decimal_places=3, default=0)
    ground_floor_kinds = models.JSONField(_("一层占比适用类型"), default=list, blank=True)
    required_functions = models.JSONField(_("必备功能"), default=list, blank=True)
    function_kinds = models.JSONField(_("必备功能适用类型"), default=list, blank=True)
    area_per_100_households = models.DecimalField(
        _("每百户面积(㎡)"), max_digits=6, decimal_places=1, default=0
    )
    household_kinds = models.JSONField(_("每百户面积适用类型"), default=list, blank=True)
    yearly_targets = models.JSONField(_("年度达标目标"), default=dict, blank=True)
    is_default = models.BooleanField(_("默认"), default=False)

    class Meta:
        verbose_name = _("达标标准")
        verbose_name_plural = _("达标标准")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Booking(models.Model):
    scope_path_field = "venue__area__path"

    class BookerKind(models.TextChoices):
        RESIDENT = "resident", _("居民")
        TEAM = "team", _("团队")
        UNIT = "unit", _("单位")
        BRANCH = "branch", _("党支部")

    room = models.ForeignKey(
        Room, verbose_name=_("功能室"), on_delete=models.PROTECT, related_name="bookings"
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), on_delete=models.PROTECT, related_name="bookings"
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="+"
    )
    booker_kind = models.CharField(_("预约方类型"), max_length=16, choices=BookerKind.choices)
    org = models.ForeignKey(
        PartyOrg, verbose_name=_("党组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.CharField(_("团队"), max_length=100, blank=True)
    purpose = models.CharField(_("用途"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    expected = models.PositiveIntegerField(_("预计人数"), default=0)
    attendance = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    series = models.CharField(_("系列"), max_length=32, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BookingStatus.choices, default=BOOKING_INITIAL
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="booking_room_time"),
            models.Index(fields=["booker", "starts_at"], name="booking_booker"),
            models.Index(
                fields=["starts_at"],
                name="booking_sweep",
                condition=models.Q(status=BookingStatus.APPROVED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingEvent(EventBase):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["booking", "at", "id"], name="booking_event_timeline")]


class ActivityPlan(models.Model):
    """A venue's activity plan for one month (每月活动计划), posted at the start of the month."""

    scope_path_field = "venue__area__path"

    venue = models.ForeignKey(Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="plans")
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    posted_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("月度活动计划")
        verbose_name_plural = _("月度活动计划")
        ordering = ["-month", "venue"]
        constraints = [models.UniqueConstraint(fields=["venue", "month"], name="plan_one_per_month")]

    def __str__(self) -> str:
        return f"{self.venue.name} {self.month:%Y-%m}"


class PlanItem(models.Model):
    plan = models.ForeignKey(ActivityPlan, on_delete=models.CASCADE, related_name="items")
    day = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    title = models.CharField(_("活动"), max_length=200)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organiser = models.CharField(_("组织方"), max_length=100, blank=True)
    attendance = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["day", "start", "id"]

    def __str__(self) -> str:
        return f"{self.day} {self.title}"


class WalkNetwork(models.Model):
    """An imported street network for walking distances: ``lines`` is a list of LineStrings'
    coordinates (WGS-84 lon/lat). The newest is used; none → straight line × detour factor."""

    name = models.CharField(_("名称"), max_length=100)
    lines = models.JSONField(_("路网"), default=list)
    edges = models.PositiveIntegerField(_("路段数"), default=0)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("步行路网")
        verbose_name_plural = _("步行路网")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.name


class VenueProject(models.Model):
    """A venue being built and handed over (Lianyungang's process chart): the site written into
    the regulatory plan → area, location and ownership into the land transfer contract → checked
    against the design before pre-sale → quality supervision → joint acceptance → ownership
    registered to the district government → handed over to the community free of charge. Each
    step has an owning department (``owners``: step → unit id), a deadline (``step_due``) and
    documents; a late step gets one supervision order. The handed-over venue enters the register."""

    scope_path_field = "area__path"

    name = models.CharField(_("名称"), max_length=150)
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("类型"), max_length=32, choices=VenueKind.choices, default=VenueKind.COMMUNITY_CENTRE
    )
    planned_floor_area = models.DecimalField(_("规划建筑面积(㎡)"), max_digits=9, decimal_places=1, default=0)
    planned_ground_floor_area = models.DecimalField(
        _("规划一层面积(㎡)"), max_digits=9, decimal_places=1, default=0
    )
    step = models.CharField(
        _("环节"), max_length=16, choices=ProjectStep.choices, default=ProjectStep.PLANNING
    )
    step_due = models.DateField(_("本环节期限"), null=True, blank=True)
    supervised_step = models.CharField(_("已督办环节"), max_length=16, blank=True)
    owners = models.JSONField(_("责任部门"), default=dict, blank=True)
    documents = models.JSONField(_("材料"), default=list, blank=True)
    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地建设项目")
        verbose_name_plural = _("阵地建设项目")
        ordering = ["-created_at", "-id"]
        # the supervision sweep: open projects by deadline
        indexes = [
            models.Index(
                fields=["step_due"], name="project_due", condition=~models.Q(step__in=["done", "cancelled"])
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProjectEvent(EventBase):
    project = models.ForeignKey(VenueProject, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at", "id"], name="project_event_timeline")]


class Blackout(models.Model):
    """A period a venue (or one room) takes no bookings: repairs, elections, holidays."""

    scope_path_field = "venue__area__path"

    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="blackouts"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("功能室"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("停止预约时段")
        verbose_name_plural = _("停止预约时段")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["venue", "starts_at"], name="blackout_venue_time")]

    def __str__(self) -> str:
        return f"{self.venue.name} {self.reason}"


class WaitStatus(models.TextChoices):
    WAITING = "waiting", _("候补中")
    PROMOTED = "promoted", _("已转为预约")
    WITHDRAWN = "withdrawn", _("已撤回")


class WaitEntry(models.Model):
    """A place on the waiting list of a taken slot: when the slot is released (cancelled,
    declined, no-show) the first waiting entry that now fits becomes a booking request."""

    scope_path_field = "room__venue__area__path"

    room = models.ForeignKey(Room, verbose_name=_("功能室"), on_delete=models.CASCADE, related_name="waits")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=WaitStatus.choices, default=WaitStatus.WAITING
    )
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候补")
        verbose_name_plural = _("候补")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["room", "starts_at"], name="wait_room_time", condition=models.Q(status="waiting")
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"


class VenuePhoto(models.Model):
    """A photo of a venue, uploaded by its staff: checked, re-encoded as JPEG without metadata
    (``venues.photos``), shown on the venue's page and, for a venue in use, on its public page."""

    scope_path_field = "venue__area__path"

    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), on_delete=models.CASCADE, related_name="photo_files"
    )
    image = models.ImageField(
        _("照片"), upload_to="venues/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
        ordering = ["venue", "created_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""
