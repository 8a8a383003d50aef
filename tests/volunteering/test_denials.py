"""The permission matrix: every step × every persona. Allowed ones go through and write an
event (or their row); refused ones raise PermissionDenied and write nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from quanyu.volunteering import services
from quanyu.volunteering.models import Signup, Team
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
    "leader",
    "volunteer",
]
ORGANISERS = {"district_admin", "street_staff", "community_x", "leader"}
STAFF = {"district_admin", "street_staff", "community_x"}


def _signed_up(vs: Any) -> Signup:
    return services.signup_create(actor=vs.volunteers[0].user, activity=vs.activity)


def _checked_out(vs: Any) -> Signup:
    s = _signed_up(vs)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=s, at=start)
    return services.rollcall_check_out(actor=vs.leader, signup=s, at=start + dt.timedelta(minutes=60))


def _team(city: Any, vs: Any, actor: Any) -> Any:
    return services.team_create(
        actor=actor,
        name="新队伍",
        kind="resident",
        community=city.communities[0],
        organisation="幸福社区居委会",
    )


def _cancel(city: Any, vs: Any, actor: Any) -> Any:
    return services.signup_cancel(actor=actor, signup=vs.target)


def _rollcall(city: Any, vs: Any, actor: Any) -> Any:
    return services.rollcall_check_in(actor=actor, signup=vs.target, at=vs.activity.starts_at)


def _hours(city: Any, vs: Any, actor: Any) -> Any:
    return services.hours_decide(actor=actor, signup=vs.target, approve=True)


def _correction(city: Any, vs: Any, actor: Any) -> Any:
    return services.correction_request(actor=actor, signup=vs.target, minutes=61, reason="少记一分钟")


def _project(city: Any, vs: Any, actor: Any) -> Any:
    return services.project_create(actor=actor, team=vs.team, name="送健康进社区", kind="health")


def _sign_up_other(city: Any, vs: Any, actor: Any) -> Any:
    return services.signup_create(actor=actor, activity=vs.activity, volunteer=vs.volunteers[1])


Step = Callable[[Any, Any, Any], Any]
# step → (the target it needs, who may take it)
MATRIX: dict[str, tuple[Step, Callable[[Any], Any] | None, set[str]]] = {
    "team_create": (_team, None, STAFF),
    "project_create": (_project, None, ORGANISERS),
    "signup_for_another": (_sign_up_other, None, ORGANISERS),
    "signup_cancel": (_cancel, _signed_up, ORGANISERS | {"volunteer"}),
    "rollcall_check_in": (_rollcall, _signed_up, ORGANISERS),
    "hours_decide": (_hours, _checked_out, ORGANISERS),
    "correction_request": (_correction, _checked_out, {"volunteer"}),
}


def _actor(city: Any, vs: Any, persona: str) -> Any:
    if persona == "leader":
        return vs.leader
    if persona == "volunteer":
        return vs.volunteers[0].user
    return city.users[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", sorted(MATRIX))
def test_matrix(city, vs, step, persona):
    run, prepare, allowed = MATRIX[step]
    vs.target = prepare(vs) if prepare else None
    actor = _actor(city, vs, persona)
    watched = [o for o in (vs.target, vs.activity, vs.team) if o is not None]
    if persona in allowed:
        teams_before = Team.objects.count()
        result = run(city, vs, actor)
        assert result is not None
        assert Team.objects.count() >= teams_before
    else:
        with nothing_written(*watched), pytest.raises(PermissionDenied):
            run(city, vs, actor)
