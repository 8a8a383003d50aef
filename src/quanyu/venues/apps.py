from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "quanyu.venues"
    label = "venues"
    verbose_name = "党建阵地"

    def ready(self) -> None:
        from quanyu.people.meeting_rooms import use_room_booker
        from quanyu.venues.meetings import book_for_meeting

        use_room_booker(book_for_meeting)
