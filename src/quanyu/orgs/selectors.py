from __future__ import annotations

from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Substr
from django.http import Http404

from quanyu.core.permissions import grants_for
from quanyu.core.roles import STAFF_ROLES
from quanyu.core.scoping import get_scoped_or_404, scope, scope_q
from quanyu.orgs.collation import NameOrdered, sorted_by_name
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit


def party_org_list_for(*, actor: Any) -> QuerySet[PartyOrg]:
    return scope(PartyOrg.objects.select_related("area", "unit"), actor=actor)


def unit_list_for(*, actor: Any) -> QuerySet[Unit]:
    return scope(Unit.objects.select_related("area"), actor=actor)


# --- Pages: the party-organisation tree and the unit register -----------------------------------


def party_org_roots_for(*, actor: Any) -> list[PartyOrg]:
    """The top of the actor's part of the party-organisation tree: scoped organisations whose
    parent organisation is not in scope (one query)."""
    scoped = party_org_list_for(actor=actor)
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - PartyOrg.steplen)
    parent_in_scope = scope(PartyOrg.objects.filter(path=parent_path), actor=actor)
    return list(scoped.filter(Q(depth=1) | ~Exists(parent_in_scope)).order_by("path"))


def party_org_children_for(*, actor: Any, orgs: list[PartyOrg]) -> dict[int, list[PartyOrg]]:
    """The scoped children of each of ``orgs``, keyed by the parent's id (one query)."""
    if not orgs:
        return {}
    condition = Q()
    for org in orgs:
        condition |= Q(path__startswith=org.path, depth=org.depth + 1)
    by_path = {org.path: org.pk for org in orgs}
    children: dict[int, list[PartyOrg]] = {org.pk: [] for org in orgs}
    for child in party_org_list_for(actor=actor).filter(condition).order_by("path"):
        children[by_path[child.path[: -PartyOrg.steplen]]].append(child)
    return {pk: sorted_by_name(kids, lambda org: org.name) for pk, kids in children.items()}


def party_org_get_for(*, actor: Any, org_id: int) -> PartyOrg:
    return get_scoped_or_404(PartyOrg.objects.select_related("area", "unit"), actor=actor, pk=org_id)


def party_org_and_unit_counts_for(*, actor: Any) -> dict[str, int]:
    """How many party organisations and units the actor's scope holds (one query)."""
    orgs = (
        party_org_list_for(actor=actor)
        .order_by()
        .annotate(what=Value("party_orgs", output_field=CharField()))
        .values("what")
        .annotate(n=Count("id"))
        .values_list("what", "n")
    )
    units = (
        unit_list_for(actor=actor)
        .order_by()
        .annotate(what=Value("units", output_field=CharField()))
        .values("what")
        .annotate(n=Count("id"))
        .values_list("what", "n")
    )
    counts = {"party_orgs": 0, "units": 0}
    counts.update(dict(orgs.union(units, all=True)))
    return counts


def unit_search_for(*, actor: Any, text: str = "", kind: str = "") -> NameOrdered[Unit]:
    """Units in the actor's scope whose name contains ``text`` or whose credit code starts with it,
    of ``kind`` when given, in name (pinyin) order."""
    units = unit_list_for(actor=actor)
    text = text.strip()
    if text:
        units = units.filter(Q(name__icontains=text) | Q(credit_code__istartswith=text.upper()))
    if kind:
        units = units.filter(kind=kind)
    return NameOrdered(units)


# --- A unit's own page, and the part-time committee members ---------------------------------------


def own_unit_ids(actor: Any) -> set[int]:
    """The units the actor holds a grant on behalf of (a resident unit's contact, a department's
    handler)."""
    return {g.unit_id for g in grants_for(actor) if getattr(g, "unit_id", None)}


def unit_get_for(*, actor: Any, unit_id: Any) -> Unit:
    """A unit the actor may open: one in the scope of the actor's office roles, or a unit the actor
    speaks for. Anything else is a 404."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    units = Unit.objects.select_related("area")
    if not getattr(actor, "is_superuser", False):
        office = scope_q(tuple(g.area.path for g in grants_for(actor) if g.role in STAFF_ROLES), "area__path")
        if office is not None:
            units = units.filter(office | Q(pk__in=own_unit_ids(actor)))
    try:
        return units.get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unit_party_orgs(*, unit: Unit) -> list[PartyOrg]:
    """The party organisations set up in ``unit`` (the caller has opened the unit)."""
    return sorted_by_name(PartyOrg.objects.filter(unit=unit).select_related("area"), lambda org: org.name)


def part_time_member_list_for(
    *, actor: Any, committee: PartyOrg | None = None, unit: Unit | None = None
) -> list[PartTimeMember]:
    """兼职委员 on the committees in the actor's scope (of one committee, or from one unit), by
    committee (in tree order) and then name."""
    members = scope(PartTimeMember.objects.select_related("unit", "committee__area"), actor=actor)
    if committee is not None:
        members = members.filter(committee=committee)
    if unit is not None:
        members = members.filter(unit=unit)
    rows = sorted_by_name(members, lambda m: m.name)
    return sorted(rows, key=lambda m: m.committee.path)


def unit_part_time_posts(*, unit: Unit) -> list[PartTimeMember]:
    """The committee seats the unit's leaders hold (shown on the unit's own page)."""
    members = PartTimeMember.objects.filter(unit=unit).select_related("committee__area")
    return sorted(sorted_by_name(members, lambda m: m.name), key=lambda m: m.committee.path)
