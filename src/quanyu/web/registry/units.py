"""A unit's own page and the part-time committee members (issue 13 point 11).

The unit page is for office staff whose scope holds the unit and for the unit's own contact: what
the unit is, the party organisations set up in it, the committee seats its leaders hold (兼职委员),
its in-service members (as many as the viewer may see, linking to their records) and the
co-building contracts it is party to. Every other unit is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quanyu.cogov import selectors as cogov
from quanyu.core.params import parse_int
from quanyu.core.pii import mask_phone
from quanyu.orgs import selectors as orgs
from quanyu.web.people.units import unit_members_for
from quanyu.web.registry.views import staff_required

CONTRACTS_SHOWN = 20


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = orgs.unit_get_for(actor=request.user, unit_id=unit_id)
    members = unit_members_for(actor=request.user, unit=unit)
    contracts = cogov.contract_list_for(actor=request.user).filter(units=unit)
    context: dict[str, Any] = {
        "unit": unit,
        "contact_phone": mask_phone(unit.contact_phone),
        "party_orgs": orgs.unit_party_orgs(unit=unit),
        "seats": orgs.unit_part_time_posts(unit=unit),
        "members": None if members is None else members.count(),
        "contracts": list(contracts[:CONTRACTS_SHOWN]),
        "contracts_total": contracts.count(),
        "own": unit.pk in orgs.own_unit_ids(request.user),
    }
    return render(request, "web/units/detail.html", context)


@staff_required
def part_time_list(request: HttpRequest) -> HttpResponse:
    """兼职委员 of the street and community committees in the actor's scope, by committee."""
    committee_id = parse_int(request.GET.get("committee"))
    committee = orgs.party_org_get_for(actor=request.user, org_id=committee_id) if committee_id else None
    members = orgs.part_time_member_list_for(actor=request.user, committee=committee)
    groups: list[tuple[Any, list[Any]]] = []
    for member in members:
        if not groups or groups[-1][0].pk != member.committee_id:
            groups.append((member.committee, []))
        groups[-1][1].append(member)
    context = {"groups": groups, "total": len(members), "committee": committee}
    return render(request, "web/orgs/part_time.html", context)
