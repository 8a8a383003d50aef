"""Hot spots: many residents about the same problem at the same place in a window of time.

``find_hotspots(records, top=5, formula="balanced")`` groups messages by *place* and *problem*
and ranks the groups by a heat index. A record may carry its place and problem already (tickets:
their community or estate and their category): then grouping is a vectorised count over a million
rows. Otherwise the place is read from the text (``analytics.places``: estates, schools, villages,
roads, towns, the district as a fallback; messages naming no place are left out) and the problem
is found by text similarity inside each place: messages whose TF-IDF cosine over character
bigrams (subject counted twice) reaches ``similarity`` (0.3) are one problem (connected groups).
The problem's label is the subject of its most central message.

Heat is computed from these inputs, each shown on the card:

* ``requesters`` R: distinct requesters (留言用户 / the ticket's requester). A resident who posts
  the same complaint five times counts once: repeat posting does not inflate heat;
* ``likes`` L and ``dislikes`` D: support (点赞数) and opposition (反对数), net support
  N = max(L − D, 0);
* ``age_days`` A: days from the group's last message to ``now`` (default: the newest message);
* ``active_days`` T: distinct days with a message (spread in time; ``span_days`` is shown too).

Formulas, chosen by name:

* ``requesters``: heat = R;
* ``support``: heat = R × (1 + log10(1 + N)): ten net likes double a group's weight, a hundred
  triple it;
* ``balanced`` (default): support × 0.5^(A / 30) × (1 + 0.25 × log2(T)): a group fades by half
  every 30 days without a new message (``half_life_days``), and a problem raised on many
  different days outweighs a one-day burst of the same size, modestly.

Groups with fewer than ``min_requesters`` (2) distinct requesters are not hot spots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from quanyu.analytics.places import place_of
from quanyu.analytics.textsim import groups_by_similarity, vectorise
from quanyu.core.clock import LOCAL_TZ


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    user: str
    at: dt.datetime
    subject: str = ""
    text: str = ""
    likes: int = 0
    dislikes: int = 0
    place: str | None = None  # given (e.g. a ticket's community), else read from the text
    problem: str | None = None  # given (e.g. a ticket's category), else grouped by similarity


@dataclass(frozen=True)
class Inputs:
    """What a group's heat is computed from (numpy arrays, one entry per group)."""

    requesters: np.ndarray
    messages: np.ndarray
    likes: np.ndarray
    dislikes: np.ndarray
    age_days: np.ndarray
    active_days: np.ndarray
    span_days: np.ndarray
    half_life_days: float = 30.0


def _support(i: Inputs) -> np.ndarray:
    net = np.maximum(i.likes - i.dislikes, 0)
    return i.requesters * (1 + np.log10(1 + net))


def _balanced(i: Inputs) -> np.ndarray:
    recency = np.power(0.5, i.age_days / i.half_life_days)
    persistence = 1 + 0.25 * np.log2(np.maximum(i.active_days, 1))
    return _support(i) * recency * persistence


FORMULAS: dict[str, Callable[[Inputs], np.ndarray]] = {
    "requesters": lambda i: i.requesters.astype(float),
    "support": _support,
    "balanced": _balanced,
}


def _codes(values: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    uniques, codes = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return uniques, codes.astype(np.int64)


def _problems_by_text(
    messages: list[Message], places: list[str], similarity: float
) -> tuple[list[str], list[str]]:
    """A problem key and label per message, from text similarity inside each place."""
    keys = [""] * len(messages)
    labels = [""] * len(messages)
    by_place: dict[str, list[int]] = {}
    for i, place in enumerate(places):
        if place:
            by_place.setdefault(place, []).append(i)
    texts = [f"{m.subject} {m.subject} {m.text[:400]}" for m in messages]
    x = vectorise(texts)
    for place, rows in by_place.items():
        sub = x[rows]
        groups = groups_by_similarity(sub, similarity)
        for g in np.unique(groups):
            members = [rows[j] for j in np.flatnonzero(groups == g)]
            block = x[members]
            centre = np.asarray(block.sum(axis=0)).ravel()
            central = members[int(np.argmax(block @ centre))]
            for m in members:
                keys[m] = f"{place}#{g}"
                labels[m] = messages[central].subject or messages[central].text[:40]
    return keys, labels


def find_hotspots(
    records: Iterable[Message],
    *,
    top: int = 5,
    formula: str = "balanced",
    now: dt.datetime | None = None,
    similarity: float = 0.3,
    half_life_days: float = 30.0,
    min_requesters: int = 2,
) -> list[dict[str, Any]]:
    """The ``top`` hottest (place, problem) groups as cards: rank, heat, place, problem, start,
    end, message_ids and the heat's inputs (see the module docstring)."""
    if formula not in FORMULAS:
        raise ValueError(f"unknown heat formula {formula!r}; one of {', '.join(FORMULAS)}")
    messages = list(records)
    places = [m.place if m.place is not None else place_of(m.subject, m.text) for m in messages]
    keep = [i for i, p in enumerate(places) if p]
    messages = [messages[i] for i in keep]
    places = [places[i] for i in keep]
    if not messages:
        return []
    if all(m.problem is not None for m in messages):
        problem_keys = [f"{p}#{m.problem}" for p, m in zip(places, messages, strict=True)]
        problem_labels = [str(m.problem) for m in messages]
    else:
        problem_keys, problem_labels = _problems_by_text(messages, places, similarity)
    _groups, group = _codes(problem_keys)
    n_groups = int(group.max()) + 1
    _users, user = _codes([m.user for m in messages])
    stamp = np.array([m.at.timestamp() for m in messages], dtype=np.float64)
    day = (stamp // 86400).astype(np.int64)
    likes = np.array([m.likes for m in messages], dtype=np.float64)
    dislikes = np.array([m.dislikes for m in messages], dtype=np.float64)
    return _rank(
        group, n_groups, user, stamp, day, likes, dislikes,
        messages=messages, places=places, labels=problem_labels,
        top=top, formula=formula, now=now, half_life_days=half_life_days, min_requesters=min_requesters,
    )  # fmt: skip


def _distinct_per_group(group: np.ndarray, other: np.ndarray, n_groups: int) -> np.ndarray:
    pairs = np.unique(group * (int(other.max()) + 1) + other)
    return np.bincount(pairs // (int(other.max()) + 1), minlength=n_groups)


def _rank(
    group: np.ndarray,
    n_groups: int,
    user: np.ndarray,
    stamp: np.ndarray,
    day: np.ndarray,
    likes: np.ndarray,
    dislikes: np.ndarray,
    *,
    messages: list[Message],
    places: list[str],
    labels: list[str],
    top: int,
    formula: str,
    now: dt.datetime | None,
    half_life_days: float,
    min_requesters: int,
) -> list[dict[str, Any]]:
    first = np.full(n_groups, np.inf)
    last = np.full(n_groups, -np.inf)
    np.minimum.at(first, group, stamp)
    np.maximum.at(last, group, stamp)
    reference = now.timestamp() if now is not None else float(stamp.max())
    inputs = Inputs(
        requesters=_distinct_per_group(group, user, n_groups),
        messages=np.bincount(group, minlength=n_groups),
        likes=np.bincount(group, weights=likes, minlength=n_groups),
        dislikes=np.bincount(group, weights=dislikes, minlength=n_groups),
        age_days=np.maximum(reference - last, 0) / 86400,
        active_days=_distinct_per_group(group, day - day.min(), n_groups),
        span_days=np.floor(last / 86400) - np.floor(first / 86400) + 1,
        half_life_days=half_life_days,
    )
    heat = FORMULAS[formula](inputs)
    heat = np.where(inputs.requesters >= min_requesters, heat, -1.0)
    order = np.lexsort((-inputs.likes, -inputs.messages, -heat))
    chosen = [int(g) for g in order[:top] if heat[g] >= 0]
    members: dict[int, list[int]] = {g: [] for g in chosen}
    if chosen:
        wanted = np.isin(group, chosen)
        for i in np.flatnonzero(wanted):
            members[int(group[i])].append(int(i))
    cards = []
    for rank, g in enumerate(chosen, start=1):
        rows = sorted(members[g], key=lambda i: (stamp[i], messages[i].id))
        head = rows[0]
        cards.append(
            {
                "rank": rank,
                "heat": round(float(heat[g]), 3),
                "place": places[head],
                "problem": labels[head],
                "start": _iso(stamp[rows[0]]),
                "end": _iso(stamp[rows[-1]]),
                "message_ids": [messages[i].id for i in rows],
                "inputs": {
                    "formula": formula,
                    "requesters": int(inputs.requesters[g]),
                    "messages": int(inputs.messages[g]),
                    "likes": int(inputs.likes[g]),
                    "dislikes": int(inputs.dislikes[g]),
                    "active_days": int(inputs.active_days[g]),
                    "span_days": int(inputs.span_days[g]),
                    "age_days": round(float(inputs.age_days[g]), 1),
                },
            }
        )
    return cards


def _iso(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, tz=LOCAL_TZ).isoformat(timespec="seconds")
