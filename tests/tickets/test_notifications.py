"""tickets.notifications: the staff who hear of a new ticket (``staff_recipients``, remembered per
process) follow grant changes made in this process at once."""

from __future__ import annotations

import pytest

from quanyu.accounts.models import RoleGrant
from quanyu.core.roles import Role
from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import Channel
from tests.factories import make_user
from tests.tickets.factories import GRID_111

pytestmark = pytest.mark.django_db


def test_recipients_follow_grant_changes_at_once_in_this_process(city, cat, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    actor = city.users["resident"]
    services.ticket_create(
        actor=actor, text="路灯不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    newcomer = make_user("grid_worker_2", Role.GRID_WORKER, city.grids[0])  # a grant saved here
    services.ticket_create(
        actor=actor, text="路灯又不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    RoleGrant.objects.get(user=newcomer).delete()
    services.ticket_create(
        actor=actor, text="路灯还不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    assert Notification.objects.filter(recipient=city.users["grid_worker"]).count() == 3
