from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "quanyu.orgs"
    label = "orgs"
    verbose_name = "组织与单位"
