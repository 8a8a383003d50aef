from __future__ import annotations

import pytest

from tests.wishes.factories import make_world


@pytest.fixture
def world(city):
    return make_world(city)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
