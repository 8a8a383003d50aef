"""The public reads behind GET requests: tickets filed under a published Open311 service.

GeoReport v2 lists requests to anyone, so only tickets whose category is published as an Open311
service are visible here, and only the fields the spec names (never contact data)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from quanyu.tickets.models import Ticket, TicketPhoto, Whistle


def public_request_queryset() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(category__open311_published=True)
        .exclude(category__service_code="")
        .select_related("category", "handling_area")
        .prefetch_related(
            Prefetch(
                "whistles",
                queryset=Whistle.objects.filter(lead=True).select_related("department").order_by("-id"),
                to_attr="lead_whistles",
            ),
            Prefetch(
                "photos",
                queryset=TicketPhoto.objects.filter(kind=TicketPhoto.Kind.REPORT).order_by("id"),
                to_attr="report_photos",
            ),
        )
        .order_by("-created_at", "-id")
    )
