"""Errors the ticket services raise, besides PermissionDenied and Http404.

Both are ``django.core.exceptions.ValidationError`` subclasses, so pages and the API already answer
them with a 4xx naming the problem; ``ConflictError`` (code ``conflict``) means "someone else
changed this first" and maps naturally to HTTP 409.
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
