import io

import pytest
from django.core.management import CommandError, call_command

from quanyu.api.models import Open311Client

pytestmark = pytest.mark.django_db


def test_command_issues_a_key_that_is_stored_hashed(city):
    city.users["district_admin"].is_superuser = True
    city.users["district_admin"].save(update_fields=["is_superuser"])
    out = io.StringIO()
    call_command("open311_client", "热线对接", stdout=out)
    key = next(line.split(": ", 1)[1] for line in out.getvalue().splitlines() if line.startswith("api_key"))
    client = Open311Client.objects.get(name="热线对接")
    assert key and key not in client.key_hash and client.key_prefix == key[:8]


def test_command_refuses_unknown_area(city):
    city.users["district_admin"].is_superuser = True
    city.users["district_admin"].save(update_fields=["is_superuser"])
    with pytest.raises(CommandError):
        call_command("open311_client", "x", "--area", "999999", stdout=io.StringIO())
    assert not Open311Client.objects.exists()
