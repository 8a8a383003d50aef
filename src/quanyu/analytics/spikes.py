"""Spikes: a category in a grid or community well above its own day-of-week baseline.

``find_spikes(counts, start)`` looks at a daily count series. The expected count of a day is the
mean of the same weekday over the previous ``weeks`` weeks (a seasonal baseline: Mondays are
compared with Mondays); a day is a spike when it has at least ``min_count`` messages and its
count exceeds the expected one by ``z`` (4) standard deviations, the deviation being the larger
of the same-weekday spread and the Poisson √expected (so a quiet series with a flat history does not
fire on 0 → 2). Days with less than ``min_weeks`` weeks of history are not judged.

``spikes_by_key(rows, …)`` does the same for (key, date) rows, e.g. key = (grid, category).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Spike:
    day: dt.date
    observed: int
    expected: float
    score: float  # (observed − expected) / deviation
    key: Hashable = None


def find_spikes(
    counts: Sequence[int],
    start: dt.date,
    *,
    weeks: int = 8,
    min_weeks: int = 3,
    z: float = 4.0,
    min_count: int = 3,
    key: Hashable = None,
) -> list[Spike]:
    """The spikes in a daily series whose first day is ``start`` (see the module docstring)."""
    y = np.asarray(counts, dtype=float)
    out: list[Spike] = []
    for t in range(min_weeks * 7, len(y)):
        lags = np.arange(1, weeks + 1) * 7
        history = y[t - lags[lags <= t]]
        expected = float(history.mean())
        deviation = max(float(history.std(ddof=1)) if len(history) > 1 else 0.0, np.sqrt(max(expected, 1.0)))
        score = (y[t] - expected) / deviation
        if y[t] >= min_count and score >= z:
            out.append(
                Spike(day=start + dt.timedelta(days=t), observed=int(y[t]), expected=round(expected, 2),
                      score=round(float(score), 2), key=key)
            )  # fmt: skip
    return out


def spikes_by_key(rows: Iterable[tuple[Hashable, dt.date]], **options: float) -> list[Spike]:
    """Spikes of every key's daily series, built from (key, day) rows, strongest first."""
    days: dict[Hashable, list[dt.date]] = defaultdict(list)
    for key, day in rows:
        days[key].append(day)
    out: list[Spike] = []
    for key, seen in days.items():
        first = min(seen)
        series = np.bincount([(d - first).days for d in seen])
        out.extend(find_spikes(series.tolist(), first, key=key, **options))  # type: ignore[arg-type]
    return sorted(out, key=lambda s: -s.score)
