"""Tree scoping: the one function that limits every user-reachable query to the actor's subtree.

Areas and party organisations carry a materialised path (django-treebeard MP_Node ``path``). A role
grant ties a user to a node; the user sees every object whose scoped path starts with one of the
user's grant paths. A model opts in by naming the path that scopes it::

    class Unit(models.Model):
        scope_path_field = "area__path"

The actor supplies ``scope_paths`` (accounts.User computes it from its grants); superusers and
the district-wide admin see everything (an empty path prefix). Anything outside is simply not in
the queryset, so detail views built on it answer 404, never a leak.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

EVERYTHING = ""


def actor_scope_paths(actor: Any) -> tuple[str, ...]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ()
    if getattr(actor, "is_superuser", False):
        return (EVERYTHING,)
    return tuple(getattr(actor, "scope_paths", ()) or ())


def collapse_paths(paths: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Drop paths that lie under another path of the set (their subtree is already included)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(kept)


def scope_q(paths: tuple[str, ...], field: str) -> models.Q | None:
    """Q for 'field starts with one of paths'; None means unrestricted."""
    paths = collapse_paths(paths)
    if EVERYTHING in paths:
        return None
    if not paths:
        return models.Q(pk__in=[])
    return reduce(or_, (models.Q(**{f"{field}__startswith": p}) for p in paths))


def scope(queryset: models.QuerySet[M], *, actor: Any, field: str | None = None) -> models.QuerySet[M]:
    """The actor's part of ``queryset``. ``field`` defaults to the model's ``scope_path_field``."""
    field = field or getattr(queryset.model, "scope_path_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} has no scope_path_field; pass field=")
    condition = scope_q(actor_scope_paths(actor), field)
    if condition is None:
        return queryset
    return queryset.filter(condition)


def get_scoped_or_404(queryset: models.QuerySet[M], *, actor: Any, **lookup: Any) -> M:
    """The object if it exists inside the actor's scope; Http404 otherwise (never 403: no leak)."""
    try:
        return scope(queryset, actor=actor).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
