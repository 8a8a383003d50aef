"""Spikes over a seasonal daily series; repeats by requester, phone hash and address."""

from __future__ import annotations

import datetime as dt

import numpy as np

from quanyu.analytics.repeats import Record, find_repeats
from quanyu.analytics.spikes import find_spikes, spikes_by_key
from quanyu.core.clock import LOCAL_TZ


def weekly_series(days: int = 84, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = np.array([8, 7, 7, 6, 9, 3, 2])  # busy Mondays and Fridays, quiet weekends
    return rng.poisson(level[np.arange(days) % 7])


def test_one_injected_spike_is_found_with_expected_and_observed():
    start = dt.date(2024, 1, 1)  # a Monday
    series = weekly_series()
    series[75] += 25
    spikes = find_spikes(series.tolist(), start)
    assert [s.day for s in spikes] == [start + dt.timedelta(days=75)]
    spike = spikes[0]
    assert spike.observed == int(series[75])
    assert 1 <= spike.expected <= 6  # day 75 is a Saturday: compared with Saturdays (level 3)
    assert spike.score >= 3


def test_a_quiet_weekend_is_not_a_spike_for_its_weekday_and_busy_mondays_are_normal():
    series = weekly_series(seed=2)
    assert find_spikes(series.tolist(), dt.date(2024, 1, 1)) == []


def test_spikes_by_key():
    start = dt.date(2024, 1, 1)
    rows = [(("g1", "噪音"), start + dt.timedelta(days=d)) for d in range(60) for _ in range(2)]
    rows += [(("g1", "噪音"), start + dt.timedelta(days=59))] * 12
    rows += [(("g2", "占道"), start + dt.timedelta(days=d)) for d in range(60)]
    spikes = spikes_by_key(rows)
    assert [(s.key, s.day, s.observed) for s in spikes] == [
        (("g1", "噪音"), start + dt.timedelta(days=59), 14)
    ]


def t(day: int) -> dt.datetime:
    return dt.datetime(2024, 3, 1, 10, tzinfo=LOCAL_TZ) + dt.timedelta(days=day)


def test_repeats_by_requester_phone_and_address_about_the_same_problem():
    records = [
        Record(id="1", at=t(0), text="楼下烧烤店油烟扰民，晚上吵到十二点", requester="u1"),
        Record(id="2", at=t(5), text="烧烤店油烟扰民问题还是没有解决", requester="u1"),
        Record(id="3", at=t(6), text="小区电梯经常停运", requester="u1"),
        Record(id="4", at=t(1), text="路灯不亮", phone_hash="h9", category="路灯"),
        Record(id="5", at=t(9), text="门口的灯坏了好几天", phone_hash="h9", category="路灯"),
        Record(id="6", at=t(2), text="井盖丢失有危险", address="幸福路 12 号"),
        Record(id="7", at=t(3), text="井盖丢失，很危险", address="幸福路12号"),
        Record(id="8", at=t(200), text="楼下烧烤店油烟扰民", requester="u1"),  # outside the window
    ]
    groups = {(g["by"], tuple(g["ids"])) for g in find_repeats(records)}
    assert groups == {("requester", ("1", "2")), ("phone_hash", ("4", "5")), ("address", ("6", "7"))}
