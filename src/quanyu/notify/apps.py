from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "quanyu.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self) -> None:
        # In-app notices and outbox messages are append-only and read by time: monthly partitions
        # on their creation time (core.partitions) once they grow past tens of millions of rows.
        from quanyu.core.partitions import Table, add_table
        from quanyu.notify.models import Notification, OutboxMessage

        add_table(Table(name=Notification._meta.db_table, column="created_at"))
        add_table(Table(name=OutboxMessage._meta.db_table, column="created_at"))
