from __future__ import annotations

import pytest

from quanyu.core.roles import Role
from tests.factories import City, make_user


@pytest.fixture
def unit_contact(city: City):
    """The contact of the first community's resident unit (a grant on behalf of the unit)."""
    user = make_user("unit_contact", Role.RESIDENT, city.communities[0], unit=city.units[0])
    city.users["unit_contact"] = user
    return user
