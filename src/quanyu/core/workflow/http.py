"""One map from domain errors to HTTP status codes, used by the API's exception handler
(``quanyu.api.errors``) and the pages (``quanyu.web.views``) alike (docs/ARCHITECTURE.md, "Errors").

=====================================  ====  ==========================================
error                                  code  meaning
=====================================  ====  ==========================================
``TransitionError`` / ``ConflictError``  409  not allowed in this state / lost a race
``ValidationError``                    400  invalid input (field-named when it has fields)
``PermissionDenied``                   403  the actor's role may not act
``Http404`` / ``ObjectDoesNotExist``   404  out of the actor's scope, or gone
``RequestDataTooBig``                  413  the body is over the limit
DRF ``UnsupportedMediaType``           415  a body or file of a type not accepted
DRF ``Throttled``, ``LockedOut``        429  too many requests (or log-ins)
=====================================  ====  ==========================================

Anything else is not a domain error: ``None`` (the caller lets it become a 500).
"""

from __future__ import annotations

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404

from quanyu.core.workflow.errors import TransitionError

CONFLICT = 409

_BY_TYPE: tuple[tuple[type[BaseException], int], ...] = (
    (TransitionError, CONFLICT),  # before ValidationError: it is one
    (ValidationError, 400),
    (PermissionDenied, 403),
    (Http404, 404),
    (ObjectDoesNotExist, 404),
    (RequestDataTooBig, 413),
)


def http_status_for(exc: BaseException) -> int | None:
    """The HTTP status a domain error answers with, or None when ``exc`` is not one.

    Exceptions that carry their own ``status_code`` (DRF's ``APIException``s: 413, 415, 429 …)
    keep it."""
    for kind, status in _BY_TYPE:
        if isinstance(exc, kind):
            return status
    own = getattr(exc, "status_code", None)
    return own if isinstance(own, int) else None
