from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quanyu.core"
    label = "core"
    verbose_name = "共享内核"

    def ready(self) -> None:
        # 等保 residual information: no plaintext ID card or mobile number in any log record,
        # whichever handler writes it (core.logs).
        from quanyu.core.logs import mask_every_record

        mask_every_record()
