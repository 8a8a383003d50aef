"""``quanyu.core.http``: JSON read with a depth limit."""

from __future__ import annotations

import pytest

from quanyu.core.http import JSONTooDeep, json_depth_within, json_loads


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ([1, [2]], 2), ({"a": [{"b": []}]}, 4), ([[], [[[]]], []], 4)],
)
def test_depth_is_counted_in_arrays_and_objects(value, depth):
    assert json_depth_within(value, depth)
    assert depth == 0 or not json_depth_within(value, depth - 1)


def test_too_deep_is_a_value_error_never_a_recursion_error():
    with pytest.raises(JSONTooDeep) as caught:
        json_loads("[" * 50_000 + "]" * 50_000, max_depth=64)  # past Python's recursion limit
    assert isinstance(caught.value, ValueError) and caught.value.limit == 64
    with pytest.raises(JSONTooDeep):
        json_loads("[" * 65 + "]" * 65, max_depth=64)  # parsed, then refused
    assert json_loads("[" * 64 + "]" * 64, max_depth=64) is not None
    assert json_loads('{"a": 1}', max_depth=1) == {"a": 1}
    with pytest.raises(ValueError):
        json_loads("{not json", max_depth=64)
