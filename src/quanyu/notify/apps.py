from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "quanyu.notify"
    label = "notify"
    verbose_name = "消息通知"
