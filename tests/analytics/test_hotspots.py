"""Hot spots on a small hand-made set with known clusters."""

from __future__ import annotations

import datetime as dt

import pytest

from quanyu.analytics.hotspots import Message, find_hotspots
from quanyu.analytics.places import extract_places, place_of
from quanyu.core.clock import LOCAL_TZ


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2019, 11, 1, hour, tzinfo=LOCAL_TZ) + dt.timedelta(days=day)


def hand_made() -> list[Message]:
    noise = [
        Message(id=f"n{i}", user=f"u{i}", at=at(i), subject="A2区丽发新城小区附近搅拌站噪音扰民",
                text="搅拌站夜间施工噪音太大，粉尘污染严重，影响居民休息", likes=i)
        for i in range(6)
    ]  # fmt: skip
    parking = [
        Message(id=f"p{i}", user=f"v{i}", at=at(10 + i), subject="A3区枫林路违规停车占道",
                text="枫林路两侧车辆乱停乱放，堵塞交通，请交警管理")
        for i in range(3)
    ]  # fmt: skip
    # One resident posting the same complaint eight times: one requester.
    repeat = [
        Message(id=f"r{i}", user="same", at=at(12 + i), subject="A5区魅力之城小区临街门面油烟扰民",
                text="魅力之城小区临街餐馆油烟直排，熏得住户无法开窗")
        for i in range(8)
    ]  # fmt: skip
    other = [
        Message(
            id="x1",
            user="w1",
            at=at(3),
            subject="A2区丽发新城小区物业乱收停车费",
            text="物业每月多收停车管理费",
        ),
        Message(id="x2", user="w2", at=at(4), subject="咨询公积金提取政策", text="公积金怎么提取"),
    ]
    return noise + parking + repeat + other


def test_known_clusters_are_found_and_ranked():
    cards = find_hotspots(hand_made(), top=5)
    assert [c["place"] for c in cards[:2]] == ["丽发新城", "枫林路"]
    first = cards[0]
    assert first["message_ids"] == [f"n{i}" for i in range(6)]
    assert first["inputs"]["requesters"] == 6 and first["inputs"]["likes"] == 15  # 0+1+…+5
    assert "搅拌站" in first["problem"]
    assert first["start"].startswith("2019-11-01") and first["end"].startswith("2019-11-06")
    assert set(cards[1]["message_ids"]) == {"p0", "p1", "p2"}
    assert [c["rank"] for c in cards] == list(range(1, len(cards) + 1))
    assert all("x1" not in c["message_ids"] for c in cards)  # same estate, another problem


def test_repeat_posting_by_one_user_does_not_make_a_hot_spot():
    cards = find_hotspots(hand_made(), top=10, formula="requesters")
    assert all(not any(i.startswith("r") for i in c["message_ids"]) for c in cards)
    more = [*hand_made(), Message(id="r-other", user="neighbour", at=at(20), subject="魅力之城小区油烟扰民",
                                  text="魅力之城小区临街餐馆油烟直排")]  # fmt: skip
    card = next(c for c in find_hotspots(more, top=10, formula="requesters") if c["place"] == "魅力之城")
    assert card["heat"] == 2 and card["inputs"]["requesters"] == 2 and card["inputs"]["messages"] == 9


@pytest.mark.parametrize("formula", ["requesters", "support", "balanced"])
def test_formulas_are_chosen_by_name(formula):
    cards = find_hotspots(hand_made(), top=3, formula=formula)
    assert cards and all(c["inputs"]["formula"] == formula for c in cards)
    with pytest.raises(ValueError):
        find_hotspots(hand_made(), formula="nope")


def test_given_places_and_problems_skip_the_text():
    rows = [Message(id=str(i), user=f"u{i % 4}", at=at(i % 9), place="g1", problem="0101") for i in range(20)]
    rows += [Message(id=f"b{i}", user=f"b{i}", at=at(1), place="g2", problem="0201") for i in range(2)]
    cards = find_hotspots(rows, top=5, formula="requesters")
    assert [(c["place"], c["problem"], c["heat"]) for c in cards] == [
        ("g1", "0101", 4.0),
        ("g2", "0201", 2.0),
    ]


def test_places_in_text():
    assert place_of("A市A2区丽发新城小区附近搅拌站噪音扰民") == "丽发新城"
    assert place_of("A6区银杉路两旁街道破烂不堪") == "银杉路"
    assert place_of("反映A7县春华镇金鼎村水泥路到户的问题") == "金鼎村"
    assert place_of("咨询公积金提取政策") == ""
    assert place_of("A7县星沙四区凉塘路的旧城改造最后一期要拖到何时？") == "星沙四区凉塘路"
    assert place_of("以上3个项目何时开工") == ""
    assert ("facility", "A市第一中学") not in extract_places("位于A市的第一中学")
    assert ("facility", "第一中学") in extract_places("位于A市的第一中学")
