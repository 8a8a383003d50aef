"""The navigation of the app shell: a small registry that each domain adds its pages to.

A domain registers its entries where it declares its routes (``quanyu.web.<app>.urls``); labels
use the "nav" translation context so that a menu entry may read differently from a model's name::

    from django.utils.translation import pgettext_lazy
    from quanyu.web.nav import NavItem, register

    register(NavItem(key="tickets", label=pgettext_lazy("nav", "诉求工单"), url_name="web:ticket_list",
                     roles=STAFF_ROLES, order=20))

An entry shows for a user who holds one of ``roles`` (superusers see every entry); ``roles`` None
means every signed-in user. Entries are sorted by ``order``; the current one is marked by
``url_name`` or by the path prefix of its URL.

Entries name a ``group`` (one of ``GROUPS``: registry, tickets, people, venues, assessment, cogov,
system). A user who sees only a few entries gets them as a flat row; a user who sees many (a
district administrator sees 25+) gets one menu per group, so the bar stays one line on a laptop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from quanyu.core.roles import STAFF_ROLES


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None
    order: int = 100
    # Other url names that mark this entry as current (detail pages under a list).
    also_current: frozenset[str] = field(default_factory=frozenset)
    group: str = ""

    def visible_to(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.roles is None or getattr(user, "is_superuser", False):
            return True
        return bool(self.roles & getattr(user, "roles", frozenset()))


_ITEMS: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add (or replace, by ``key``) navigation entries."""
    for item in items:
        _ITEMS[item.key] = item


def registered() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.key))


# Menu groups in the order they appear; an entry without a group stands on its own.
GROUPS: dict[str, Promise] = {
    "registry": pgettext_lazy("nav", "区域组织"),
    "tickets": pgettext_lazy("nav", "诉求办理"),
    "people": pgettext_lazy("nav", "党员群众"),
    "venues": pgettext_lazy("nav", "党建阵地"),
    "assessment": pgettext_lazy("nav", "考核评价"),
    "cogov": pgettext_lazy("nav", "共建共治"),
    "system": pgettext_lazy("nav", "系统"),
}
# Up to this many visible entries are shown flat, without group menus.
FLAT_LIMIT = 7


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url: str
    current: bool
    group: str = ""


@dataclass(frozen=True)
class NavGroup:
    """One item of the top bar: a single entry (``entries`` of one, no ``label``) or a menu."""

    key: str
    label: str | Promise | None
    entries: tuple[NavEntry, ...]

    @property
    def current(self) -> bool:
        return any(entry.current for entry in self.entries)

    @property
    def is_menu(self) -> bool:
        return self.label is not None


def nav_for(user: Any, *, url_name: str | None, items: Iterable[NavItem] | None = None) -> list[NavEntry]:
    """The entries ``user`` may see, with the current page's entry marked."""
    entries = []
    for item in registered() if items is None else items:
        if not item.visible_to(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = url_name is not None and (url_name == item.url_name or url_name in item.also_current)
        entries.append(NavEntry(key=item.key, label=item.label, url=url, current=current, group=item.group))
    return entries


def nav_groups(entries: list[NavEntry]) -> list[NavGroup]:
    """The top bar for these entries: flat when few, one menu per group when many."""
    if len(entries) <= FLAT_LIMIT:
        return [NavGroup(key=e.key, label=None, entries=(e,)) for e in entries]
    by_group: dict[str, list[NavEntry]] = {}
    bar: list[NavGroup] = []
    for entry in entries:
        if entry.group in GROUPS:
            if entry.group not in by_group:
                by_group[entry.group] = []
                bar.append(NavGroup(key=entry.group, label=GROUPS[entry.group], entries=()))
            by_group[entry.group].append(entry)
        else:
            bar.append(NavGroup(key=entry.key, label=None, entries=(entry,)))
    return [
        NavGroup(key=g.key, label=g.label, entries=tuple(by_group[g.key])) if g.label is not None else g
        for g in bar
    ]


register(
    NavItem(key="home", label=pgettext_lazy("nav", "工作台"), url_name="web:home", order=0),
    NavItem(
        key="areas",
        label=pgettext_lazy("nav", "区域网格"),
        url_name="web:area_index",
        roles=STAFF_ROLES,
        order=10,
        also_current=frozenset({"web:area_detail"}),
        group="registry",
    ),
    NavItem(
        key="orgs",
        label=pgettext_lazy("nav", "党组织"),
        url_name="web:org_tree",
        roles=STAFF_ROLES,
        order=40,
        group="registry",
    ),
    NavItem(
        key="units",
        label=pgettext_lazy("nav", "单位"),
        url_name="web:unit_list",
        roles=STAFF_ROLES,
        order=50,
        group="registry",
    ),
)
