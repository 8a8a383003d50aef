from __future__ import annotations

import pytest

from tests.factories import City, make_city, make_personas


@pytest.fixture
def city(db) -> City:
    c = make_city()
    make_personas(c)
    return c
