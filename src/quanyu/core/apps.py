from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quanyu.core"
    label = "core"
    verbose_name = "共享内核"
    # Log records are masked from before the apps load: settings.LOGGING_CONFIG (core.logs).
