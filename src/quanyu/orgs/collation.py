"""Names in the order a reader looks for them (issue 13 point 13): pinyin for the Chinese, and the
numbers inside a name by value, so that 第2中学 comes before 第10中学 and 第二党支部 before
第十党支部 (plain pinyin would put 二 "er" before 一 "yi").

``core.collation.pinyin_key`` gives the pinyin order of the text pieces; this module cuts a name
into text and numbers (Arabic digits, or Chinese numerals after 第) and keys the numbers by value.
Lists that are paginated in the database are ordered here in Python: a district holds a few
thousand units at most, and their names and ids are one narrow query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from quanyu.core.collation import pinyin_key

T = TypeVar("T")
M = TypeVar("M", bound=Model)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_PIECES = re.compile(r"(\d+|(?<=第)[零〇一二两三四五六七八九十百]+)")


def _chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105 (what follows 第 in organisation names)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[char] if current else _DIGITS[char]
    return total + current


def name_key(name: str) -> tuple[tuple[int, Any], ...]:
    """The sort key of a name: its text pieces in pinyin order, its numbers by value."""
    key: list[tuple[int, Any]] = []
    for i, piece in enumerate(_PIECES.split(name or "")):
        if not piece:
            continue
        if i % 2 == 0:
            key.append((1, pinyin_key(piece)))
        else:
            key.append((0, int(piece) if piece.isdigit() else _chinese_number(piece)))
    return tuple(key)


def sorted_by_name(items: Iterable[T], name: Callable[[T], str] = lambda item: str(item)) -> list[T]:
    """``items`` in name order (stable: equal names keep their order)."""
    return sorted(items, key=lambda item: name_key(name(item)))


class NameOrdered(Sequence[M], Generic[M]):
    """A queryset's rows in name order, for a ``Paginator``: the ids and names are read and sorted
    once, and a page reads only its own rows (in that order)."""

    def __init__(self, queryset: QuerySet[M], *, field: str = "name") -> None:
        self.queryset = queryset
        rows = queryset.order_by().values_list("pk", field)
        self.ids = [pk for pk, _name in sorted(rows, key=lambda row: (name_key(row[1]), row[0]))]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            ids = self.ids[index]
            found = self.queryset.in_bulk(ids)
            return [found[pk] for pk in ids if pk in found]
        return self.queryset.get(pk=self.ids[index])
