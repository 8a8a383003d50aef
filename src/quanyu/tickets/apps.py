from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "quanyu.tickets"
    label = "tickets"
    verbose_name = "诉求工单"
