"""Values a process remembers for a few seconds instead of reading them on every request.

One ``ProcessMemo`` per kind of value: its lifetime is a setting (0 turns it off), it forgets
everything when one of the models it depends on is saved or deleted in this process, and it
never grows past ``limit`` entries. Other processes are not told: they follow within the lifetime,
which is the price each user of it names in its own docstring.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")


class ProcessMemo(Generic[V]):
    def __init__(self, setting: str, default: float, *, limit: int = 10_000) -> None:
        self.setting, self.default, self.limit = setting, default, limit
        self.lock = threading.Lock()
        self.rows: dict[Hashable, tuple[float, V]] = {}

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

    def clear(self, sender: Any = None, **kwargs: Any) -> None:
        with self.lock:
            self.rows.clear()

    def forget_when_changed(self, *watched: type[models.Model]) -> None:
        """Forget everything when an instance of one of ``watched`` is saved or deleted here."""
        for model in watched:
            uid = f"core.memo.{self.setting}.{model._meta.label}"
            post_save.connect(self.clear, sender=model, dispatch_uid=f"{uid}.save", weak=False)
            post_delete.connect(self.clear, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
