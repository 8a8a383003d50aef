"""The venues API: the register (venues, rooms, monthly plans), bookings and their steps, the
standards profiles and the compliance report, usage and the cold-venue signal. Thin: parse, find
through the venues selectors (scoped; out of scope is 404), call one service, serialise."""

from typing import Any

from django.urls import path

from quanyu.api.venues.projects import ProjectViewSet
from quanyu.api.venues.views import (
    BookingViewSet,
    ComplianceView,
    CoverageView,
    RoomViewSet,
    SitingView,
    StandardProfileViewSet,
    UsageView,
    VenueViewSet,
)


def register(router: Any) -> None:
    router.register("venues", VenueViewSet, basename="venue")
    router.register("venue-rooms", RoomViewSet, basename="venue-room")
    router.register("venue-bookings", BookingViewSet, basename="venue-booking")
    router.register("venue-standards", StandardProfileViewSet, basename="venue-standard")
    router.register("venue-projects", ProjectViewSet, basename="venue-project")


urlpatterns = [
    path("venue-compliance/", ComplianceView.as_view(), name="venue-compliance"),
    path("venue-usage/", UsageView.as_view(), name="venue-usage"),
    path("venue-coverage/", CoverageView.as_view(), name="venue-coverage"),
    path("venue-siting/", SitingView.as_view(), name="venue-siting"),
]
