"""The workflow kit: the transition check with its "someone else was first" guard, and the one map
from domain errors to HTTP status codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, ValidationError
from django.db import models
from django.http import Http404
from rest_framework.exceptions import Throttled, UnsupportedMediaType

from quanyu.core.workflow import ConflictError, TransitionError, check_transition, http_status_for


class Light(models.TextChoices):
    RED = "red", "红"
    GREEN = "green", "绿"
    OFF = "off", "关"


ALLOWED = {
    Light.RED: frozenset({Light.GREEN, Light.OFF}),
    Light.GREEN: frozenset({Light.RED, Light.OFF}),
    Light.OFF: frozenset(),
}


def test_an_allowed_step_passes_and_a_final_state_refuses_every_step():
    check_transition(ALLOWED, "red", "green", labels=Light)
    with pytest.raises(TransitionError) as err:
        check_transition(ALLOWED, "off", "red", labels=Light)
    assert not isinstance(err.value, ConflictError)
    assert err.value.code == "invalid_transition"


def test_a_step_the_caller_saw_allowed_but_the_row_no_longer_allows_is_a_conflict():
    with pytest.raises(ConflictError) as err:
        check_transition(ALLOWED, "off", "green", labels=Light, seen="red", action="变绿", what="信号灯")
    assert err.value.code == "conflict" and "信号灯" in err.value.messages[0]


def test_a_step_the_caller_could_not_take_either_is_no_conflict():
    with pytest.raises(TransitionError) as err:
        check_transition(ALLOWED, "off", "green", labels=Light, seen="off")
    assert not isinstance(err.value, ConflictError)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (TransitionError("x"), 409),
        (ConflictError("x"), 409),
        (ValidationError({"name": "x"}), 400),
        (PermissionDenied("x"), 403),
        (Http404("x"), 404),
        (ObjectDoesNotExist("x"), 404),
        (RequestDataTooBig("x"), 413),
        (UnsupportedMediaType("text/plain"), 415),
        (Throttled(), 429),
        (RuntimeError("x"), None),
    ],
)
def test_one_map_from_domain_errors_to_http(exc, status):
    assert http_status_for(exc) == status
