"""Repeats: the same requester, phone (its keyed hash) or address coming back about the same
problem.

``find_repeats(records)`` groups records that share an identity — requester id, phone hash or
normalised address, each tried separately — and, inside each identity, links the ones about the
same problem: the same category when both have one, else text cosine ≥ ``similarity`` (0.2:
the identity is already strong evidence; character bigrams). Links further apart than
``window_days`` are not made. Each group of two or more is one repeat: which identity, the
record ids in time order, first and last time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from quanyu.analytics.textsim import vectorise
from quanyu.routing.text import normalise


@dataclass(frozen=True)
class Record:
    id: str
    at: dt.datetime
    text: str = ""
    requester: str = ""
    phone_hash: str = ""
    address: str = ""
    category: str = ""


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_repeats(
    records: Iterable[Record], *, similarity: float = 0.2, window_days: int = 90
) -> list[dict[str, Any]]:
    rows = sorted(records, key=lambda r: (r.at, r.id))
    if len(rows) < 2:
        return []
    x = vectorise([r.text for r in rows])
    window = dt.timedelta(days=window_days)
    out: list[dict[str, Any]] = []
    for kind in ("requester", "phone_hash", "address"):
        by_identity: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            value = getattr(r, kind)
            key = normalise(value) if kind == "address" else value
            if key:
                by_identity[key].append(i)
        for identity, members in by_identity.items():
            if len(members) < 2:
                continue
            parent = list(range(len(members)))
            sim = (
                np.asarray((x[members] @ x[members].T).todense())
                if x.shape[1]
                else np.zeros((len(members),) * 2)
            )
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    ra, rb = rows[members[a]], rows[members[b]]
                    if rb.at - ra.at > window:
                        break
                    same = (
                        ra.category == rb.category if ra.category and rb.category else sim[a, b] >= similarity
                    )
                    if same:
                        parent[_find(parent, b)] = _find(parent, a)
            groups: dict[int, list[int]] = defaultdict(list)
            for j in range(len(members)):
                groups[_find(parent, j)].append(members[j])
            for group in groups.values():
                if len(group) >= 2:
                    out.append(
                        {
                            "by": kind,
                            "identity": identity,
                            "ids": [rows[i].id for i in group],
                            "count": len(group),
                            "first": rows[group[0]].at.isoformat(),
                            "last": rows[group[-1]].at.isoformat(),
                        }
                    )
    return sorted(out, key=lambda g: (-g["count"], g["first"]))
