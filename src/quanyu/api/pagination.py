"""Page-number pagination that answers bad paging parameters with a 400 naming the parameter
(DRF's default silently falls back to the default size and answers a bad page number with 404)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def _positive_int(request: Request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [_("必须是正整数")]}) from None
    if value < 1:
        raise exceptions.ValidationError({name: [_("必须是正整数")]})
    if maximum is not None and value > maximum:
        raise exceptions.ValidationError({name: [_("不能大于 %(max)d") % {"max": maximum}]})
    return value


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        return (
            _positive_int(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size
        )

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> list[Any]:
        self.request = request
        self.current_page_size = self.get_page_size(request)
        page_number = _positive_int(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, self.current_page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise exceptions.NotFound(_("第 %(page)d 页不存在") % {"page": page_number}) from None
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        page = self.page
        assert page is not None
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "page_size": self.current_page_size,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        base = super().get_paginated_response_schema(schema)
        base["required"] = ["count", "page", "page_size", "results"]
        base["properties"] = {
            "count": base["properties"]["count"],
            "page": {"type": "integer", "example": 1},
            "page_size": {"type": "integer", "example": self.page_size},
            "next": base["properties"]["next"],
            "previous": base["properties"]["previous"],
            "results": schema,
        }
        return base

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            param["schema"] = {**param.get("schema", {}), "minimum": 1}
            if param["name"] == self.page_size_query_param:
                param["schema"]["maximum"] = self.max_page_size
        return params
