"""The workflow kit every app with a state machine uses (docs/WORKFLOWS.md is the recipe).

- ``errors``: ``TransitionError`` and ``ConflictError``, shared by every app (both answer 409);
- ``transitions``: ``check_transition`` against an app's ``ALLOWED`` table, with the guard for
  "the status the caller saw is no longer the status" (→ ``ConflictError``);
- ``locks``: ``lock``/``lock_one``/``lock_all`` — ``SELECT … FOR NO KEY UPDATE OF self``, several rows
  in pk order; ``for_delete`` for the one case that needs a plain ``FOR UPDATE``;
- ``events``: ``EventBase``, the abstract event model (at, actor, actor_name, kind, payload) each
  app's event table extends, and ``actor_fields`` for writing one;
- ``http``: ``http_status_for(exc)``, the one map from domain errors to HTTP status codes.

This package imports no app above ``core``: apps import it, never the other way round.
"""

from __future__ import annotations

from quanyu.core.workflow.errors import ConflictError, TransitionError
from quanyu.core.workflow.http import http_status_for
from quanyu.core.workflow.locks import for_delete, lock, lock_all, lock_one
from quanyu.core.workflow.transitions import check_transition

__all__ = [
    "ConflictError",
    "TransitionError",
    "check_transition",
    "for_delete",
    "http_status_for",
    "lock",
    "lock_all",
    "lock_one",
]
