"""schemathesis over every operation of /api/schema/, in-process, as an administrator and as a
community worker (issue 12, "Must show"): 0 server errors and 0 schema violations.

Bounded so it runs in CI on every database: a few derandomized examples per operation, no example
database, no deadline. Each call carries a fresh token of the persona (our header replaces the
auth schemathesis would generate, so its ``ignored_auth`` check is left out): an operation that
revokes the caller's token (log-out) must not turn the rest of the run into 401s.

Checked on every answer: not a server error, a documented status code, a documented content type,
a body that conforms to the documented schema. Every operation is run; none is skipped.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
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

from tests.tickets.factories import make_catalog

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 3


@pytest.mark.parametrize("persona", ["district_admin", "community_x"])
def test_every_operation_answers_as_documented(city, settings, persona):
    settings.QUANYU_REQUIRE_OTP = False
    make_catalog(city)
    user = city.users[persona]
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hsettings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            token, _ = Token.objects.get_or_create(user=user)
            case.headers = {**(case.headers or {}), "Authorization": f"Token {token.key}"}
            response = case.call()
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:  # one entry per failed check
                for failure in group.exceptions:
                    problems.append(_describe(operation, response, failure))

        run()
    assert operations > 150, operations
    # Calls that reached the views: an answer of mostly 401/403 would check nothing.
    assert statuses[401] < sum(statuses.values()) / 20, statuses
    assert not problems, f"{len(problems)} problems ({dict(statuses)}):\n" + "\n".join(sorted(set(problems)))


def _describe(operation, response, failure: Failure) -> str:
    detail = " ".join(str(getattr(failure, "message", "")).split())[:160]
    return (
        f"{operation.method.upper()} {operation.path} → {response.status_code}: {failure.title}: {detail}"
        f" | {response.text[:160]}"
    )
