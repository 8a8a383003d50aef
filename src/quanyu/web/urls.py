"""Pages. Each app keeps its forms, views and routes together in ``quanyu.web.<app>``
(``forms.py``, ``views.py`` or ``views/``, ``urls.py``); this file only assembles the routes under
the ``web`` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from quanyu.web.analytics import urls as analytics_urls
from quanyu.web.assessment import urls as assessment_urls
from quanyu.web.auth.views import PasswordChange
from quanyu.web.cogov import urls as cogov_urls
from quanyu.web.otp import urls as otp_urls
from quanyu.web.people import urls as people_urls
from quanyu.web.registry import urls as registry_urls
from quanyu.web.tickets import urls as tickets_urls
from quanyu.web.venues import urls as venues_urls
from quanyu.web.volunteering import urls as volunteering_urls
from quanyu.web.wishes import urls as wishes_urls

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", PasswordChange.as_view(), name="password_change"),
]
for domain in [
    registry_urls,
    assessment_urls,
    people_urls,
    tickets_urls,
    otp_urls,
    analytics_urls,
    wishes_urls,
    venues_urls,
    volunteering_urls,
    cogov_urls,
]:
    urlpatterns += domain.urlpatterns
