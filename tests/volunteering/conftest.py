from __future__ import annotations

import pytest

from tests.volunteering.factories import make_setup


@pytest.fixture
def vs(city):
    return make_setup(city)
