"""API errors: the domain errors services raise become the 4xx of the house's one map
(``quanyu.core.workflow.http.http_status_for``; docs/ARCHITECTURE.md, "Errors"): a field-named 400
for a ValidationError, 403 for PermissionDenied, 409 for a TransitionError/ConflictError (a step
not allowed in the current state, or a lost race) on every endpoint, 413 for a body over the limit;
everything else keeps DRF's handling.

``LockedOut`` is the API's answer when django-axes locks an account after repeated failed log-ins:
a 429 with a Chinese message (the log-in pages answer with their own page).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from quanyu.core.workflow.http import CONFLICT, http_status_for


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("登录失败次数过多，账号已被暂时锁定，请稍后再试或联系管理员解锁。")
    default_code = "locked_out"


class Conflict(exceptions.APIException):
    """409: the step does not fit the object's current state, or someone else was first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(_("请求体过大：上限为 %(limit)d 字节") % {"limit": limit})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    code = http_status_for(exc)
    if code == CONFLICT and isinstance(exc, DjangoValidationError):
        exc = Conflict(detail=exc.messages[0], code=exc.code or "invalid_transition")
    elif isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, ObjectDoesNotExist):  # gone between the scope check and the lock
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
