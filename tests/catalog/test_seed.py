"""The demo catalogue (issue 13 point 12): Zhifu's 40 one-window items, each with its departments
and deadlines, written through the catalogue's own seed (idempotent by code)."""

from __future__ import annotations

import pytest

from quanyu.catalog.models import Category
from quanyu.catalog.seed import CATALOGUE, catalog_seed_demo
from quanyu.catalog.suggest import category_suggest
from quanyu.demo.names import DEPARTMENTS
from quanyu.orgs.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(city):
    have = set(Unit.objects.values_list("name", flat=True))
    Unit.objects.bulk_create(
        Unit(kind=UnitKind.DEPARTMENT, name=d.name, area=city.district)
        for d in DEPARTMENTS
        if d.name not in have
    )


def test_forty_one_window_items_with_departments_and_deadlines(departments):
    items = catalog_seed_demo()
    assert len(items) == sum(len(g.items) for g in CATALOGUE)
    window = Category.objects.filter(parent__isnull=False, is_one_window=True).prefetch_related("departments")
    assert window.count() == 40
    for item in window:
        assert item.materials, item.name
        assert item.lead_department is not None and item.lead_department in item.departments.all(), item.name
        assert item.response_hours > 0 and item.completion_days > 0
    names = set(window.values_list("name", flat=True))
    assert {"低保救助申请", "高龄津贴申领", "灵活就业人员认定", "党费缴纳"} <= names
    # Every department the catalogue names is one of the demo's, so none is silently left out.
    named = {n for group in CATALOGUE for item in group.items for n in item.departments}
    assert named <= {d.name for d in DEPARTMENTS}


def test_seeding_twice_changes_nothing(departments):
    catalog_seed_demo()
    first = sorted(Category.objects.values_list("code", "name", "lead_department_id", "completion_days"))
    catalog_seed_demo()
    assert (
        sorted(Category.objects.values_list("code", "name", "lead_department_id", "completion_days")) == first
    )


def test_the_suggester_finds_the_new_items(departments):
    catalog_seed_demo()
    found = category_suggest("想问一下党费怎么缴纳，能不能补交")
    assert found is not None and found.category.code == "1301"
