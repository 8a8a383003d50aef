"""Pages. Each domain keeps its views in quanyu.web.views.<domain> and its routes in
quanyu.web.urls_<domain>; this file only assembles them under the ``web`` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from quanyu.web import urls_assessment, urls_otp, urls_people, urls_registry, urls_tickets

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
for domain in [urls_registry, urls_assessment, urls_people, urls_tickets, urls_otp]:
    urlpatterns += domain.urlpatterns
