"""Names in pinyin order with their numbers by value (issue 13 point 13)."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from quanyu.orgs.collation import NameOrdered, name_key, sorted_by_name
from quanyu.orgs.models import Unit, UnitKind


def test_pinyin_order_and_numbers_by_value():
    names = [
        "区住建局",
        "第十党支部",
        "安泰物业",
        "第二党支部",
        "烟台市第10中学",
        "第一党支部",
        "烟台市第2中学",
        "Zeta",
    ]
    assert sorted(names, key=name_key) == [
        "Zeta",
        "安泰物业",
        "第一党支部",
        "第二党支部",
        "第十党支部",
        "区住建局",
        "烟台市第2中学",
        "烟台市第10中学",
    ]


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105)]
)
def test_chinese_numerals_after_di(text, value):
    assert name_key(f"第{text}支部")[1] == (0, value)


def test_sorted_by_name_is_stable_and_takes_a_key():
    rows = [("b", "张"), ("a", "张"), ("c", "阿")]
    assert sorted_by_name(rows, lambda r: r[1]) == [("c", "阿"), ("b", "张"), ("a", "张")]


@pytest.mark.django_db
def test_name_ordered_pages_read_only_their_rows(city, django_assert_num_queries):
    for name in ["赵家单位", "阿里单位", "钱家单位"]:
        Unit.objects.create(kind=UnitKind.RESIDENT_UNIT, name=name, area=city.district)
    ordered = NameOrdered(Unit.objects.filter(area=city.district, kind=UnitKind.RESIDENT_UNIT))
    paginator = Paginator(ordered, 2)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert [u.name for u in page.object_list] == ["阿里单位", "钱家单位"]
    assert [u.name for u in Paginator(ordered, 2).get_page(2).object_list] == ["赵家单位"]
