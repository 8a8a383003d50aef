"""The area rollup of ticket figures the cockpit and the ticket indicators read (kept by
``assessment.area_rollup`` through the same hook, catch-up and rebuild as the department rollup)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# ``AreaOpenStat.due_day`` of open tickets without a completion limit.
NO_DUE_DAY = dt.date(9999, 12, 31)


class AreaDayStat(models.Model):
    """Ticket figures of one located path (the ticket's ``area_path``: a grid, a building, or the
    area given at intake) and one local (Asia/Shanghai) day of receipt. Summing the rows whose path
    starts with an area's path gives the area's figures, so children add up to their parent."""

    path = models.CharField(_("区域路径"), max_length=255)
    day = models.DateField(_("日期"))
    counted = models.PositiveIntegerField(_("受理诉求"), default=0)
    in_time = models.PositiveIntegerField(_("按时办结"), default=0)
    rated = models.PositiveIntegerField(_("参评"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    not_cancelled = models.PositiveIntegerField(_("未撤销"), default=0)
    repeats = models.PositiveIntegerField(_("重复诉求"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("区域日统计")
        verbose_name_plural = _("区域日统计")
        ordering = ["day", "path"]
        constraints = [models.UniqueConstraint(fields=["path", "day"], name="assessment_area_day_unique")]
        indexes = [
            models.Index(
                fields=["path", "day"],
                name="assessment_area_day_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["day"], name="assessment_area_day_day"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.day}"


class AreaMonthStat(models.Model):
    """The ``AreaDayStat`` rows of one path and one local month summed (``month`` is its first
    day), recomputed from them whenever one of them is: what periods of whole months and the
    cockpit's trend read (twelve rows a path a year instead of 365)."""

    path = models.CharField(_("区域路径"), max_length=255)
    month = models.DateField(_("月份"))
    counted = models.PositiveIntegerField(_("受理诉求"), default=0)
    in_time = models.PositiveIntegerField(_("按时办结"), default=0)
    rated = models.PositiveIntegerField(_("参评"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    not_cancelled = models.PositiveIntegerField(_("未撤销"), default=0)
    repeats = models.PositiveIntegerField(_("重复诉求"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("区域月统计")
        verbose_name_plural = _("区域月统计")
        ordering = ["month", "path"]
        constraints = [models.UniqueConstraint(fields=["path", "month"], name="assessment_area_month_unique")]
        indexes = [
            models.Index(
                fields=["path", "month"],
                name="assessment_area_month_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["month"], name="assessment_area_month_month"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.month:%Y-%m}"


class AreaMonthCategoryStat(models.Model):
    """Counted tickets (not cancelled, merged or transferred) of one located path and one local
    month by category (``category``: the ``catalog.Category`` pk of the ticket's item's 大类 — the
    item itself when it has no parent —, 0 for none given; a plain number, not a foreign key, so
    the rollup's writes check nothing against the catalogue): the cockpit's breakdown by category.
    Recomputed with the path's month row (under its lock); the counts of a (path, month) add up
    to that row's ``counted``. By 大类 rather than by item: a district's month reads a fifth of
    the rows (an item moved to another 大类 counts under the new one from its month's next
    recomputation or rebuild)."""

    path = models.CharField(_("区域路径"), max_length=255)
    month = models.DateField(_("月份"))
    category = models.PositiveIntegerField(_("诉求大类"), default=0)
    counted = models.PositiveIntegerField(_("受理诉求"), default=0)

    class Meta:
        verbose_name = _("区域月分类统计")
        verbose_name_plural = _("区域月分类统计")
        ordering = ["month", "path", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "month", "category"], name="assessment_area_month_category_unique"
            )
        ]
        # A community's or a grid's period through the path; a district's month through the month.
        indexes = [
            models.Index(
                fields=["path", "month"],
                name="assessment_area_month_cat",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["month"], name="assessment_area_month_cat_m"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.month:%Y-%m} {self.category}: {self.counted}"


class AreaYearCategoryStat(models.Model):
    """The ``AreaMonthCategoryStat`` rows of one path and one year summed: a district's year view
    reads one row per (path, 大类) instead of twelve. Kept by deltas: a recomputation of month
    rows adds the difference between their new and old counts (``INSERT … ON CONFLICT DO
    UPDATE SET counted = counted + …``, commutative, so concurrent recomputations of different
    months of a path cannot lose each other's change); a period rebuild, under the rollup's
    exclusive lock, replaces the year's rows with the sum of its month rows. ``counted`` is a
    plain integer so that a delta applied before its path's row exists cannot fail a check."""

    path = models.CharField(_("区域路径"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.PositiveIntegerField(_("诉求大类"), default=0)
    counted = models.IntegerField(_("受理诉求"), default=0)

    class Meta:
        verbose_name = _("区域年分类统计")
        verbose_name_plural = _("区域年分类统计")
        ordering = ["year", "path", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "year", "category"], name="assessment_area_year_category_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "year"],
                name="assessment_area_year_cat",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
            models.Index(fields=["year"], name="assessment_area_year_cat_y"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.year} {self.category}: {self.counted}"


class AreaOpenStat(models.Model):
    """Open tickets now of one located path, by the local day of their completion limit
    (``NO_DUE_DAY`` without one): the cockpit's "open" and "overdue" figures."""

    path = models.CharField(_("区域路径"), max_length=255)
    due_day = models.DateField(_("办结期限日"))
    open = models.PositiveIntegerField(_("在办诉求"), default=0)

    class Meta:
        verbose_name = _("区域在办统计")
        verbose_name_plural = _("区域在办统计")
        ordering = ["path", "due_day"]
        constraints = [
            models.UniqueConstraint(fields=["path", "due_day"], name="assessment_area_open_unique")
        ]
        indexes = [
            models.Index(
                fields=["path"], name="assessment_area_open_path", opclasses=["varchar_pattern_ops"]
            ),
            # The most overdue first: walked in due order until enough rows of an area are seen.
            models.Index(fields=["due_day"], name="assessment_area_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.due_day}: {self.open}"


class AreaOpenTotal(models.Model):
    """All open tickets now of one located path (the ``AreaOpenStat`` rows of the path summed,
    written with them): "open" reads these, and "overdue" is this minus the rows not yet due, so
    neither reads the open tickets' past due days."""

    path = models.CharField(_("区域路径"), max_length=255, unique=True)
    open = models.PositiveIntegerField(_("在办诉求"), default=0)

    class Meta:
        verbose_name = _("区域在办合计")
        verbose_name_plural = _("区域在办合计")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="assessment_area_open_total", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.open}"
