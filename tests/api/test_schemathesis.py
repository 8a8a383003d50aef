"""schemathesis over every operation of /api/schema/, in-process, as an administrator and as a
community worker (issue 12, "Must show"): 0 server errors and 0 schema violations.

Bounded so it runs in CI on every database: a few derandomized examples per operation, no example
database, no deadline. Each call carries a fresh token of the persona (our header replaces the
auth schemathesis would generate, so its ``ignored_auth`` check is left out): an operation that
revokes the caller's token (log-out) must not turn the rest of the run into 401s.

Checked on every answer: not a server error, a documented status code, a documented content type,
a body that conforms to the documented schema. Every operation is run; none is skipped. A detail
operation (``{id}``) is called with the first object of its list as the persona sees it (seeded
below in each app), and once with a generated id.

Not enforced yet: schemathesis's negative mode (inputs that break the schema, which must answer
400) is not run, nor its response-header and stateful (links) checks; operations whose list is
empty for the persona (about half of them) meet only generated ids, nearly all answered 404.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.assessment.factories import community_set
from tests.cogov.factories import listed, opened, planned_session, signed_contract
from tests.tickets.factories import make_catalog, new_ticket, to_street
from tests.venues.factories import make_venue
from tests.volunteering.factories import make_setup
from tests.wishes.factories import make_world

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 3


def _keep_connection() -> None:
    """schemathesis calls the WSGI app directly, not through Django's test client: as the client
    does, keep the test's connection (and its transaction) open across requests. (The client
    connects the handlers again after each of its own requests.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture
def _connection_kept_between_requests():
    _keep_connection()
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_connection_kept_between_requests")
@pytest.mark.parametrize("persona", ["district_admin", "community_x"])
def test_every_operation_answers_as_documented(city, settings, persona):
    settings.QUANYU_REQUIRE_OTP = False
    _seed(city)
    user = city.users[persona]
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    operations = 0
    known_ids: dict[str, Any] = {}

    def check(operation, strategy, examples: int) -> None:
        @given(case=strategy)
        @hsettings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            token, _ = Token.objects.get_or_create(user=user)
            case.headers = {**(case.headers or {}), "Authorization": f"Token {token.key}"}
            _keep_connection()
            response = case.call()
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:  # one entry per failed check
                for failure in group.exceptions:
                    problems.append(_describe(operation, response, failure))

        run()

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if "{id}" in operation.path:
            # Generated ids are nearly all 404: also call with an object the persona sees in the list.
            real_id = _first_id(user, operation.path.split("{id}")[0], known_ids)
            if real_id is not None:
                check(
                    operation, operation.as_strategy(path_parameters={"id": real_id}), EXAMPLES_PER_OPERATION
                )
                check(operation, operation.as_strategy(), 1)
                continue
        check(operation, operation.as_strategy(), EXAMPLES_PER_OPERATION)
    assert operations > 150, operations
    # The seeded objects are met: ids found in at least a third of the lists detail paths hang from.
    assert sum(v is not None for v in known_ids.values()) * 3 >= len(known_ids), known_ids
    # Calls that reached the views: an answer of mostly 401/403 would check nothing.
    assert statuses[401] < sum(statuses.values()) / 20, statuses
    assert not problems, f"{len(problems)} problems ({dict(statuses)}):\n" + "\n".join(sorted(set(problems)))


def _describe(operation, response, failure: Failure) -> str:
    detail = " ".join(str(getattr(failure, "message", "")).split())[:160]
    return (
        f"{operation.method.upper()} {operation.path} → {response.status_code}: {failure.title}: {detail}"
        f" | {response.text[:160]}"
    )


def test_an_id_past_the_database_integer_is_a_400_naming_the_field(city, settings):
    """Found by the run above: ``POST /api/tickets/{id}/whistle/`` answered 500 for a department id
    past a database integer (OverflowError on SQLite, DataError on PostgreSQL)."""
    settings.QUANYU_REQUIRE_OTP = False
    make_catalog(city)
    ticket = to_street(city, new_ticket(city))
    token, _ = Token.objects.get_or_create(user=city.users["street_staff"])
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
        f"/api/tickets/{ticket.pk}/whistle/",
        {"departments": [2**63], "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"departments"}


def test_a_blackout_in_year_63_is_a_400_naming_the_field(city, settings):
    """Found by the run above on PostgreSQL: a blackout from year 63 was stored and answered with
    the zone's local mean time ("+08:05:43"), no RFC 3339 date-time."""
    settings.QUANYU_REQUIRE_OTP = False
    venue = make_venue(city, city.communities[0])
    token, _ = Token.objects.get_or_create(user=city.users["district_admin"])
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
        f"/api/venues/{venue.pk}/blackouts/",
        {"starts_at": "0063-12-16T10:47:43Z", "ends_at": "2026-01-01T10:00:00Z", "reason": "检修"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"starts_at"}
    assert not venue.blackouts.exists()


def _seed(city) -> None:
    """A few objects in each app, so that detail operations also meet objects that exist."""
    make_catalog(city)
    new_ticket(city)
    make_venue(city, city.communities[0], functions=["party_activity"])
    make_setup(city)
    make_world(city)
    signed_contract(city)
    planned_session(city)
    opened(city)
    listed(city)
    community_set(city, city.users["district_admin"])


def _first_id(user, list_path: str, known: dict[str, Any]) -> Any:
    """The id of the first object the persona's list at ``list_path`` answers (None without one)."""
    if list_path not in known:
        token, _ = Token.objects.get_or_create(user=user)
        response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(list_path)
        body = (
            response.json()
            if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json")
            else None
        )
        rows = body.get("results") if isinstance(body, dict) else body
        first = rows[0] if isinstance(rows, list) and rows else None
        known[list_path] = first.get("id") if isinstance(first, dict) else None
    return known[list_path]
