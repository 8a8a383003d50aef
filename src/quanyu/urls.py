from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from quanyu.core.health import healthz, readyz

admin.site.site_header = _("全域 · 管理后台")
admin.site.site_title = _("全域管理后台")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("quanyu.api.urls")),
    path("open311/v2/", include("quanyu.api.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("quanyu.web.urls")),
]

# Errors under /api/ and /open311/ answer JSON, pages Django's error pages.
handler400 = "quanyu.core.http.bad_request"
handler403 = "quanyu.core.http.permission_denied"
handler404 = "quanyu.core.http.page_not_found"
handler500 = "quanyu.core.http.server_error"
