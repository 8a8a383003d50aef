"""The two errors of a state change, shared by every workflow app.

Both are ``django.core.exceptions.ValidationError`` subclasses, so a page that shows a service's
ValidationError on its form keeps working; ``http_status_for`` answers both with 409:
``TransitionError`` (code ``invalid_transition``) — the step is not allowed in the object's current
state; ``ConflictError`` (code ``conflict``) — the object moved on while this request waited for it
(someone else got there first).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """The action is not allowed in the object's current state (code ``invalid_transition``)."""

    def __init__(self, message: str, code: str = "invalid_transition") -> None:
        super().__init__(message, code=code)


class ConflictError(TransitionError):
    """The object moved on while this request waited for it, e.g. a second response to a whistle
    that another handler has just responded to (code ``conflict``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")
