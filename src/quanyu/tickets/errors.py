"""Kept only for ``quanyu.api.tickets`` (being moved into ``api/tickets/`` in parallel): the errors
live in ``quanyu.core.workflow.errors``. Delete this module once nothing imports it."""

from __future__ import annotations

from quanyu.core.workflow.errors import ConflictError, TransitionError

__all__ = ["ConflictError", "TransitionError"]
