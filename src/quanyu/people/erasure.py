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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from quanyu.core.pii import mask_id_number, redact_text

ANONYMISED_NAME = "（已匿名化）"
Scrub = Callable[[str], str]


def make_scrub(name: str, *numbers: str) -> Scrub:
    """Free text without the person's ``name`` (two characters or more: a one-character name
    would eat every occurrence of that character) and with their ``numbers`` masked wherever
    they appear, in whatever format; every other ID and mobile number masked too
    (``core.pii.redact_text``)."""
    name = name if len(name) >= 2 and name != ANONYMISED_NAME else ""
    known = tuple(sorted({n for n in numbers if len(n) >= 5}, key=len, reverse=True))

    def scrub(text: str) -> str:
        if not text:
            return text
        if name:
            text = text.replace(name, ANONYMISED_NAME)
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
