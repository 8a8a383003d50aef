"""Named places in a message's text, by pattern: estates (小区, 花园, 家园…), schools, hospitals,
markets, villages, roads (路, 街, 大道), towns and the like, and the district (A3区, 某某县) as a fallback.

``extract_places(text)`` lists the names found, most specific kind first; ``place_of(subject,
text)`` picks one: the first estate/school/… named in the subject, else in the body, else a road,
else the district (``""`` when nothing is named). The administrative prefix (省/市/区/县 and the
data set's "A市A3区" codes) is cut off, so "A市A2区丽发新城小区" and "丽发新城小区" are one place.
"""

from __future__ import annotations

import re

# Suffixes by kind, most specific first; a name is 2–10 characters before its suffix.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "estate",
        (
            "小区",
            "花园",
            "花苑",
            "家园",
            "公寓",
            "新城",
            "新村",
            "大厦",
            "广场",
            "山庄",
            "雅苑",
            "名苑",
            "华府",
            "公馆",
            "国际",
            "城一期",
            "城二期",
            "城三期",
            "一期",
            "二期",
            "三期",
            "宿舍",
        ),
    ),
    (
        "facility",
        (
            "小学",
            "中学",
            "大学",
            "学院",
            "学校",
            "幼儿园",
            "医院",
            "卫生院",
            "市场",
            "公园",
            "车站",
            "地铁站",
            "广场站",
            "工业园",
            "产业园",
            "商场",
            "酒店",
            "工地",
            "项目",
        ),
    ),
    ("village", ("村", "社区")),
    ("road", ("大道", "路", "街", "巷", "高速", "立交桥", "大桥")),
    ("town", ("镇", "乡", "街道")),
)
_SUFFIX_KIND = {s: kind for kind, suffixes in KINDS for s in suffixes}
_ORDER = {kind: i for i, (kind, _s) in enumerate(KINDS)}
# Breaks between names: punctuation, function words, verbs that end a place phrase.
_BREAK = re.compile(
    r"[\s，。！？、；：,.!?;:()（）【】\[\]“”\"'《》<>/\\|~·—\-]+"
    r"|[A-Z][0-9]*[市区县]|[^\s，。]{1,3}省|(?:位于|关于|反映|投诉|咨询|举报|请求|要求|希望|建议|我们|我是|本人"
    r"|附近|周边|旁边|对面|门口|一带|存在|问题|没有|严重|的|在|和|与|及|是|了|对|从|到|把|被|给|向)"
)
_DISTRICT = re.compile(r"[A-Z][0-9]+[区县]|[\u4e00-\u9fa5]{2,4}[区县](?![\u4e00-\u9fa5]{0,1}[长委])")
_NAME = re.compile(
    "([\u4e00-\u9fa5A-Za-z0-9]{2,10}?)(" + "|".join(sorted(_SUFFIX_KIND, key=len, reverse=True)) + ")"
)
# Words after which a "name" is no name ("最后一期", "以上3个项目"): the name starts after them.
_NOT_A_NAME = (
    "以上", "上述", "最后", "这个", "那个", "这里", "那里", "每个", "该", "个", "我们", "你们", "他们",
)  # fmt: skip
_GENERIC = frozenset(
    {"小区", "该小区", "本小区", "我们小区", "这个小区", "道路", "马路", "这条路", "学校", "医院"}
)


def extract_places(text: str) -> list[tuple[str, str]]:
    """(kind, name) for each place named in ``text``, in order of appearance."""
    found: list[tuple[str, str]] = []
    for chunk in _BREAK.split(text or ""):
        if len(chunk) < 3:
            continue
        for m in _NAME.finditer(chunk):
            head = m.group(1)
            cut = max((head.rfind(w) + len(w) for w in _NOT_A_NAME if w in head), default=0)
            head = head[cut:]  # "旧城改造最后一期" names no place: nothing is left of it
            name = head + m.group(2)
            if len(head) < 2 or name in _GENERIC or head.isdigit():
                continue
            found.append((_SUFFIX_KIND[m.group(2)], name))
    return found


def place_key(name: str) -> str:
    """The name without a generic estate suffix (丽发新城小区 → 丽发新城), to merge spellings."""
    for suffix in ("小区", "宿舍"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def place_of(subject: str, text: str = "") -> str:
    """One place for a message (see the module docstring); ``""`` when none is named."""
    best: tuple[int, int, str] | None = None
    for where, source in enumerate((subject, text)):
        for kind, name in extract_places(source):
            rank = (_ORDER[kind], where, name)
            if best is None or rank[:2] < best[:2]:
                best = rank
        if best is not None and best[0] < _ORDER["road"] and best[1] == where:
            break
    if best is not None:
        return place_key(best[2])
    district = _DISTRICT.search(subject or "") or _DISTRICT.search(text or "")
    return district.group(0) if district else ""
