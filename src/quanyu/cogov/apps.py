from django.apps import AppConfig


class CogovConfig(AppConfig):
    name = "quanyu.cogov"
    label = "cogov"
    verbose_name = "共建共治"

    def ready(self) -> None:
        # Told when a venue declines or cancels a session's room booking (venues.holders).
        from quanyu.cogov.services.rooms import register_holder

        register_holder()
