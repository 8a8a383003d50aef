"""Reply quality: how well an official reply (答复意见) answers a resident's message.

Scores are 0–1:

* ``relevance``: cosine of the request and the reply (TF-IDF over character bigrams, fitted on
  the batch scored together), scaled so that 0.15 and above counts as fully on topic
  (relevance = min(1, cosine / 0.15), see ``RELEVANT_COSINE``); a reply written for another
  message scores low;
* ``completeness``: the share of the request's points (its questions — sentences with ？, 吗, 是否,
  为什么, 如何, 能否, 何时… — and demands — 请求, 希望, 要求, 建议…) whose key bigrams the reply
  takes up (at least a third of its content bigrams, function characters left out); with no
  explicit point, twice the share of the request's content bigrams found in the reply (at most 1);
* ``explanation``: a third each for a stated basis (依据/根据/按照 … 法/条例/规定/办法/政策/文件),
  what was done (经核实, 调查, 现场, 已…, 整改, 责令, 协调…), and whom to contact (电话, 联系,
  咨询 or a phone number);
* ``timeliness_days``: working days from the message to the reply (statutory holidays and 调休
  from ``catalog.calendar`` when the caller passes its ``working_days_between``; weekends only
  otherwise); its score is 1 up to 5 working days, falling linearly to 0 at 30;
* ``overall`` = 0.35 relevance + 0.25 completeness + 0.2 explanation + 0.2 timeliness score,
  times 0.3 for a boilerplate reply.

Flags: ``boilerplate`` (a reply that is only the acknowledgement formula — "您的留言已收悉", "感谢您的
关注"… — with under 20 characters of its own), ``off_topic`` (relevance under 0.2),
``points_unanswered`` (completeness under 0.5), ``no_explanation``, ``late`` (over 15 working days),
``no_time`` (a time missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _t

from quanyu.analytics.textsim import vectorise
from quanyu.core.clock import local
from quanyu.routing.text import normalise

WorkingDays = Callable[[dt.date, dt.date], int]
# On the published replies a message and its own reply have a median cosine of 0.11 (90 % above
# 0.04), a message and another message's reply 0.009 (90 % below 0.03): 0.15 counts as fully on topic.
RELEVANT_COSINE = 0.15


@dataclass(frozen=True)
class Reply:
    message_id: str
    request: str
    reply: str
    asked_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None


_BOILERPLATE = re.compile(
    r"网友[：:]?|您好[！!，,。]?|你好[！!，,。]?|您的留言(?:已|我们已)?收悉[。，,！!]?|来信(?:已)?收悉[。，,！!]?"
    r"|感谢您?(?:对我们工作)?的(?:关注|支持|关心|信任)(?:和(?:关注|支持|关心|信任))?[。！!，,]?"
    r"|我们(?:将|会)(?:尽快|及时)?(?:转交|转办|核实|处理|回复)[^。！!]{0,12}[。！!]?|谢谢[。！!]?|此复[。！!]?"
    r"|\d{4}年\d{1,2}月\d{1,2}日|[\s，。！？、；：,.!?;:]+"
)
_QUESTION = re.compile(r"[？?]|吗|是否|为什么|为何|如何|怎么|怎样|能否|可否|何时|什么时候|多久|哪里|有没有")
_DEMAND = re.compile(r"请求|恳请|希望|要求|建议|请|呼吁|尽快")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_BASIS = re.compile(
    r"(?:依据|根据|按照|依照|参照)[^。；]{0,40}?(?:法|条例|规定|办法|政策|文件|通知|意见|标准|细则)"
)
_ACTION = re.compile(
    r"经核实|经调查|调查|核查|现场|已(?!收悉|收到|转)(?:经)?[\u4e00-\u9fa5]{1,6}|整改|责令|协调|督促|安排|处理|维修|查处|约谈"
)
_CONTACT = re.compile(r"电话|联系|咨询|热线|\d{3,4}-?\d{7,8}|1[3-9]\d{9}")


_FUNCTION_CHARS = frozenset("的了是在和与及我你他她它们这那有也就都还又很吗呢吧啊把被给对")
_CJK = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{2,}")


def _bigrams(text: str) -> set[str]:
    """Content bigrams: inside runs of CJK/alphanumeric text, without function characters."""
    out = set()
    for run in _CJK.findall(normalise(text)):
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram[0] not in _FUNCTION_CHARS and gram[1] not in _FUNCTION_CHARS:
                out.add(gram)
    return out


def is_boilerplate(reply: str) -> bool:
    return len(_BOILERPLATE.sub("", reply or "")) < 20


def formula_only(reply: str) -> bool:
    """Whether ``reply`` is the acknowledgement formula with nothing of its own: some formula
    (greetings, thanks, "已收悉", "将尽快处理", a date) and under three characters besides. A short
    reply of its own ("已修好", "ok") is not."""
    text = "".join((reply or "").split())
    own = _BOILERPLATE.sub("", text)
    return len(own) < 3 and len(text) - len(own) >= 2


def reply_problems(request: Callable[[], str], reply: str) -> list[str]:
    """Why a resolution's reply (办理说明) does not answer the request (``request()`` gives its
    text, read only when needed), for ``tickets.replycheck``: nothing unless the reply is only the
    formula; then what it lacks."""
    if not formula_only(reply):
        return []
    reasons = [_t("只有受理、感谢等套话")]
    if explanation(reply) == 0:
        reasons.append(_t("没有说明依据、办理经过或联系方式"))
    if _points(request()):
        reasons.append(_t("没有回应诉求中提出的问题"))
    return reasons


def _points(request: str) -> list[str]:
    return [s for s in _SENTENCE.findall(request or "") if _QUESTION.search(s) or _DEMAND.search(s)]


def completeness(request: str, reply: str) -> float:
    answer = _bigrams(reply)
    points = _points(request)
    if not points:
        grams = _bigrams(request)
        return min(1.0, 2 * len(grams & answer) / len(grams)) if grams else 1.0
    covered = 0
    for point in points:
        grams = _bigrams(_QUESTION.sub("", _DEMAND.sub("", point)))
        if not grams or len(grams & answer) / len(grams) >= 1 / 3:
            covered += 1
    return covered / len(points)


def explanation(reply: str) -> float:
    return sum(bool(p.search(reply or "")) for p in (_BASIS, _ACTION, _CONTACT)) / 3


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end counting weekends only (no holiday table)."""
    if end <= start:
        return 0
    return int(np.busday_count(start + dt.timedelta(days=1), end + dt.timedelta(days=1)))


def timeliness_score(days: int | None) -> float:
    if days is None:
        return 0.5
    return float(min(1.0, max(0.0, (30 - days) / 25)))


def score_replies(
    replies: Iterable[Reply], *, working_days: WorkingDays = weekdays_between
) -> list[dict[str, Any]]:
    """One score dictionary per reply (see the module docstring), in the input's order."""
    rows = list(replies)
    if not rows:
        return []
    x = vectorise([r.request for r in rows] + [r.reply for r in rows])
    n = len(rows)
    cosine = np.asarray(x[:n].multiply(x[n:]).sum(axis=1)).ravel()
    out = []
    for r, cos in zip(rows, cosine, strict=True):
        out.append(_score(r, float(cos), working_days=working_days))
    return out


def relevance_matrix(requests: list[str], replies: list[str]) -> np.ndarray:
    """Relevance of every reply (columns) to every request (rows), on one TF-IDF fit."""
    x = vectorise(requests + replies)
    n = len(requests)
    return np.minimum(1.0, np.asarray((x[:n] @ x[n:].T).todense()) / RELEVANT_COSINE)


def _score(r: Reply, cosine: float, *, working_days: WorkingDays) -> dict[str, Any]:
    relevance = min(1.0, cosine / RELEVANT_COSINE)
    complete = completeness(r.request, r.reply)
    explained = explanation(r.reply)
    days = None
    if r.asked_at is not None and r.replied_at is not None:
        # Working days are counted on the local calendar (times are aware: analytics.reading).
        days = working_days(local(r.asked_at).date(), local(r.replied_at).date())
    boilerplate = is_boilerplate(r.reply)
    overall = 0.35 * relevance + 0.25 * complete + 0.2 * explained + 0.2 * timeliness_score(days)
    if boilerplate:
        overall *= 0.3
    flags = [
        flag
        for flag, on in (
            ("boilerplate", boilerplate),
            ("off_topic", relevance < 0.2),
            ("points_unanswered", complete < 0.5),
            ("no_explanation", explained == 0),
            ("late", days is not None and days > 15),
            ("no_time", days is None),
        )
        if on
    ]
    return {
        "message_id": r.message_id,
        "relevance": round(relevance, 3),
        "completeness": round(complete, 3),
        "explanation": round(explained, 3),
        "timeliness_days": days,
        "overall": round(overall, 3),
        "flags": flags,
    }
