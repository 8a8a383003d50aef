"""The analytics commands' JSON shapes, on files shaped like the published ones."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from tests.analytics.test_hotspots import hand_made


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_hotspots_json_shape(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"])
    for m in hand_made():
        sheet.append(
            [m.id, m.user, m.subject, m.at.strftime("%Y/%m/%d %H:%M:%S"), m.text, m.likes, m.dislikes]
        )
    path = tmp_path / "messages.xlsx"
    book.save(path)
    cards = json.loads(run("analytics_hotspots", str(path), "--top", "2", "--json"))
    assert len(cards) == 2
    assert set(cards[0]) == {"rank", "heat", "place", "problem", "start", "end", "message_ids", "inputs"}
    assert cards[0]["place"] == "丽发新城" and cards[0]["message_ids"] == [f"n{i}" for i in range(6)]
    assert run("analytics_hotspots", str(path), "--top", "1").startswith("1. [")


@pytest.mark.django_db
def test_replies_json_lines(tmp_path):
    path = tmp_path / "replies.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"])
        reply = "经核实，路灯已于5月8日修复。如有疑问请致电0731-8888888。"
        writer.writerow(
            [
                "1",
                "u1",
                "路灯坏了",
                "2024/5/6 9:00:00",
                "小区门口路灯坏了，什么时候修？",
                reply,
                "2024/5/9 10:00:00",
            ]
        )
        writer.writerow(
            ["2", "u2", "噪音", "2024/5/6 9:00:00", "工地夜间施工噪音扰民", "您的留言已收悉。", ""]
        )
    lines = run("analytics_replies", str(path), "--json").strip().splitlines()
    rows = [json.loads(line) for line in lines]
    keys = {"message_id", "relevance", "completeness", "explanation", "timeliness_days", "overall", "flags"}
    assert [set(r) for r in rows] == [keys, keys]
    assert rows[0]["message_id"] == "1" and rows[0]["timeliness_days"] == 3
    assert rows[1]["timeliness_days"] is None and "boilerplate" in rows[1]["flags"]
    assert all(0 <= r[k] <= 1 for r in rows for k in ("relevance", "completeness", "explanation", "overall"))
