from __future__ import annotations

import pytest

from tests.venues.factories import make_place


@pytest.fixture
def place(city):
    return make_place(city, 0)


@pytest.fixture
def other_place(city):
    return make_place(city, 2)
