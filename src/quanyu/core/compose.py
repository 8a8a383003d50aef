"""Composing a function from two steps while keeping the first step's signature for callers and
type checkers (``tickets.events.append_event`` = build the event, then insert it)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
A = TypeVar("A")
B = TypeVar("B")


def followed_by(first: Callable[P, A], then: Callable[[A], B], *, name: str) -> Callable[P, B]:
    """``then(first(...))``, named ``name``, with ``first``'s parameters and documentation."""

    @functools.wraps(first)
    def both(*args: P.args, **kwargs: P.kwargs) -> B:
        return then(first(*args, **kwargs))

    both.__name__ = both.__qualname__ = name
    return both
