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
* ``likes`` L and ``dislikes`` D: support (点赞数) and opposition (反对数), each requester's
  counted once (their most-liked message in the group, so reposting collects nothing), net
  support N = max(L − D, 0);
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
            picked = np.flatnonzero(groups == g)
            members = [rows[j] for j in picked]
            # the most central message: the largest summed similarity to the others (a group's
            # block of the place's matrix, not a dense centroid over the whole vocabulary)
            block = sub[picked]
            central = members[int(np.argmax(np.asarray((block @ block.T).sum(axis=1)).ravel()))]
            for m in members:
                keys[m] = f"{place}#{g}"
                labels[m] = messages[central].subject or messages[central].text[:40]
    return keys, labels


@dataclass
class Columns:
    """Messages as arrays, one entry per message: the fast path for many rows (a query's
    ``values_list`` turned into arrays). ``places`` and ``problems`` may be ints or strings;
    ``labels`` (what a card shows as the problem) default to ``problems``."""

    ids: np.ndarray
    users: np.ndarray
    stamps: np.ndarray  # POSIX seconds
    places: np.ndarray
    problems: np.ndarray
    likes: np.ndarray | None = None
    dislikes: np.ndarray | None = None
    labels: np.ndarray | None = None


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
    check_formula(formula)
    messages = list(records)
    places = [m.place if m.place is not None else place_of(m.subject, m.text) for m in messages]
    keep = [i for i, p in enumerate(places) if p]
    messages = [messages[i] for i in keep]
    places = [places[i] for i in keep]
    if not messages:
        return []
    if all(m.problem is not None for m in messages):
        problems = [str(m.problem) for m in messages]
        labels = problems
    else:
        problems, labels = _problems_by_text(messages, places, similarity)
    columns = Columns(
        ids=np.array([m.id for m in messages], dtype=object),
        users=np.array([m.user for m in messages], dtype=object).astype(str),
        stamps=np.array([m.at.timestamp() for m in messages], dtype=np.float64),
        places=np.array(places, dtype=object).astype(str),
        problems=np.array(problems, dtype=object).astype(str),
        likes=np.array([m.likes for m in messages], dtype=np.float64),
        dislikes=np.array([m.dislikes for m in messages], dtype=np.float64),
        labels=np.array(labels, dtype=object),
    )
    return hotspots_from_columns(
        columns,
        top=top,
        formula=formula,
        now=now,
        half_life_days=half_life_days,
        min_requesters=min_requesters,
    )


def check_formula(formula: str) -> None:
    if formula not in FORMULAS:
        raise ValueError(f"unknown heat formula {formula!r}; one of {', '.join(FORMULAS)}")


def _distinct_per_group(group: np.ndarray, other: np.ndarray, n_groups: int) -> np.ndarray:
    width = int(other.max()) + 1
    pairs = np.unique(group * width + other)
    return np.bincount(pairs // width, minlength=n_groups)


def _once_per_requester(group: np.ndarray, user: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the sum over its requesters of each one's largest value (their most-liked
    message): posting again collects no further weight."""
    width = int(user.max()) + 1
    pairs, inverse = np.unique(group * width + user, return_inverse=True)
    best = np.zeros(len(pairs))
    np.maximum.at(best, inverse, values)
    return np.bincount(pairs // width, weights=best, minlength=n_groups)


def hotspots_from_columns(
    c: Columns,
    *,
    top: int = 5,
    formula: str = "balanced",
    now: dt.datetime | None = None,
    half_life_days: float = 30.0,
    min_requesters: int = 2,
) -> list[dict[str, Any]]:
    """``find_hotspots`` over arrays whose places and problems are known (vectorised: a million
    rows in a few seconds)."""
    check_formula(formula)
    if len(c.ids) == 0:
        return []
    _p, place = np.unique(c.places, return_inverse=True)
    _q, problem = np.unique(c.problems, return_inverse=True)
    _g, group = np.unique(place.astype(np.int64) * (int(problem.max()) + 1) + problem, return_inverse=True)
    n_groups = int(group.max()) + 1
    _u, user = np.unique(c.users, return_inverse=True)
    stamp = np.asarray(c.stamps, dtype=np.float64)
    day = (stamp // 86400).astype(np.int64)
    zeros = np.zeros(len(stamp))
    likes = zeros if c.likes is None else np.asarray(c.likes, dtype=np.float64)
    dislikes = zeros if c.dislikes is None else np.asarray(c.dislikes, dtype=np.float64)
    first = np.full(n_groups, np.inf)
    last = np.full(n_groups, -np.inf)
    np.minimum.at(first, group, stamp)
    np.maximum.at(last, group, stamp)
    reference = now.timestamp() if now is not None else float(stamp.max())
    inputs = Inputs(
        requesters=_distinct_per_group(group, user.astype(np.int64), n_groups),
        messages=np.bincount(group, minlength=n_groups),
        likes=_once_per_requester(group, user, likes, n_groups),
        dislikes=_once_per_requester(group, user, dislikes, n_groups),
        age_days=np.maximum(reference - last, 0) / 86400,
        active_days=_distinct_per_group(group, day - day.min(), n_groups),
        span_days=np.floor(last / 86400) - np.floor(first / 86400) + 1,
        half_life_days=half_life_days,
    )
    heat = FORMULAS[formula](inputs)
    heat = np.where(inputs.requesters >= min_requesters, heat, -1.0)
    order = np.lexsort((-inputs.likes, -inputs.messages, -heat))
    chosen = [int(g) for g in order[:top] if heat[g] >= 0]
    labels = c.problems if c.labels is None else c.labels
    cards = []
    for rank, g in enumerate(chosen, start=1):
        rows = np.flatnonzero(group == g)
        rows = rows[np.lexsort((c.ids[rows].astype(str), stamp[rows]))]
        head = int(rows[0])
        cards.append(
            {
                "rank": rank,
                "heat": round(float(heat[g]), 3),
                "place": _plain(c.places[head]),
                "problem": _plain(labels[head]),
                "start": _iso(stamp[rows[0]]),
                "end": _iso(stamp[rows[-1]]),
                "message_ids": [_plain(i) for i in c.ids[rows]],
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


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value JSON takes."""
    return value.item() if isinstance(value, np.generic) else value


def _iso(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, tz=LOCAL_TZ).isoformat(timespec="seconds")
