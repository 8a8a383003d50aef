from __future__ import annotations

import pytest

from quanyu.catalog import suggest as suggest_module
from quanyu.catalog.models import Category
from quanyu.catalog.selectors import category_item_list, category_tree, open311_service_list
from quanyu.catalog.suggest import CategoryMatcher, category_suggest
from tests.tickets.factories import make_catalog

pytestmark = pytest.mark.django_db


def test_keywords_pick_the_best_item(city):
    cat = make_catalog(city)
    stalls = category_suggest("我家楼下天天有流动摊贩摆摊")
    assert stalls is not None and stalls.category == cat["stalls"] and "流动摊贩" in stalls.matched
    lift = category_suggest("电梯困人，电梯停运")
    assert lift is not None and lift.category == cat["lift"] and 0 < lift.score < 1
    assert category_suggest("今天天气不错") is None
    assert category_suggest("") is None


def test_inactive_items_are_not_suggested(city):
    cat = make_catalog(city)
    cat["stalls"].active = False
    cat["stalls"].save()
    assert category_suggest("摆摊占道") is None
    assert CategoryMatcher().suggest("电梯停运").category == cat["lift"]


def test_catalogue_reads(city, django_assert_max_num_queries):
    cat = make_catalog(city)
    with django_assert_max_num_queries(3):
        tree = category_tree()
        assert [t.code for t in tree] == ["01", "02"]
        assert [c.code for c in tree[1].children.all()] == ["0201", "0202"]
    with django_assert_max_num_queries(2):
        items = list(category_item_list())
        assert [d.name for d in items[1].departments.all()]
    assert list(open311_service_list()) == [cat["permit"]]
    assert list(category_item_list(one_window=True)) == [cat["permit"]]


def test_matcher_is_reused_within_the_window_and_rebuilt_after(city, settings, django_assert_num_queries):
    make_catalog(city)
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    first = suggest_module.cached_matcher()
    with django_assert_num_queries(0):
        assert suggest_module.cached_matcher() is first
        assert suggest_module.category_suggest("路边有人摆摊").category.code == "0101"
    # An edit that sends no signal (queryset update), as another process's edit looks from here.
    Category.objects.filter(code="0101").update(keywords="摆摊 占道 流动摊贩 烧烤")
    assert suggest_module.category_suggest("烧烤油烟") is None  # still inside the window
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0  # the window has passed
    found = suggest_module.category_suggest("烧烤油烟")
    assert found is not None and found.category.code == "0101"


def test_matcher_sees_a_saved_category_at_once(city, settings):
    cat = make_catalog(city)
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    assert suggest_module.category_suggest("井盖丢失") is None
    Category.objects.create(code="0102", name="井盖缺失", parent=cat["env"], keywords="井盖")
    found = suggest_module.category_suggest("井盖丢失")
    assert found is not None and found.category.code == "0102"
    assert suggest_module.cached_item("0102").pk == found.category.pk


def test_suggestion_scores_as_before(city):
    make_catalog(city)
    matcher = suggest_module.CategoryMatcher()
    found = matcher.suggest("电梯停运，有人困人")
    assert found is not None and found.category.code == "0201"
    assert found.matched == ("电梯", "困人", "停运") and found.score == round(6 / 10, 3)
    assert matcher.suggest("") is None and matcher.suggest("天气很好") is None
