"""What the apps above people erase when a resident or a party member is anonymised
(``services.persons.person_anonymise``; 等保 2.0 residual information, PIPL art. 47).

People sits below those apps in the layering, so it cannot touch their tables. Each app that
holds data about a person registers an eraser here from its ``apps.py`` ``ready`` (as
``service_record`` takes their counters): volunteering its volunteer record and certificates,
wishes the wishes a resident made, tickets the contact of the tickets the person submitted.
The person's own log-in account is closed by ``accounts.erasure`` (below people, called
directly). ``person_anonymise`` calls every eraser inside its own transaction, after the person's row is
stripped: an eraser that fails rolls the whole anonymisation back, so nothing is half-erased.

An eraser is given a ``PersonGone``: the keys that found the person before the row was
stripped (the keyed hashes of the ID and phone numbers, the log-in account), never plaintext,
and ``scrub``: a function that takes the person's name (→ （已匿名化）) and numbers (masked, as
every ID and mobile number in the text) out of a piece of free text. The name and numbers live
only inside that function: not in the dataclass's fields or repr, so an eraser that logs or
audits what it was given writes keys, never plaintext. ``scrub_rows`` applies it to text and
JSON columns of a queryset. An eraser clears or masks what its app holds, writes an audit entry
per row it changed (fields named, never values), and answers how many rows that was.

People are seldom written about by their full register name alone. For a Chinese name (two to
four Han characters) the scrub also takes out the usual forms of address (``ADDRESS_FORMS``),
built from the surname X (the first character, or a compound surname from ``COMPOUND_SURNAMES``
such as 欧阳 or 诸葛 when the name has three characters or more) and the given name G:

- G, the given name alone, when it has two characters or more: 建国 (of 王建国);
- 老X and 小X: 老王, 小王;
- X with a word of kinship or respect: 阿姨 大爷 大妈 奶奶 爷爷 大姐 大哥 叔 婶 姐 哥 伯 老
  (and the doubled 叔叔 婶婶 姐姐 哥哥 伯伯, so that no half word is left): 王阿姨, 王叔叔, 王老;
- X with a title: 师傅 女士 先生 老师 书记 主任: 王师傅, 王书记, 欧阳主任.

Each is replaced by the same （已匿名化） as the full name, in one pass, the longest form first
(王老师 before 王老). Only on the records an eraser has linked to the person: the forms are
short, and on those records the scrub errs on the side of forgetting (王府井 stays, since no form
matches it; 北方大妈 on a 方's own ticket loses its 方大妈). ``ORDINARY_WORDS`` lists common
words that look like a form for some surname (小区 for a 区, 小时 for a 时, 班主任 for a 班,
古老 for a 古): where one of them stands, it is read as the word (a nickname identical to it is
left, the lesser harm than blanking every 小区 of a ticket). A name with other characters (a
transliterated name with ·, Latin letters) is matched only whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from quanyu.core.pii import mask_id_number, redact_text

ANONYMISED_NAME = "（已匿名化）"
Scrub = Callable[[str], str]


# fmt: off
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木",
))
# The forms of address built from a Chinese name: "{x}" stands for the surname, "{g}" for the
# given name (used only when it has two characters or more).
ADDRESS_FORMS: tuple[str, ...] = (
    "{g}",                                                     # the given name alone: 建国
    "老{x}", "小{x}",                                          # familiar: 老王, 小王
    "{x}阿姨", "{x}大爷", "{x}大妈", "{x}奶奶", "{x}爷爷",     # kinship, to elders
    "{x}大姐", "{x}大哥", "{x}叔", "{x}婶", "{x}姐", "{x}哥", "{x}伯", "{x}老",
    "{x}叔叔", "{x}婶婶", "{x}姐姐", "{x}哥哥", "{x}伯伯",     # (doubled: no half word left)
    "{x}师傅", "{x}女士", "{x}先生", "{x}老师", "{x}书记", "{x}主任",  # polite and working titles
)
# Ordinary words that contain a form for some surname (小区 holds 小区 of a 区, 古老 holds 古老
# of a 古): where one of them stands it is read as the word.
ORDINARY_WORDS = frozenset((
    "小区", "小时", "小时工", "小于", "小高层", "小路", "小车", "小程序", "小黄车", "小康",
    "小商品", "小米", "小游园", "小花园",
    "老年", "老化", "老师", "老区", "老楼", "老党员", "老毛病", "老干部", "老百姓", "老房子",
    "老方法", "老家", "老公", "老乡",
    "古老", "元老", "养老", "敬老", "师姐", "师哥", "师叔", "帅哥", "班主任", "保安师傅",
))
# fmt: on
_HAN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")


def _name_words(name: str) -> tuple[list[str], frozenset[str]]:
    """The strings that stand for ``name`` in free text (the name itself, and for a Chinese name
    its ``ADDRESS_FORMS``), longest first, and the ``ORDINARY_WORDS`` that shadow one of them."""
    if not _HAN_NAME.fullmatch(name):
        return [name], frozenset()
    cut = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    surname, given = name[:cut], name[cut:]
    forms = {form.format(x=surname, g=given) for form in ADDRESS_FORMS if "{g}" not in form}
    words = forms | {name} | ({given} if len(given) >= 2 else set())
    shadows = frozenset(w for w in ORDINARY_WORDS if any(f in w for f in forms) and name not in w)
    if len(given) >= 2:
        shadows = frozenset(w for w in shadows if given not in w)
    return sorted(words | shadows, key=len, reverse=True), shadows


def make_scrub(name: str, *numbers: str) -> Scrub:
    """Free text without the person's ``name`` (two characters or more: a one-character name
    would eat every occurrence of that character) and, for a Chinese name, without the forms of
    address made from it (the module's docstring), each replaced by （已匿名化）; with their
    ``numbers`` masked wherever they appear, in whatever format, and every other ID and mobile
    number masked too (``core.pii.redact_text``)."""
    name = (name or "").strip()
    name = name if len(name) >= 2 and name != ANONYMISED_NAME else ""
    words, shadows = _name_words(name) if name else ([], frozenset())
    pattern = re.compile("|".join(map(re.escape, words))) if words else None
    known = tuple(sorted({n for n in numbers if len(n) >= 5}, key=len, reverse=True))

    def replace(match: re.Match[str]) -> str:
        return match.group() if match.group() in shadows else ANONYMISED_NAME

    def scrub(text: str) -> str:
        if not text:
            return text
        if pattern is not None:
            text = pattern.sub(replace, text)
        for number in known:
            text = text.replace(number, mask_id_number(number))
        return redact_text(text)

    return scrub


def _keep(text: str) -> str:
    return redact_text(text)


def scrub_value(scrub: Scrub, value: Any) -> Any:
    """``scrub`` applied to a string, or to every string inside JSON (dicts and lists)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_value(scrub, v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(scrub, v) for v in value]
    return value


def scrub_rows(scrub: Scrub, rows: QuerySet[Any], fields: Iterable[str]) -> dict[int, list[str]]:
    """Each row of ``rows`` with ``scrub`` applied to ``fields`` (text or JSON columns), written
    back by a queryset update where something changed; answers the changed fields by row id."""
    fields = tuple(fields)
    model: type[Model] = rows.model
    changed: dict[int, list[str]] = {}
    for row in rows.only("pk", *fields).order_by("pk"):
        new = {}
        for f in fields:
            value = getattr(row, f)
            clean = scrub_value(scrub, value)
            if clean != value:
                new[f] = clean
        if new:
            model._default_manager.filter(pk=row.pk).update(**new)
            changed[row.pk] = sorted(new)
    return changed


@dataclass(frozen=True)
class PersonGone:
    """A person being anonymised: ``kind`` "resident" or "member", the row's ``pk``, and the keys
    other apps find them by (empty when the register had none)."""

    kind: str
    pk: int
    id_hash: str
    phone_hash: str
    user_id: int | None
    actor: Any
    reason: str
    # The person's name and numbers, held by the function only (never in a repr or a log).
    scrub: Scrub = field(default=_keep, repr=False, compare=False)


Eraser = Callable[[PersonGone], int]

_erasers: dict[str, Eraser] = {}


def add_eraser(key: str, erase: Eraser) -> None:
    """Register (or replace) the eraser ``key``: called once per app, from its ``ready``."""
    _erasers[key] = erase


def erasers() -> tuple[str, ...]:
    return tuple(sorted(_erasers))


def erase_elsewhere(gone: PersonGone) -> dict[str, int]:
    """Every registered eraser run on ``gone`` in key order (the caller's transaction); the rows
    each changed."""
    return {key: _erasers[key](gone) for key in sorted(_erasers)}
