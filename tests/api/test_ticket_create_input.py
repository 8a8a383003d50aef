"""``fast_create_input`` reads the common JSON create without the serializer: whenever it accepts a
body, the result must be exactly the serializer's validated data; anything unusual is left to the
serializer (which names the field in its 400)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quanyu.api.tickets.intake import fast_create_input
from quanyu.api.tickets.serializers import TicketCreateSerializer

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "  路灯不亮 ", "a\x00b", "\ud800", " " * 3, "x" * 260]),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from(["121.3", "abc", "", True]),
    st.none(),
)
ids = st.one_of(st.integers(-3, 10**6), st.none(), st.sampled_from(["7", 1.5, True]))
values = {
    "text": texts,
    "lon": numbers,
    "lat": numbers,
    "crs": st.one_of(st.sampled_from(["wgs84", "gcj02", "bd09", "WGS84", " gcj02 ", "utm"]), texts),
    "area": ids,
    "building": ids,
    "category": st.one_of(st.sampled_from(["0101", " 0201 ", "", "12"]), texts),
    "channel": st.one_of(
        st.sampled_from(["api", "web", "patrol", "window", "hotline", "open311", " api"]), texts
    ),
    "address": texts,
    "contact_name": texts,
    "contact_phone": st.one_of(st.sampled_from(["13812345678", " 0535-1234567 "]), texts),
    "contact_email": texts,
    "materials": st.one_of(
        st.lists(texts, max_size=3), st.sampled_from([["身份证"], [" 房产证 "], [""], "x"])
    ),
    "notice_missing": st.one_of(st.booleans(), st.sampled_from(["true", 1, 0, None])),
    "external_ref": texts,
    "received_at": st.one_of(st.none(), st.sampled_from(["2026-01-01T08:00:00+08:00", "yesterday"])),
    "photos": st.sampled_from([[], None]),
    "unknown": texts,
}
bodies = st.fixed_dictionaries({}, optional=values)


@settings(max_examples=600, deadline=None)
@given(bodies)
def test_fast_reading_equals_the_serializer(body):
    fast = fast_create_input(body)
    if fast is None:
        return
    serializer = TicketCreateSerializer(data=body)
    assert serializer.is_valid(), (body, serializer.errors)
    assert fast == dict(serializer.validated_data)


def test_the_common_bodies_take_the_fast_reading():
    common = [
        {"lon": 121.32, "lat": 37.52, "text": "路灯不亮", "category": "0101"},
        {"lon": 121, "lat": 37, "text": " 电梯停运 ", "crs": "gcj02", "contact_phone": "13812345678"},
        {
            "area": 12,
            "text": "装修备案",
            "channel": "window",
            "materials": ["身份证"],
            "notice_missing": True,
        },
        {"text": "", "lon": None, "lat": None},
    ]
    for body in common:
        fast = fast_create_input(body)
        assert fast is not None, body
        serializer = TicketCreateSerializer(data=body)
        assert serializer.is_valid(), serializer.errors
        assert fast == dict(serializer.validated_data)


def test_unusual_bodies_go_to_the_serializer():
    for body in (
        {"lon": "121.3", "lat": 37.5, "text": "x"},  # a number as text: DRF converts it
        {"text": "x", "received_at": "2026-01-01T08:00:00+08:00"},
        {"text": "x", "notice_missing": "true"},
        {"text": "x", "crs": "utm"},
        {"lat": 1.0},
        [("text", "x")],
    ):
        assert fast_create_input(body) is None, body


short = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
valid_bodies = st.fixed_dictionaries(
    {"text": short},
    optional={
        "lon": st.floats(-180, 180),
        "lat": st.integers(-90, 90),
        "crs": st.sampled_from(["wgs84", "gcj02", "bd09"]),
        "area": st.one_of(st.none(), st.integers(1, 10**9)),
        "category": short,
        "channel": st.sampled_from(["api", "web", "patrol", "window", "hotline"]),
        "address": short,
        "contact_name": short,
        "contact_phone": short,
        "materials": st.lists(
            st.text(st.characters(categories=("L", "N")), min_size=1, max_size=5), max_size=3
        ),
        "notice_missing": st.booleans(),
        "received_at": st.none(),
    },
)


@settings(max_examples=300, deadline=None)
@given(valid_bodies)
def test_valid_bodies_read_the_same_both_ways(body):
    fast = fast_create_input(body)
    assert fast is not None, body
    serializer = TicketCreateSerializer(data=body)
    assert serializer.is_valid(), (body, serializer.errors)
    assert fast == dict(serializer.validated_data)
