"""App configs for third-party apps, so the admin names them in the reader's language: django-axes
(login lockout) and django-otp's TOTP devices carry English-only or untranslatable names."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录锁定")


class TOTPConfig(TOTPAppConfig):
    verbose_name = _("双因素认证")

    def ready(self) -> None:
        super().ready()
        # The model's names are plain strings upstream (not marked for translation).
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("动态口令设备")
        meta.verbose_name_plural = _("动态口令设备")
