from __future__ import annotations

import pytest

from quanyu.core.roles import Role
from tests.assessment.helpers import department
from tests.factories import make_user


@pytest.fixture
def depts(city):
    """Three departments: 区城管局 (in the test city, with the persona handler), 区住建局, 区水务局."""
    return {
        "cg": department(city, "区城管局"),
        "housing": department(city, "区住建局"),
        "water": department(city, "区水务局"),
    }


@pytest.fixture
def people(city):
    """The personas plus the organisation department and a leader (district-wide)."""
    city.users["org_dept"] = make_user("org_dept", Role.ORG_DEPARTMENT, city.district)
    city.users["leader"] = make_user("leader", Role.LEADER, city.district)
    city.users["auditor"] = make_user("auditor", Role.AUDITOR, city.district)
    return city.users


@pytest.fixture
def api_client():
    """A client with a token for ``username`` (obtained through the token endpoint)."""
    from django.test import Client

    from tests.factories import PASSWORD

    def make(username: str) -> Client:
        response = Client().post(
            "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    return make
