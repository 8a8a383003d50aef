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
stripped (the keyed hashes of the ID and phone numbers, the log-in account), never plaintext.
It clears or masks what its app holds, writes an audit entry per row it changed, and answers how
many rows that was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANONYMISED_NAME = "（已匿名化）"


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
