from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "quanyu.assessment"
    label = "assessment"
    verbose_name = "考核评价"
