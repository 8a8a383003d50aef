"""``quanyu.core.http``: JSON read with a depth limit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from quanyu.accounts.models import User
from quanyu.core.http import JSONTooDeep, json_depth_within, json_loads


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ("x", 0), ([], 1), ({}, 1), ([1, [2]], 2), ({"a": [{"b": []}]}, 4), ([[], [[[]]], []], 4)],
)
def test_depth_is_counted_in_arrays_and_objects(value, depth):
    assert json_depth_within(value, depth)
    assert depth == 0 or not json_depth_within(value, depth - 1)


def test_too_deep_is_a_value_error_never_a_recursion_error():
    with pytest.raises(JSONTooDeep) as caught:
        json_loads("[" * 50_000 + "]" * 50_000, max_depth=64)  # past Python's recursion limit
    assert isinstance(caught.value, ValueError) and caught.value.limit == 64
    with pytest.raises(JSONTooDeep):
        json_loads("[" * 65 + "]" * 65, max_depth=64)  # parsed, then refused
    assert json_loads("[" * 64 + "]" * 64, max_depth=64) is not None
    assert json_loads('{"a": 1}', max_depth=1) == {"a": 1}
    with pytest.raises(ValueError):
        json_loads("{not json", max_depth=64)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/members/?search=a%00b", "search"),
        ("/api/residents/?search=a%00b", "search"),
        ("/api/members/export/?page=1&search=a%00b", "search"),
        ("/api/tickets/?search=a%00b", "search"),
        ("/api/units/?q=a%00b", "q"),
        ("/api/units/?%00=1", "detail"),
    ],
)
def test_a_nul_in_an_api_query_is_a_json_400_naming_the_parameter(city, url, field):
    response = client_for("district_admin").get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    message = "请求参数不能包含空字符（NUL）"
    assert response.json() == ({"detail": message} if field == "detail" else {field: [message]})


@pytest.mark.parametrize("url", ["/people/members/?q=a%00b", "/units/?q=a%00b", "/people/residents/?q=%00"])
def test_a_nul_in_a_page_query_is_a_400(city, url):
    assert client_for("district_admin").get(url).status_code == 400


def test_api_errors_outside_drf_answer_json(city):
    missing = Client().get("/api/no-such-endpoint/")
    assert missing.status_code == 404 and missing.json() == {"detail": "未找到"}
    page = Client().get("/no-such-page/")
    assert page.status_code == 404 and not page["Content-Type"].startswith("application/json")


def _boom(request):
    raise RuntimeError("an unexpected failure")


# This module is also the URLconf of the test below: one API path and one page that fail.
urlpatterns = [path("api/boom/", _boom), path("boom/", _boom)]
handler500 = "quanyu.core.http.server_error"


@pytest.mark.urls("tests.core.test_http")
def test_an_unexpected_api_error_answers_json_and_a_page_error_a_page(db):
    client = Client(raise_request_exception=False)
    api = client.get("/api/boom/")
    assert api.status_code == 500 and api.json() == {"detail": "服务器内部错误"}
    page = client.get("/boom/")
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")
