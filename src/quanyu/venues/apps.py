from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "quanyu.venues"
    label = "venues"
    verbose_name = "党建阵地"
