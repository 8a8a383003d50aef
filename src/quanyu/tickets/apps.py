from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "quanyu.tickets"
    label = "tickets"
    verbose_name = "诉求工单"

    def ready(self) -> None:
        # Its part of anonymising a person (people.erasure).
        from quanyu.tickets import erasure, partitioning

        erasure.register()
        # Its tables' monthly partitions (core.partitions), for a deployment past 100 M rows.
        partitioning.register()
