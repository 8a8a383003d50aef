"""Reads of the catalogue. The catalogue is public (residents pick from it, Open311 publishes it),
so these take no actor; per-user data lives in other apps."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from quanyu.catalog.calendar import year_known
from quanyu.catalog.models import Category, Holiday
from quanyu.catalog.suggest import CategoryMatcher, Suggestion, category_suggest

__all__ = [
    "CategoryMatcher",
    "Suggestion",
    "category_get_by_code",
    "category_item_list",
    "category_suggest",
    "category_tree",
    "holiday_list",
    "open311_service_list",
    "year_known",
]


def category_item_list(*, active_only: bool = True, one_window: bool | None = None) -> QuerySet[Category]:
    """Items (小类) with their top-level category and departments loaded."""
    qs = Category.objects.filter(parent__isnull=False).select_related("parent", "lead_department")
    if active_only:
        qs = qs.filter(active=True, parent__active=True)
    if one_window is not None:
        qs = qs.filter(is_one_window=one_window)
    return qs.prefetch_related("departments").order_by(
        "parent__sort_order", "parent__code", "sort_order", "code"
    )


def category_tree(*, active_only: bool = True) -> list[Category]:
    """Top-level categories, each with ``children`` prefetched (items, ordered)."""
    children = Category.objects.select_related("lead_department").order_by("sort_order", "code")
    tops = Category.objects.filter(parent__isnull=True)
    if active_only:
        children = children.filter(active=True)
        tops = tops.filter(active=True)
    return list(tops.order_by("sort_order", "code").prefetch_related(Prefetch("children", queryset=children)))


def category_get_by_code(code: str) -> Category | None:
    return Category.objects.select_related("parent", "lead_department").filter(code=code).first()


def open311_service_list() -> QuerySet[Category]:
    """Items published as Open311 services (GET /services)."""
    return category_item_list().filter(open311_published=True).exclude(service_code="")


def holiday_list(*, year: int | None = None) -> QuerySet[Holiday]:
    qs = Holiday.objects.all()
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.order_by("date")
