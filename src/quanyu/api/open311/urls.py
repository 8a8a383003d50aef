"""/open311/v2/… routes; the format is the resource's extension (.json or .xml)."""

from django.urls import re_path

from quanyu.api.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FMT, views.services_list, name="services"),
    re_path(r"^services/(?P<service_code>[\w.-]{1,32}?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>\d{1,18})" + FMT, views.request_detail, name="request"),
]
