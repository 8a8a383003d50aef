"""The pick-a-point map opens on the user's own grids (issue 13 point 4): a resident's community,
a grid worker's grid; anonymous users and district-wide staff get the whole city."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import own_grid_ids_for

pytestmark = pytest.mark.django_db


def focus_of(user) -> list[int]:
    client = Client()
    if user is not None:
        client.force_login(user)
    html = client.get("/tickets/new/").content.decode()
    match = re.search(r'data-focus-grids="([\d,]*)"', html)
    assert match
    return [int(x) for x in match.group(1).split(",") if x]


def test_resident_opens_on_the_grids_of_the_community(city):
    community = city.communities[0]
    expected = list(
        Area.objects.filter(kind=AreaKind.GRID, path__startswith=community.path)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    assert expected
    assert focus_of(city.users["resident"]) == expected == own_grid_ids_for(actor=city.users["resident"])


def test_grid_worker_opens_on_the_grid_and_others_on_the_city(city):
    assert own_grid_ids_for(actor=city.users["grid_worker"]) == [city.grids[0].pk]
    assert focus_of(None) == []
    assert own_grid_ids_for(actor=city.users["district_admin"]) == []
