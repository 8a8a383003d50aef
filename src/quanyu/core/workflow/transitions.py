"""The transition check against an app's state table (``ALLOWED``: status → the statuses it may
become; a state with no targets is final)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from quanyu.core.workflow.errors import ConflictError, TransitionError


def allowed(
    table: Mapping[Any, Collection[str]],
    current: str,
    target: str,
    *,
    only_from: Collection[str] | None = None,
) -> bool:
    """Whether ``current → target`` is in ``table`` (and ``current`` in ``only_from`` if given)."""
    return target in table.get(current, ()) and (only_from is None or current in only_from)


def check_transition(
    table: Mapping[Any, Collection[str]],
    current: str,
    target: str,
    *,
    labels: type[models.TextChoices],
    seen: str | None = None,
    action: str | None = None,
    what: str | None = None,
    only_from: Collection[str] | None = None,
) -> None:
    """Raise unless ``current → target`` is allowed by ``table``.

    ``current`` is the status of the row read under lock; ``seen`` the status of the caller's copy
    (what the user saw). When ``seen`` allowed the step but ``current`` no longer does, someone
    else got there first: ``ConflictError``. Otherwise a ``TransitionError`` naming the current
    state, and ``action`` (e.g. "受理") when given, else the target state. ``what`` names the thing
    ("工单", "呼叫") in the conflict message."""
    if allowed(table, current, target, only_from=only_from):
        return
    label = labels(current).label
    if seen is not None and seen != current and allowed(table, seen, target, only_from=only_from):
        raise ConflictError(
            _("%(what)s已被他人处理（当前状态：%(status)s），无法%(action)s")
            % {"what": what or _("该事项"), "status": label, "action": action or labels(target).label}
        )
    if action is None:
        raise TransitionError(
            _("当前状态“%(cur)s”不能变为“%(new)s”") % {"cur": label, "new": labels(target).label}
        )
    raise TransitionError(
        _("%(what)s当前状态为“%(status)s”，不能%(action)s")
        % {"what": what or _("该事项"), "status": label, "action": action}
    )
