"""The co-governance admin is read-only: it lists and shows, never adds, changes or deletes."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cogov.factories import draft_contract, held_session_with_task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_admin_pages_are_read_only(city):
    contract = draft_contract(city)
    task = held_session_with_task(city)
    client = Client()
    client.force_login(make_user("root", superuser=True))
    for name in [
        "contract",
        "contractevent",
        "body",
        "session",
        "task",
        "taskevent",
        "secretaryproject",
        "projectevent",
        "admissionrequest",
        "admissionevent",
        "deliberation",
        "deliberationevent",
        "result",
        "resultevent",
    ]:
        assert client.get(f"/admin/cogov/{name}/").status_code == 200, name
        assert client.get(f"/admin/cogov/{name}/add/").status_code == 403, name
    assert client.get(f"/admin/cogov/contract/{contract.pk}/change/").status_code == 200
    r = client.post(f"/admin/cogov/task/{task.pk}/change/", {"status": "closed"})
    assert r.status_code == 403
