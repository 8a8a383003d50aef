"""The public reads behind GET requests: tickets filed under a published Open311 service.

GeoReport v2 lists requests to anyone, so only tickets whose category is published as an Open311
service are visible here, and only the fields the spec names (never contact data). The query is the
tickets domain's ``ticket_public_list`` selector."""

from __future__ import annotations

from django.db.models import QuerySet

from quanyu.tickets.models import Ticket
from quanyu.tickets.selectors import ticket_public_list


def public_request_queryset() -> QuerySet[Ticket]:
    return ticket_public_list()
