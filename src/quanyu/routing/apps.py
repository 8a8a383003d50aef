from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "quanyu.routing"
    label = "routing"
    verbose_name = "智能分派"

    def ready(self) -> None:
        # Intake (every channel) asks the active model first; see tickets.suggesting.
        from quanyu.routing.predict import IntakeSuggester
        from quanyu.tickets.suggesting import use_learned

        use_learned(IntakeSuggester())
