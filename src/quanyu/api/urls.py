"""The REST API. Each domain has its own module in quanyu.api (registry, people, tickets, …) that
registers its viewsets on the shared router in ``register(router)`` and may add plain
``urlpatterns``; this file only assembles them."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from quanyu.api import analytics, assessment, cogov, people, registry, tickets, volunteering, wishes
from quanyu.api import venues as venues_api
from quanyu.api.docs import RedocView

# Tickets first: creating one is the busiest call, and URL patterns are tried in order.
DOMAINS = [
    tickets,
    registry,
    people,
    assessment,
    analytics,
    wishes,
    venues_api,
    volunteering,
    cogov,
]

router = DefaultRouter()
for domain in DOMAINS:
    domain.register(router)

urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
for domain in DOMAINS:
    urlpatterns += getattr(domain, "urlpatterns", [])
urlpatterns.append(path("", include(router.urls)))
