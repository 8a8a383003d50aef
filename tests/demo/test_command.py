"""`quanyu demo build` and `quanyu demo accounts` as commands: output, the accounts file, the
empty-database rule, --reset, and the same seed giving the same data."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quanyu.accounts.models import User
from quanyu.areas.models import Area
from quanyu.demo.build import DEMO_PASSWORD
from quanyu.orgs.models import PartyOrg, Unit

pytestmark = pytest.mark.django_db


def build(*args: str) -> str:
    out = StringIO()
    call_command("demo_build", "--scale", "0.05", "--seed", "5", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    return {
        "areas": list(Area.objects.order_by("path").values_list("path", "name", "code", "population", "lon")),
        "users": list(User.objects.order_by("username").values_list("username", "display_name")),
        "units": list(Unit.objects.order_by("name").values_list("kind", "name", "address", "contact_phone")),
        "orgs": list(PartyOrg.objects.order_by("path").values_list("path", "name", "member_count")),
    }


def test_build_prints_and_writes_the_accounts_then_refuses_a_second_time(tmp_path):
    accounts_file = tmp_path / "var" / "demo-accounts.json"
    output = build("--accounts-file", str(accounts_file))
    assert "演示城市已生成" in output and "jiedao_xiangyang" in output and DEMO_PASSWORD in output
    rows = json.loads(accounts_file.read_text(encoding="utf-8"))
    assert rows[0] == {"username": "admin", "password": DEMO_PASSWORD, "role": "admin", "scope": "烟台市"}
    assert all(set(row) == {"username", "password", "role", "scope"} for row in rows)

    listing = StringIO()
    call_command("demo_accounts", "--accounts-file", str(accounts_file), stdout=listing)
    assert "bumen_chengguan" in listing.getvalue() and DEMO_PASSWORD in listing.getvalue()
    # Every department's first handler is listed, with its department named (issue 13 point 10).
    handlers = [row for row in rows if row["role"] == "department_handler"]
    departments = Unit.objects.filter(kind="department", area__isnull=False).count()
    assert len(handlers) == departments and len(handlers) > 8
    names = set(Unit.objects.filter(kind="department").values_list("name", flat=True))
    assert {row["scope"].split("（")[0] for row in handlers} == names

    users = User.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        build("--accounts-file", str(accounts_file))
    assert User.objects.count() == users  # nothing written


@pytest.mark.django_db(transaction=True)  # flush runs in its own transaction, as it does for real
def test_reset_rebuilds_the_same_city_from_the_same_seed(tmp_path):
    accounts_file = tmp_path / "demo-accounts.json"
    build("--accounts-file", str(accounts_file))
    first, first_accounts = snapshot(), accounts_file.read_text(encoding="utf-8")
    User.objects.filter(username="jumin_1").update(display_name="changed by hand")
    output = build("--reset", "--accounts-file", str(accounts_file))
    assert "已清空数据库" in output
    assert snapshot() == first
    assert accounts_file.read_text(encoding="utf-8") == first_accounts


def test_accounts_without_a_file_says_what_to_run(tmp_path):
    with pytest.raises(CommandError, match="quanyu demo build"):
        call_command("demo_accounts", "--accounts-file", str(tmp_path / "missing.json"), stdout=StringIO())


def test_refused_outside_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="DEBUG"):
        build("--accounts-file", str(tmp_path / "a.json"))
    assert not Area.objects.exists()


def test_bad_scale_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="--scale"):
        call_command(
            "demo_build", "--scale", "0", "--accounts-file", str(tmp_path / "a.json"), stdout=StringIO()
        )
