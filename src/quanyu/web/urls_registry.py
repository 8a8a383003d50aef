from django.urls import path

from quanyu.web.views import registry

urlpatterns = [
    path("", registry.home, name="home"),
]
