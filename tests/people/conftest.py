from __future__ import annotations

import pytest

from tests.people.helpers import make_branches


@pytest.fixture
def branches(city):
    return make_branches(city)
