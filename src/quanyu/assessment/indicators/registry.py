"""The indicator provider registry: each app contributes functions that compute an indicator for
a set of targets (areas or units) and a period.

A provider is registered once, at import of its module in ``providers/`` (the list
``providers.MODULES``), by ``register(Provider(...))``. Its ``compute(targets, period, shared)``
answers a
``Figure`` per target id in one pass over the app's rows (not a query per target: 150 communities
are computed together); ``rows(actor, target, period)`` answers the records behind the figure
through the owning app's scoped selector (the drill-down, out of scope = not there).

A figure is a numerator over a denominator (``denominator`` None: a plain count), so a parent's
figure is the sum of its children's parts and drill-down figures add up.

The apps never import ``assessment``: a provider module lives here, in ``providers/<app>.py``, and
reads the app's models and selectors (assessment ranks above every workflow app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from quanyu.assessment.periods import Period

AREA, UNIT = "area", "unit"


@dataclass(frozen=True)
class Target:
    """Who is assessed: an area (street, community, any node for drill-down) or a unit."""

    kind: str  # AREA | UNIT
    pk: int
    name: str
    path: str  # the area's path, or the unit's area path


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    def __add__(self, other: Figure) -> Figure:
        den = None
        if self.denominator is not None or other.denominator is not None:
            den = (self.denominator or Decimal(0)) + (other.denominator or Decimal(0))
        return Figure(self.numerator + other.numerator, den)


ZERO = Figure(Decimal(0), Decimal(0))

# compute(targets, period, shared): ``shared`` is a dict that lives for one computation run, so
# providers of one app may read their rows once for all their indicators.
Compute = Callable[[Sequence[Target], Period, dict[str, Any]], dict[int, Figure]]
# rows(actor, target, period): the records behind the figure, through the app's scoped selector.
Rows = Callable[[Any, Target, Period], QuerySet[Any]]
# describe(record) -> (text, url name, url args): one line of the drill-down list.
Describe = Callable[[Any], tuple[str, str, list[Any]]]


@dataclass(frozen=True)
class Provider:
    key: str  # "<app>.<name>", e.g. "tickets.resolved_in_time"
    label: Any  # a lazy translation
    unit: str  # how the value reads: "%", "次/支部", "分/人" …
    kinds: frozenset[str]  # the target kinds it can compute: AREA, UNIT
    compute: Compute
    rows: Rows | None = None
    describe: Describe | None = None
    direction: str = "higher"
    percent: bool = False  # the value is a share (shown ×100 with %)


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    if provider.key in _PROVIDERS and _PROVIDERS[provider.key] is not provider:
        raise ValueError(f"indicator provider {provider.key!r} registered twice")
    _PROVIDERS[provider.key] = provider
    return provider


def get(key: str) -> Provider | None:
    _load()
    return _PROVIDERS.get(key)


def all_providers(kind: str | None = None) -> list[Provider]:
    _load()
    return sorted((p for p in _PROVIDERS.values() if kind is None or kind in p.kinds), key=lambda p: p.key)


def _load() -> None:
    from quanyu.assessment.indicators import providers

    providers.load()


def common_path(targets: Sequence[Target]) -> str:
    """The longest path every target lies under ("" for none in common): providers read only the
    rows under it, so a street's or a community's figures do not scan the whole city."""
    paths = [t.path for t in targets]
    if not paths:
        return ""
    prefix = min(paths, key=len)
    while prefix and not all(p.startswith(prefix) for p in paths):
        prefix = prefix[:-1]
    return prefix


def deepest(targets: Sequence[Target]) -> int:
    """The length of the longest target path: rows below it can be summed to that depth before
    ``rollup_by_path`` (a provider may group by the path's first so many characters)."""
    return max((len(t.path) for t in targets), default=0)


def rollup_by_path(
    parts: Iterable[tuple[str, Decimal, Decimal | None]], targets: Sequence[Target]
) -> dict[int, Figure]:
    """Sum (path, numerator, denominator) rows into the targets whose path is a prefix of each
    row's path: the one way a provider turns per-row or per-community counts into any level.
    A target's figure is the sum of its rows' figures (``Figure.__add__``: the denominator is
    None only if every row's is), accumulated per distinct target path and made a ``Figure`` once
    (the cockpit's city sums a thousand grid rows into it for each of seven figures)."""
    lengths: dict[int, set[str]] = {}
    for t in targets:
        lengths.setdefault(len(t.path), set()).add(t.path)
    levels = sorted(lengths.items())
    sums: dict[str, list[Any]] = {}  # target path → [numerator, denominator or None]
    for path, num, den in parts:
        for length, wanted in levels:
            key = path[:length]
            if key not in wanted:
                continue
            acc = sums.get(key)
            if acc is None:
                sums[key] = [num, den]
                continue
            acc[0] += num
            if den is not None:
                acc[1] = den if acc[1] is None else acc[1] + den
    out: dict[int, Figure] = {}
    for t in targets:
        acc = sums.get(t.path)
        out[t.pk] = (
            ZERO if acc is None else Figure(Decimal(acc[0]), None if acc[1] is None else Decimal(acc[1]))
        )
    return out
