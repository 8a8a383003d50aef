"""The OpenAPI schema's answers for errors, documented once for every operation.

Every endpoint answers its errors the same way (``api.errors`` and ``core.http``): 400 with the
offending fields (``{"field": ["…"]}``) or ``{"detail": "…"}``, 401 without a valid token, 403
for a role that may not act, 404 outside the caller's scope, 409 for a step the object's state no
longer allows or a race lost to another user. An operation that documents one of these itself
keeps its own description; the others get the shared one here, so clients and schemathesis see
every answer the server gives."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """``{\"detail\": \"…\"}``: every error that names no field."""

    detail = serializers.CharField()


INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Invalid input: the fields (or parameters) named with their errors"
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid token (missing, expired or revoked)")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The caller's role may not do this here")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside the caller's scope")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The object's state no longer allows this step, or another user got there first",
)


class QuanyuAutoSchema(AutoSchema):
    def _get_paginator(self) -> Any:
        """Only a viewset's ``list`` pages its answer; its other actions (``events``, ``roster``,
        ``similar`` …) answer a bare array even when their serializer is ``many=True``."""
        action = getattr(self.view, "action", None)
        if action is not None and action != "list":
            return None
        return super()._get_paginator()

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        detail = "{" in self.path
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        public = all(p is AllowAny for p in getattr(self.view, "permission_classes", []))
        errors = {"400": INVALID}
        if not public:
            errors |= {"401": UNAUTHENTICATED, "403": FORBIDDEN}
        if not public or detail or self._is_list_view():  # any object a parameter names may be out of scope
            errors["404"] = NOT_FOUND
        if writes and detail:
            errors["409"] = CONFLICT
        for code, answer in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return responses
