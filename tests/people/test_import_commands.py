"""``quanyu import members|residents``: the command around the people importers."""

import pytest
from django.core.management import CommandError, call_command

from quanyu.people.models import PartyMember
from tests.factories import make_user
from tests.people.helpers import roster_row, write_roster

pytestmark = pytest.mark.django_db


def roster(tmp_path, city, branches):
    community = city.communities[0]
    return write_roster(tmp_path / "a.xlsx", [roster_row(1, community.name, branches[community.name].name)])


def test_the_actor_must_be_named_and_active(tmp_path, city, branches):
    path = roster(tmp_path, city, branches)
    make_user("root", superuser=True)
    with pytest.raises(CommandError, match="--actor"):
        call_command("import_members", str(path), verbosity=0)  # no default, even with a superuser
    staff = city.users["community_x"]
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("import_members", str(path), "--actor", "community_x", verbosity=0)
    assert PartyMember.objects.count() == 0
    staff.is_active = True
    staff.save(update_fields=["is_active"])
    call_command("import_members", str(path), "--actor", "community_x", verbosity=0)
    assert PartyMember.objects.count() == 1


def test_a_missing_file_is_named(tmp_path, city):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_residents", str(tmp_path / "nope.xlsx"), "--actor", "community_x", verbosity=0)
