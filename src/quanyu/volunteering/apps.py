from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "quanyu.volunteering"
    label = "volunteering"
    verbose_name = "志愿服务"
