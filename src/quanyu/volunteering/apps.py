from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "quanyu.volunteering"
    label = "volunteering"
    verbose_name = "志愿服务"

    def ready(self) -> None:
        # Its part of a party member's 双报到 yearly record (people sits below this app).
        from quanyu.volunteering.service_record import register

        register()
        # Its part of anonymising a person (people.erasure).
        from quanyu.volunteering import erasure

        erasure.register()
        # Told when a venue declines or cancels an activity's room booking (venues.holders).
        from quanyu.volunteering.services.rooms import register_holder

        register_holder()
