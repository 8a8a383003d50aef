from __future__ import annotations

import pytest

from tests.tickets.factories import make_catalog


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cat(city):
    return make_catalog(city)
