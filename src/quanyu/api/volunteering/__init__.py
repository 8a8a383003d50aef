"""The volunteering API: teams, volunteers (masked), projects, activities with sign-up, the QR
check-in, sign-ups with their steps, hours, corrections, proofs and the public proof check. Thin:
parse, find through the volunteering selectors (out of scope is 404), call one service,
serialise. ``api.urls`` calls ``register(router)`` and adds ``urlpatterns``."""

from typing import Any

from django.urls import path

from quanyu.api.volunteering.records import (
    CertificateVerifyView,
    CertificateViewSet,
    CorrectionViewSet,
    MyHoursView,
    RankingsView,
)
from quanyu.api.volunteering.views import (
    ActivityViewSet,
    CheckInView,
    PhoneCodeView,
    PhoneSignupView,
    ProjectViewSet,
    SignupViewSet,
    TeamViewSet,
    VolunteerViewSet,
)


def register(router: Any) -> None:
    router.register("volunteer-teams", TeamViewSet, basename="volunteer-team")
    router.register("volunteers", VolunteerViewSet, basename="volunteer")
    router.register("volunteer-projects", ProjectViewSet, basename="volunteer-project")
    router.register("volunteer-activities", ActivityViewSet, basename="volunteer-activity")
    router.register("volunteer-signups", SignupViewSet, basename="volunteer-signup")
    router.register("volunteer-corrections", CorrectionViewSet, basename="volunteer-correction")
    router.register("volunteer-certificates", CertificateViewSet, basename="volunteer-certificate")


urlpatterns = [
    path("volunteer-checkin/", CheckInView.as_view(), name="volunteer-checkin"),
    path("volunteer-activities/<int:pk>/phone-code/", PhoneCodeView.as_view(), name="volunteer-phone-code"),
    path(
        "volunteer-activities/<int:pk>/phone-signup/",
        PhoneSignupView.as_view(),
        name="volunteer-phone-signup",
    ),
    path("volunteer-hours/", MyHoursView.as_view(), name="volunteer-hours"),
    path("volunteer-rankings/", RankingsView.as_view(), name="volunteer-rankings"),
    path(
        "volunteer-certificates/verify/<str:number>/",
        CertificateVerifyView.as_view(),
        name="volunteer-certificate-verify",
    ),
]
