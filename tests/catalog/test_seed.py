"""The demo catalogue (issue 13 point 12): Luoyang's 120 services in 12 categories, Zhifu's 40
one-window items among them, each with its departments and deadlines, written through the
catalogue's own seed (idempotent by code, in a fixed number of queries)."""

from __future__ import annotations

import pytest

from quanyu.catalog.models import TIER_ORDER, Category
from quanyu.catalog.seed import CATALOGUE, RETIRED_GROUPS, catalog_seed_demo
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


def test_the_demo_catalogue_has_120_items_in_12_categories_and_every_item_routes(
    departments, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        catalog_seed_demo()
    groups = Category.objects.filter(parent__isnull=True, active=True)
    items = Category.objects.filter(parent__in=groups, active=True).prefetch_related("departments")
    assert (groups.count(), items.count()) == (12, 120)
    assert all(1 <= n <= 12 for n in [len(g.items) for g in CATALOGUE])
    for item in items:
        assert item.first_tier in TIER_ORDER, item.name
        assert item.response_hours > 0 and item.completion_days > 0, item.name
        assert item.lead_department is not None and item.lead_department in item.departments.all(), item.name
    # Real names: Zhifu's four named items and the neighbourhood-centre services Luoyang names.
    names = set(items.values_list("name", flat=True))
    assert {"低保救助申请", "高龄津贴申领", "灵活就业人员认定", "党费缴纳"} <= names
    assert {"家庭医疗上门服务", "亲子早教", "裁缝修补", "便民工具借用"} <= names
    assert len(names) == 120  # 120 distinct services, none listed twice


def test_items_keep_their_codes_when_groups_merge(departments):
    """A database seeded with the 14-group catalogue: 园林绿化 (04) items move into 市政园林 (03)
    with their codes, tickets keep their item, and the emptied groups are switched off."""
    old = Category.objects.create(code="04", name="园林绿化")
    trees = Category.objects.create(code="0401", name="树木修剪", parent=old)
    catalog_seed_demo()
    trees.refresh_from_db()
    old.refresh_from_db()
    assert trees.parent.code == "03" and trees.active
    assert not old.active and set(RETIRED_GROUPS) >= {"04"}
    assert not Category.objects.filter(parent__isnull=True, active=True, code__in=RETIRED_GROUPS).exists()
