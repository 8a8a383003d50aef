"""Who may do what in volunteering. Organisers of a team's work are its leader (the account named
on the team) and the registry editors (community, street, district staff) at the team's place;
volunteers act on their own sign-ups only. These raise ``PermissionDenied`` (403) and import no
services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.permissions import has_role
from quanyu.core.roles import REGISTRY_EDITORS
from quanyu.volunteering.models import Signup, Team, Volunteer

ORGANISERS = REGISTRY_EDITORS


def is_staff_at(actor: Any, path: str) -> bool:
    return has_role(actor, ORGANISERS, at_path=path)


def is_organiser(actor: Any, team: Team) -> bool:
    uid = getattr(actor, "pk", None)
    if uid is not None and getattr(actor, "is_authenticated", False) and team.leader_id == uid:
        return True
    return is_staff_at(actor, team.scope_path)


def require_staff(actor: Any, path: str) -> None:
    if not is_staff_at(actor, path):
        raise PermissionDenied(_("您无权管理该社区的志愿服务"))


def require_organiser(actor: Any, team: Team) -> None:
    if not is_organiser(actor, team):
        raise PermissionDenied(_("只有该志愿服务队的负责人或社区工作人员可以操作"))


def is_self(actor: Any, volunteer: Volunteer) -> bool:
    uid = getattr(actor, "pk", None)
    return bool(getattr(actor, "is_authenticated", False)) and uid is not None and volunteer.user_id == uid


def require_self(actor: Any, volunteer: Volunteer) -> None:
    if not is_self(actor, volunteer):
        raise PermissionDenied(_("只能为本人的志愿者身份操作"))


def require_self_or_organiser(actor: Any, signup: Signup, team: Team) -> None:
    if not (is_self(actor, signup.volunteer) or is_organiser(actor, team)):
        raise PermissionDenied(_("您无权操作该报名"))
