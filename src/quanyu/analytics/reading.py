"""Reading the message board's files (附件3.xlsx-shaped messages, replies_train.csv-shaped replies)
into the plain records the pure functions take. Columns are found by their Chinese headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from quanyu.analytics.hotspots import Message
from quanyu.analytics.replies import Reply
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.spreadsheets import Column, SpreadsheetError, read_rows

MESSAGE_COLUMNS = [
    Column(key="id", header="留言编号", required=True),
    Column(key="user", header="留言用户", required=True),
    Column(key="subject", header="留言主题"),
    Column(key="at", header="留言时间", required=True),
    Column(key="text", header="留言详情"),
    Column(key="likes", header="点赞数"),
    Column(key="dislikes", header="反对数"),
]
REPLY_COLUMNS = [
    Column(key="id", header="留言编号", required=True),
    Column(key="user", header="留言用户"),
    Column(key="subject", header="留言主题"),
    Column(key="at", header="留言时间", required=True),
    Column(key="text", header="留言详情"),
    Column(key="reply", header="答复意见", required=True),
    Column(key="replied_at", header="答复时间"),
]
_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
)


def parse_time(value: Any) -> dt.datetime | None:
    """A cell's date/time as an aware datetime (naive values are Asia/Shanghai), or None."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=LOCAL_TZ)
    text = str(value or "").strip()
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
        except ValueError:
            continue
    return None


def _count(value: Any) -> int:
    try:
        return max(int(float(value or 0)), 0)
    except (TypeError, ValueError):
        return 0


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def read_messages(path: Path) -> Iterator[Message]:
    for number, row in read_rows(path, MESSAGE_COLUMNS):
        at = parse_time(row["at"])
        if at is None:
            raise SpreadsheetError(
                _("第%(row)d行【留言时间】：无法识别的时间 %(value)s") % {"row": number, "value": row["at"]}
            )
        yield Message(
            id=str(row["id"]),
            user=str(row["user"]),
            at=at,
            subject=_clean(row["subject"]),
            text=_clean(row["text"]),
            likes=_count(row["likes"]),
            dislikes=_count(row["dislikes"]),
        )


def read_replies(path: Path) -> Iterator[Reply]:
    for _number, row in read_rows(path, REPLY_COLUMNS):
        yield Reply(
            message_id=str(row["id"]),
            request=_clean(f"{row['subject']} {row['text']}"),
            reply=_clean(row["reply"]),
            asked_at=parse_time(row["at"]),
            replied_at=parse_time(row["replied_at"]),
        )
