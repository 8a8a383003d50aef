from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "quanyu.web"
    label = "web"
    verbose_name = "页面"
