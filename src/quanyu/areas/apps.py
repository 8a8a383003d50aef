from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "quanyu.areas"
    label = "areas"
    verbose_name = "区域"
