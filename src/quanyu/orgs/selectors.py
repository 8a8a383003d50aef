from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from quanyu.core.scoping import scope
from quanyu.orgs.models import PartyOrg, Unit


def party_org_list_for(*, actor: Any) -> QuerySet[PartyOrg]:
    return scope(PartyOrg.objects.select_related("area", "unit"), actor=actor)


def unit_list_for(*, actor: Any) -> QuerySet[Unit]:
    return scope(Unit.objects.select_related("area"), actor=actor)
