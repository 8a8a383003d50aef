from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quanyu.api"
    label = "api"
    verbose_name = "接口"
