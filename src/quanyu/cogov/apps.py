from django.apps import AppConfig


class CogovConfig(AppConfig):
    name = "quanyu.cogov"
    label = "cogov"
    verbose_name = "共建共治"
