"""Values a process remembers instead of reading them on every request: the one style of every
per-process cache.

* ``ProcessMemo`` — values with a lifetime: each kind names its setting (0 turns it off), e.g. the
  tokens a process has checked (``api/auth.py``) and who is told of new work (``tickets/
  notifications.py``).
* ``RevisedMemo`` — values derived from a table that changes rarely (the catalogue's matcher, the
  holiday years, the grid index): trusted for ``recheck_seconds()``, then one cheap aggregate over
  the table (its *revision*) decides whether they still hold; all are forgotten when it changed.

Both forget everything when one of the models they depend on is saved or deleted in this process
(``forget_when_changed``), and never grow past ``limit`` entries. Writes that send no signal (bulk
creates, queryset updates, COPY: the imports, holiday seeding) call ``forget()`` themselves, so the
process that wrote sees the change at once. Other processes are not told: they follow within the
lifetime or the recheck window, the price each user names in its own docstring.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")

# The one setting of every RevisedMemo: seconds a process trusts what it derived from a table
# before it reads the table's revision again (settings.py; 0 = on every use).
RECHECK_SETTING = "QUANYU_REVISION_RECHECK_SECONDS"


def recheck_seconds() -> float:
    """``settings.QUANYU_REVISION_RECHECK_SECONDS`` (default 2): how long a ``RevisedMemo`` is
    trusted before its table's revision is read again."""
    return float(getattr(settings, RECHECK_SETTING, 2))


_MEMOS: list[ProcessMemo[Any]] = []
# The memos that depend on each model (by its "app_label.ModelName" label).
_WATCHING: dict[str, list[ProcessMemo[Any]]] = {}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def forget_all() -> None:
    """Make every memo of this process forget (a database emptied under them: tests, demo reset)."""
    for memo in tuple(_MEMOS):
        memo.forget()


def forget_models(*changed: type[models.Model] | str) -> None:
    """Make every memo that depends on one of ``changed`` forget, in this process. Called by the
    writes that send no model signal (``bulk_create``, queryset ``update``, COPY), where the memo
    belongs to an app this one may not import (an area import and the ticket intake's recipients)."""
    for label in {_label(m) for m in changed}:
        for memo in tuple(_WATCHING.get(label, ())):
            memo.forget()


class ProcessMemo(Generic[V]):
    def __init__(self, setting: str, default: float, *, limit: int = 10_000, name: str = "") -> None:
        self.setting, self.default, self.limit = setting, default, limit
        self.name = name or setting
        self.lock = threading.Lock()
        self.rows: dict[Hashable, tuple[float, V]] = {}
        _MEMOS.append(self)

    def ttl(self) -> float:
        return float(getattr(settings, self.setting, self.default))

    def get(self, key: Hashable) -> V | None:
        ttl = self.ttl()
        if ttl <= 0:
            return None
        with self.lock:
            row = self.rows.get(key)
        if row is None or time.monotonic() - row[0] >= ttl:
            return None
        return row[1]

    def put(self, key: Hashable, value: V) -> None:
        if self.ttl() <= 0:
            return
        with self.lock:
            if len(self.rows) >= self.limit:
                self.rows.clear()
            self.rows[key] = (time.monotonic(), value)

    def forget(self) -> None:
        """Forget everything remembered in this process."""
        with self.lock:
            self.rows.clear()

    def clear(self, sender: Any = None, **kwargs: Any) -> None:
        """``forget`` as a signal receiver."""
        self.forget()

    def forget_when_changed(self, *watched: type[models.Model] | str) -> None:
        """Forget everything when an instance of one of ``watched`` (a model or its "app.Model"
        label) is saved or deleted here."""
        self._watch(watched, self.clear, "")

    def _watch(self, watched: Iterable[type[models.Model] | str], receiver: Any, suffix: str) -> None:
        """Call ``receiver`` when an instance of one of ``watched`` is saved or deleted here, and
        count this memo among those ``forget_models`` reaches for them."""
        for model in watched:
            label = _label(model)
            if self not in _WATCHING.setdefault(label, []):
                _WATCHING[label].append(self)
            uid = f"core.memo.{self.name}.{label}{suffix}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save", weak=False)
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete", weak=False)


class RevisedMemo(ProcessMemo[V]):
    """Values derived from a table, keyed, sharing the table's ``revision`` (a cheap aggregate,
    e.g. count, top id and last ``updated_at``). Within ``recheck_seconds()`` of the last check a
    value is used as it is; after that the revision is read once and, when it changed, every value
    is forgotten. ``recheck()`` only makes the next use read the revision again (the values stay
    when the table turns out unchanged); ``forget()`` drops them."""

    def __init__(self, name: str, revision: Callable[[], Hashable], *, limit: int = 10_000) -> None:
        super().__init__(RECHECK_SETTING, 2, limit=limit, name=name)
        self.revision_of = revision
        self.revision: Hashable | None = None
        self.checked_at = 0.0

    def value(self, key: Hashable, build: Callable[[], V]) -> V:
        """The remembered value of ``key``, or ``build()`` remembered."""
        now = time.monotonic()
        with self.lock:
            fresh = self.revision is not None and now - self.checked_at < self.ttl()
            row = self.rows.get(key) if fresh else None
        if row is not None:
            return row[1]
        if not fresh:
            revision = self.revision_of()
            with self.lock:
                if revision != self.revision:
                    self.rows.clear()
                self.revision, self.checked_at = revision, now
                row = self.rows.get(key)
            if row is not None:
                return row[1]
        built = build()
        with self.lock:
            if len(self.rows) >= self.limit:
                self.rows.clear()
            self.rows[key] = (now, built)
        return built

    def recheck(self, sender: Any = None, **kwargs: Any) -> None:
        """Read the revision again on the next use (a signal receiver too)."""
        with self.lock:
            self.checked_at = float("-inf")

    def forget(self) -> None:
        with self.lock:
            self.rows.clear()
            self.revision, self.checked_at = None, 0.0

    def recheck_when_changed(self, *watched: type[models.Model] | str) -> None:
        """Read the revision again after an instance of one of ``watched`` is saved or deleted
        here (cheaper than ``forget_when_changed`` when most saves leave the revision as it was)."""
        self._watch(watched, self.recheck, ".recheck")
