from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quanyu.demo"
    label = "demo"
    verbose_name = "演示城市"
