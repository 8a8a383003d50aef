from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "quanyu.people"
    label = "people"
    verbose_name = "居民与党员"
