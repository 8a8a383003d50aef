"""The work-bench to-do list: a small registry that each domain adds its providers to.

The home page of every role leads with "what is waiting for me": a list of lines, each a count
and a link to the page where the work is done. Domains declare what they contribute next to
their navigation entries (``quanyu.web.<app>.urls``)::

    from quanyu.web.todo import TodoItem, TodoProvider, register_todo

    def _my_work(user):
        n = selectors.thing_list_for(actor=user, status="pending").count()
        return [TodoItem(key="things", label=_("待处理事项"), count=n, url_name="web:thing_list")]

    register_todo(TodoProvider(key="things", roles=frozenset({Role.COMMUNITY_STAFF}), items=_my_work))

A provider runs only for a user holding one of its ``roles`` (``None``: every signed-in user;
superusers run them all) and must read through the domain's scoped selectors, so a count never
includes rows the user could not open. An item with ``count`` None is a plain action ("上报巡查");
an item whose count is 0 is still listed (a zero says "nothing waiting"), unless the provider
leaves it out. ``urgent`` marks overdue work. Items are sorted by ``order`` then ``key``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str | Promise
    url_name: str
    count: int | None = None
    query: str = ""  # appended to the URL, e.g. "tab=todo"
    urgent: bool = False
    order: int = 100
    # For key figures (a leader's home): shown as a figure, not as a task.
    figure: bool = False

    @property
    def url(self) -> str:
        try:
            base = reverse(self.url_name)
        except NoReverseMatch:
            return ""
        return f"{base}?{self.query}" if self.query else base


@dataclass(frozen=True)
class TodoProvider:
    key: str
    items: Callable[[Any], Iterable[TodoItem]]
    roles: frozenset[str] | None = None
    order: int = 100

    def runs_for(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.roles is None or getattr(user, "is_superuser", False):
            return True
        return bool(self.roles & getattr(user, "roles", frozenset()))


_PROVIDERS: dict[str, TodoProvider] = {}


def register_todo(*providers: TodoProvider) -> None:
    """Add (or replace, by ``key``) to-do providers."""
    for provider in providers:
        _PROVIDERS[provider.key] = provider


def registered_todo() -> list[TodoProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key))


def todos_for(user: Any, *, providers: Iterable[TodoProvider] | None = None) -> list[TodoItem]:
    """The to-do lines (and key figures) of ``user``; items whose page cannot be reversed are left
    out, and one key appears once (the first provider wins)."""
    seen: set[str] = set()
    items: list[TodoItem] = []
    for provider in registered_todo() if providers is None else providers:
        if not provider.runs_for(user):
            continue
        for item in provider.items(user):
            if item.key in seen or not item.url:
                continue
            seen.add(item.key)
            items.append(item)
    return sorted(items, key=lambda i: (i.order, i.key))
