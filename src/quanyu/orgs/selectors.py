from __future__ import annotations

from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Length, Substr

from quanyu.core.scoping import get_scoped_or_404, scope
from quanyu.orgs.models import PartyOrg, Unit


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
    return children


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


def unit_search_for(*, actor: Any, text: str = "", kind: str = "") -> QuerySet[Unit]:
    """Units in the actor's scope whose name contains ``text`` or whose credit code starts with it,
    of ``kind`` when given, ordered by name."""
    units = unit_list_for(actor=actor)
    text = text.strip()
    if text:
        units = units.filter(Q(name__icontains=text) | Q(credit_code__istartswith=text.upper()))
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("name", "id")
