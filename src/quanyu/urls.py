from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("quanyu.api.urls")),
    path("open311/v2/", include("quanyu.api.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("quanyu.web.urls")),
]
