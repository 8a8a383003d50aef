from __future__ import annotations

import pytest

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
