"""Reply quality: real replies rank above replies to other messages; the parts of the score."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from quanyu.analytics.reading import read_replies
from quanyu.analytics.replies import (
    Reply,
    completeness,
    explanation,
    is_boilerplate,
    relevance_matrix,
    score_replies,
    weekdays_between,
)
from quanyu.core.clock import LOCAL_TZ
from tests.datasets import dataset_path


def test_a_real_reply_ranks_above_a_reply_to_another_message():
    replies = list(itertools.islice(read_replies(dataset_path("taidi2020c", "replies_train.csv")), 120))
    m = relevance_matrix([r.request for r in replies], [r.reply for r in replies])
    own = np.diag(m)
    other = np.roll(m, 1, axis=1).diagonal()  # each request against the next message's reply
    share = float((own > other).mean())
    print(f"own reply more relevant than another's for {share:.0%} of {len(replies)} messages")
    assert share >= 0.9
    scored = score_replies(replies[:20])
    swapped = score_replies([Reply(r.message_id, r.request, o.reply, r.asked_at, r.replied_at)
                             for r, o in itertools.pairwise(replies[:21])])  # fmt: skip
    assert np.mean([s["overall"] for s in scored]) > np.mean([s["overall"] for s in swapped])


def when(day: int) -> dt.datetime:
    return dt.datetime(2024, 5, 6, 9, tzinfo=LOCAL_TZ) + dt.timedelta(days=day)  # a Monday


def test_parts_of_the_score_and_the_boilerplate_flag():
    request = "小区门口的路灯坏了一个月了，什么时候能修好？希望尽快安排维修。"
    good = (
        "网友：您好！经核实，您反映的小区门口路灯损坏问题属实。根据《城市照明管理规定》，"
        "我局已安排维修人员于5月8日更换灯具，路灯已恢复照明。如有疑问请联系市政所，电话0731-8888888。"
    )
    canned = "网友：您好！您的留言已收悉，感谢您对我们工作的支持。"
    good_row, canned_row = score_replies(
        [Reply("1", request, good, when(0), when(3)), Reply("2", request, canned, when(0), when(30))]
    )
    assert good_row["explanation"] == 1.0 and good_row["timeliness_days"] == 3
    assert good_row["flags"] == [] and good_row["overall"] > 0.7
    assert "boilerplate" in canned_row["flags"] and "late" in canned_row["flags"]
    assert canned_row["overall"] < 0.2
    assert is_boilerplate(canned) and not is_boilerplate(good)
    assert explanation(canned) == 0
    assert completeness("电费怎么交？停车费收多少？", "电费可以在营业厅交。") == 0.5
    assert weekdays_between(dt.date(2024, 5, 3), dt.date(2024, 5, 6)) == 1  # Friday → Monday
