"""Who may take which step of a wish. Small functions over the actor's roles at the wish's
community; they raise ``PermissionDenied`` (→ 403) and import no services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from quanyu.core.permissions import grants_for, has_role
from quanyu.core.roles import REGISTRY_EDITORS, Role
from quanyu.orgs.models import Unit
from quanyu.people.models import PartyMember
from quanyu.volunteering.models import Team
from quanyu.wishes.models import ClaimantKind, Wish, WishClaim

# Community staff (and those above them) review, publish, reassign, confirm by phone, see who wished.
STAFF = REGISTRY_EDITORS
# Residents post wishes for their own community from a phone.
POSTERS = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.BUILDING_HEAD})


def is_staff_at(actor: Any, wish: Wish) -> bool:
    return has_role(actor, STAFF, at_path=wish.scope_path)


def require_staff(actor: Any, wish: Wish) -> None:
    if not is_staff_at(actor, wish):
        raise PermissionDenied(_("只有该社区的工作人员可以办理此心愿"))


def require_staff_at_path(actor: Any, path: str) -> None:
    if not has_role(actor, STAFF, at_path=path):
        raise PermissionDenied(_("只有该社区的工作人员可以代为登记心愿"))


def require_poster(actor: Any, community_path: str) -> None:
    if not has_role(actor, POSTERS, at_path=community_path):
        raise PermissionDenied(_("只有本社区居民可以发布心愿"))


def is_wisher(actor: Any, wish: Wish) -> bool:
    return wish.wisher_id is not None and wish.wisher_id == getattr(actor, "pk", None)


def require_wisher_or_staff(actor: Any, wish: Wish) -> None:
    if not (is_wisher(actor, wish) or is_staff_at(actor, wish)):
        raise PermissionDenied(_("只有许愿人或社区工作人员可以办理"))


def member_of(actor: Any) -> PartyMember | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return PartyMember.objects.filter(user_id=actor.pk, anonymised=False).first()


def is_unit_contact(actor: Any, unit: Unit) -> bool:
    return any(g.unit_id == unit.pk for g in grants_for(actor))


def in_team(actor: Any, team: Team) -> bool:
    """The team's leader, or a volunteer of the team with this account."""
    me = getattr(actor, "pk", None)
    if me is None or not getattr(actor, "is_authenticated", False):
        return False
    return team.leader_id == me or team.memberships.filter(volunteer__user_id=me).exists()


def require_claimant(
    actor: Any, *, kind: str, member: PartyMember | None, unit: Unit | None, team: Team | None = None
) -> None:
    """A member claims for himself, a unit through its contact, a volunteer team through its
    leader or one of its volunteers."""
    if kind == ClaimantKind.MEMBER:
        if member is None or member.user_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("只有党员本人可以以党员身份认领"))
    elif kind == ClaimantKind.UNIT:
        if unit is None or not is_unit_contact(actor, unit):
            raise PermissionDenied(_("只有该单位的联系人可以以单位名义认领"))
    elif team is None or not in_team(actor, team):
        raise PermissionDenied(_("只有该服务队的负责人或队员可以以服务队名义认领"))


def holds_claim(actor: Any, claim: WishClaim) -> bool:
    me = getattr(actor, "pk", None)
    if me is None or not getattr(actor, "is_authenticated", False):
        return False
    if claim.by_user_id == me:
        return True
    if claim.claimant_kind == ClaimantKind.MEMBER and claim.member is not None:
        return claim.member.user_id == me
    if claim.claimant_kind == ClaimantKind.UNIT and claim.unit is not None:
        return is_unit_contact(actor, claim.unit)
    if claim.claimant_kind == ClaimantKind.TEAM and claim.team is not None:
        return in_team(actor, claim.team)
    return False


def require_claim_holder(actor: Any, claim: WishClaim, wish: Wish, *, staff_too: bool = False) -> None:
    if holds_claim(actor, claim) or (staff_too and is_staff_at(actor, wish)):
        return
    raise PermissionDenied(_("只有认领人可以办理"))
