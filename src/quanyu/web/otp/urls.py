from django.urls import path

from quanyu.web.otp import views as otp

urlpatterns = [
    path("otp/verify/", otp.otp_verify, name="otp-verify"),
    path("otp/setup/", otp.otp_setup, name="otp-setup"),
]
