from django.apps import AppConfig


class WishesConfig(AppConfig):
    name = "quanyu.wishes"
    label = "wishes"
    verbose_name = "微心愿"

    def ready(self) -> None:
        # Its part of a party member's 双报到 yearly record (people sits below this app).
        from quanyu.wishes.service_record import register

        register()
        # Its part of anonymising a person (people.erasure).
        from quanyu.wishes import erasure

        erasure.register()
