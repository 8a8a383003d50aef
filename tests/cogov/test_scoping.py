"""Who sees what, for every co-governance list and detail, API and pages: the objects of community
X (0), its sibling in the same street (1) and Y (2, in the other street), against every persona.
Out of scope is 404 on a detail and absent from a list; a refused step writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from quanyu.cogov import services
from tests.asserts import nothing_written
from tests.cogov.factories import YEAR, draft_contract

pytestmark = pytest.mark.django_db

X, X_SIBLING, Y = 0, 1, 2
SEES = {
    "community_x": {X},
    "street_staff": {X, X_SIBLING},
    "district_admin": {X, X_SIBLING, Y},
    "grid_worker": set(),  # a grid is below the community a contract or body belongs to
    "department_handler": set(),
    "resident": set(),
    "outsider": set(),
}


def _task(city, i: int):
    admin = city.users["district_admin"]
    body = services.body_create(actor=admin, area=city.communities[i], kind="federation", name=f"联合会{i}")
    services.body_add_member(actor=admin, body=body, name="甲")
    session = services.session_plan(actor=admin, body=body, title=f"会议{i}", held_on=dt.date(YEAR, 3, 1))
    [task] = services.session_hold(
        actor=admin,
        session=session,
        attendance=list(body.members.values_list("pk", flat=True)),
        minutes="纪要",
        resolutions=[{"resolution": f"决议{i}", "owner_unit": city.units[i], "due": dt.date(YEAR, 5, 1)}],
    )
    return task


@dataclass(frozen=True)
class Endpoint:
    name: str
    list_url: str
    detail_url: str
    object_of: Callable[[Any, int], Any]


ENDPOINTS = [
    Endpoint(
        "api-contracts",
        "/api/cogov/contracts/",
        "/api/cogov/contracts/{pk}/",
        lambda c, i: draft_contract(c, community=i),
    ),
    Endpoint("api-tasks", "/api/cogov/tasks/", "/api/cogov/tasks/{pk}/", _task),
    Endpoint(
        "api-sessions", "/api/cogov/sessions/", "/api/cogov/sessions/{pk}/", lambda c, i: _task(c, i).session
    ),
    Endpoint(
        "api-bodies", "/api/cogov/bodies/", "/api/cogov/bodies/{pk}/", lambda c, i: _task(c, i).session.body
    ),
    Endpoint(
        "page-contracts",
        "/cogov/contracts/",
        "/cogov/contracts/{pk}/",
        lambda c, i: draft_contract(c, community=i),
    ),
    Endpoint("page-tasks", "/cogov/tasks/", "/cogov/tasks/{pk}/", _task),
    Endpoint("page-sessions", "/cogov/meetings/", "/cogov/sessions/{pk}/", lambda c, i: _task(c, i).session),
]


def _listed(response, endpoint: Endpoint, obj) -> bool:
    if endpoint.name.startswith("api-"):
        return obj.pk in {row["id"] for row in response.json()["results"]}
    return f"/{obj.pk}/" in response.content.decode()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", sorted(SEES))
def test_scoping_matrix(city, endpoint, persona):
    objects = {i: endpoint.object_of(city, i) for i in (X, X_SIBLING, Y)}
    client = Client()
    client.force_login(city.users[persona])
    response = client.get(endpoint.list_url)
    assert response.status_code == 200
    for i, obj in objects.items():
        visible = i in SEES[persona]
        assert _listed(response, endpoint, obj) is visible, (persona, i)
        assert client.get(endpoint.detail_url.format(pk=obj.pk)).status_code == (200 if visible else 404)


def test_unit_contact_sees_only_its_units_contracts(city, unit_contact):
    mine, other = draft_contract(city, community=X), draft_contract(city, community=X_SIBLING)
    client = Client()
    client.force_login(unit_contact)
    ids = {row["id"] for row in client.get("/api/cogov/contracts/").json()["results"]}
    assert mine.pk in ids and other.pk not in ids
    assert client.get(f"/cogov/contracts/{other.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["community_y", "resident", "outsider", "grid_worker"])
def test_refused_steps_write_nothing(city, persona):
    contract = draft_contract(city)
    task = _task(city, X)
    client = Client()
    client.force_login(city.users[persona])
    with nothing_written(contract, task, task.session):
        for url, data in [
            (f"/api/cogov/contracts/{contract.pk}/sign/", {"side": "area"}),
            (f"/api/cogov/contracts/{contract.pk}/end/", {"status": "cancelled", "reason": "x"}),
            (f"/api/cogov/tasks/{task.pk}/cancel/", {"reason": "x"}),
            (f"/api/cogov/sessions/{task.session_id}/close/", {}),
        ]:
            r = client.post(url, data, content_type="application/json")
            assert r.status_code in (403, 404), (url, r.status_code)
        for url in [f"/cogov/contracts/{contract.pk}/sign_area/", f"/cogov/tasks/{task.pk}/cancel/"]:
            assert client.post(url, {"reason": "x"}).status_code in (403, 404)
