from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "quanyu.tickets"
    label = "tickets"
    verbose_name = "诉求工单"

    def ready(self) -> None:
        # Its part of anonymising a person (people.erasure).
        from quanyu.tickets import erasure

        erasure.register()
